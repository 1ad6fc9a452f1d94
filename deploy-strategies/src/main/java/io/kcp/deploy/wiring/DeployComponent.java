package io.kcp.deploy.wiring;

import dagger.BindsInstance;
import dagger.Component;
import io.kcp.deploy.DeploymentConfig;
import io.kcp.deploy.InstanceLauncher;

/** Assembles what a deployment drives; reached only through {@link DeployWiring}. */
@Component(modules = LaunchersModule.class)
interface DeployComponent {

  InstanceLauncher launcher();

  @Component.Factory
  interface Factory {
    DeployComponent create(@BindsInstance DeploymentConfig config);
  }
}
