package io.kcp.sandbox.internal;

import java.util.Map;

/**
 * What to start, as validated by {@code KafkaSandbox.Builder}.
 *
 * @param brokers 1 (combined node) or 3 (dedicated controller + three brokers)
 * @param port fixed client port of the single broker, 0 to pick one
 * @param secured SASL_SSL with SCRAM-SHA-512 and ACLs instead of PLAINTEXT
 * @param brokerProperties user properties applied on top of the sandbox's own
 */
public record SandboxSpec(
    int brokers, int port, boolean secured, Map<String, String> brokerProperties) {
  /** Copies the properties. */
  public SandboxSpec {
    brokerProperties = Map.copyOf(brokerProperties);
  }
}
