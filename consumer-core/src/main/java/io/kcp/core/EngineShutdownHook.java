package io.kcp.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The JVM shutdown-hook pattern for consumer applications: on SIGTERM (a Kubernetes pod stop, a
 * Ctrl-C) close the engine, so in-flight records finish, their offsets are committed and the
 * consumers leave the group at once instead of after a session timeout.
 *
 * <pre>{@code
 * ConsumerEngine engine = ...;
 * engine.start();
 * EngineShutdownHook.install(engine, Duration.ofSeconds(20));
 * }</pre>
 *
 * <p>Keep the timeout below the platform's grace period (Kubernetes:
 * {@code terminationGracePeriodSeconds}, 30 s by default), or the process is SIGKILLed mid-drain.
 */
public final class EngineShutdownHook {
  private EngineShutdownHook() {}

  /**
   * Registers a shutdown hook that closes {@code engine} within {@code timeout}.
   *
   * @return the hook thread, so a caller can remove it with {@code Runtime.removeShutdownHook}
   */
  public static Thread install(ConsumerEngine engine, Duration timeout) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(timeout, "timeout");
    Thread hook = new Thread(() -> engine.close(timeout), "kcp-engine-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }
}
