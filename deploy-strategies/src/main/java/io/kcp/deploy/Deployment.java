package io.kcp.deploy;

/**
 * A way of replacing one version of a consumer application by another: stop-the-world ({@link
 * StopDeployment}) or rolling ({@link RollingDeployment}). One contract: {@link #run} takes the
 * fleet from one version to the other under steady traffic and reports what it cost.
 */
public interface Deployment {

  /**
   * Starts a fleet of {@code from} under the config's traffic, replaces it by {@code to}, lets it
   * settle, drains, stops everything, and measures.
   *
   * @throws DeploymentException if a step cannot complete (an instance never ready, say); what
   *     was started is stopped
   */
  DeploymentReport run(Version from, Version to);
}
