package io.kcp.lag;

import static java.util.Objects.requireNonNull;

/**
 * The group member a partition is assigned to, as {@code kafka-consumer-groups --describe} shows
 * it in its CONSUMER-ID, HOST and CLIENT-ID columns.
 *
 * @param memberId the member id the coordinator gave the consumer
 * @param host the consumer's host as the coordinator saw it (e.g. {@code /127.0.0.1})
 * @param clientId the consumer's {@code client.id}
 */
public record PartitionOwner(String memberId, String host, String clientId) {
  /** Checks that no field is null. */
  public PartitionOwner {
    requireNonNull(memberId, "memberId");
    requireNonNull(host, "host");
    requireNonNull(clientId, "clientId");
  }
}
