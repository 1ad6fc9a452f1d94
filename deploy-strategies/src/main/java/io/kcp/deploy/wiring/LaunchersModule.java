package io.kcp.deploy.wiring;

import dagger.MapKey;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import io.kcp.deploy.DeploymentConfig;
import io.kcp.deploy.InstanceLauncher;
import io.kcp.deploy.internal.InProcessLauncher;
import io.kcp.deploy.internal.JvmLauncher;
import jakarta.inject.Provider;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.Map;

/**
 * The launchers a deployment can drive, one binding per kind, and the one the config asks for.
 * Public for users who wire with Dagger; a test component can bind a launcher of its own.
 */
@Module
public final class LaunchersModule {
  private LaunchersModule() {}

  /** Keys a launcher binding by its kind. */
  @MapKey
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  public @interface LauncherKey {
    /** The kind. */
    InstanceLauncher.Kind value();
  }

  @Provides
  @IntoMap
  @LauncherKey(InstanceLauncher.Kind.IN_PROCESS)
  static InstanceLauncher inProcess() {
    return new InProcessLauncher();
  }

  @Provides
  @IntoMap
  @LauncherKey(InstanceLauncher.Kind.JVM)
  static InstanceLauncher jvm() {
    return new JvmLauncher();
  }

  @Provides
  static InstanceLauncher launcher(DeploymentConfig config, Map<InstanceLauncher.Kind, Provider<InstanceLauncher>> kinds) {
    return kinds.get(config.launcher()).get();
  }
}
