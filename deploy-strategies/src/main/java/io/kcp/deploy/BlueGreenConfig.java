package io.kcp.deploy;

import io.kcp.core.InvalidSettingsException;
import java.util.List;
import java.util.Objects;

/**
 * How a blue/green deployment runs: the consumer group of the green side (blue uses the
 * deployment's group), and whether green is switched back to blue once it settled (a rollback,
 * the same switch in reverse).
 */
public final class BlueGreenConfig {
  private final String greenGroup;
  private final boolean rollback;

  private BlueGreenConfig(String greenGroup, boolean rollback) {
    this.greenGroup = greenGroup;
    this.rollback = rollback;
  }

  /** A builder: green's group is {@code <group>-green}, no rollback. */
  public static Builder custom() {
    return new Builder();
  }

  /** Green's group {@code <group>-green}, no rollback. */
  public static BlueGreenConfig ofDefaults() {
    return custom().build();
  }

  /** Green's group for a deployment whose (blue) group is {@code group}. */
  public String greenGroup(String group) {
    return greenGroup != null ? greenGroup : group + "-green";
  }

  /** Whether blue is switched back in once green settled. */
  public boolean rollback() {
    return rollback;
  }

  /** Builds a {@link BlueGreenConfig}. */
  public static final class Builder {
    private String greenGroup;
    private boolean rollback;

    private Builder() {}

    /** Green's consumer group (default {@code <group>-green}); must differ from blue's. */
    public Builder greenGroup(String greenGroup) {
      this.greenGroup = Objects.requireNonNull(greenGroup, "greenGroup");
      return this;
    }

    /** Switch back to blue once green settled (default no). */
    public Builder rollback(boolean rollback) {
      this.rollback = rollback;
      return this;
    }

    /**
     * The config.
     *
     * @throws InvalidSettingsException if green's group is blank
     */
    public BlueGreenConfig build() {
      if (greenGroup != null && greenGroup.isBlank()) {
        throw new InvalidSettingsException(List.of("greenGroup must not be blank: leave it unset for <group>-green"));
      }
      return new BlueGreenConfig(greenGroup, rollback);
    }
  }
}
