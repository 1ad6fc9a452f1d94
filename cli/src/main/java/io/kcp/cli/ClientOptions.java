package io.kcp.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --command-config} and {@code --command-property}. */
final class ClientOptions extends ClientSettings {
  @Option(names = PROPERTY, paramLabel = "KEY=VALUE", description = PROPERTY_HELP)
  List<String> properties = new ArrayList<>();

  @Override
  List<String> rawProperties() {
    return properties;
  }

  @Override
  String propertyOptionName() {
    return PROPERTY;
  }

  /**
   * {@code --command-config} and {@code --command-property}, plus {@code -p}/{@code
   * --consumer-property} as aliases of {@code --command-property}.
   */
  static final class WithConsumerAlias extends ClientSettings {
    @Option(
        names = {PROPERTY, "-p", "--consumer-property"},
        paramLabel = "KEY=VALUE",
        description = PROPERTY_HELP + " -p and --consumer-property are aliases of it.")
    List<String> properties = new ArrayList<>();

    @Override
    List<String> rawProperties() {
      return properties;
    }

    @Override
    String propertyOptionName() {
      return PROPERTY;
    }
  }
}
