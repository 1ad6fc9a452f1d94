package io.kcp.deploy.wiring;

import io.kcp.deploy.DeploymentConfig;
import io.kcp.deploy.InstanceLauncher;

/** The door between the deployments and the Dagger component. Not for users. */
public final class DeployWiring {
  private DeployWiring() {}

  /** The launcher the config asks for. */
  public static InstanceLauncher launcher(DeploymentConfig config) {
    return DaggerDeployComponent.factory().create(config).launcher();
  }
}
