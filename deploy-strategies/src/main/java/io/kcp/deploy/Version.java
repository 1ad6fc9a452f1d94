package io.kcp.deploy;

import java.util.Objects;

/**
 * A version of the consumer application: a name (it labels every record an instance of it
 * handles, in the audit) and the recipe of one instance — its handler and engine configuration,
 * in this JVM or as a process of its own. Which strategy the recipe's engine uses is the recipe's
 * business: a deployment never names a strategy.
 */
public final class Version {
  private final String name;
  private final InstanceRecipe recipe;

  private Version(String name, InstanceRecipe recipe) {
    this.name = name;
    this.recipe = recipe;
  }

  /**
   * A version.
   *
   * @param name a short label without spaces, such as {@code v1}
   * @param recipe how one instance of it runs
   */
  public static Version of(String name, InstanceRecipe recipe) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(recipe, "recipe");
    if (name.isBlank() || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("a version name is letters, digits, '.', '_' or '-' (got '" + name + "')");
    }
    return new Version(name, recipe);
  }

  /** The version's name. */
  public String name() {
    return name;
  }

  /** How one instance of it runs. */
  public InstanceRecipe recipe() {
    return recipe;
  }

  @Override
  public String toString() {
    return name;
  }
}
