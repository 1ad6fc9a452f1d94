package io.kcp.lag;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The result of one batched read of many groups ({@link ConsumerLag#snapshots}): a snapshot per
 * group that could be read, and the failure of each that could not — a group the cluster does not
 * know has a {@link LagException#isGroupNotFound()} failure, as {@link ConsumerLag#snapshot(String)}
 * would throw. Every group asked for is in exactly one of the two maps; both keep the order asked.
 *
 * @param snapshots the groups that were read, by group id
 * @param errors the groups that were not, by group id
 * @param adminCalls the Admin API calls the read made, at most {@link
 *     ConsumerLag#ADMIN_CALLS_PER_BATCH} whatever the number of groups and partitions
 */
public record GroupSnapshots(Map<String, LagSnapshot> snapshots, Map<String, LagException> errors, int adminCalls) {

  /** Checks that no field is null and copies the maps (keeping their order). */
  public GroupSnapshots {
    snapshots = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(snapshots, "snapshots")));
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(errors, "errors")));
  }

  /** The group's snapshot, if it was read. */
  public Optional<LagSnapshot> snapshot(String group) {
    return Optional.ofNullable(snapshots.get(group));
  }

  /** The group's failure, if it was not read. */
  public Optional<LagException> error(String group) {
    return Optional.ofNullable(errors.get(group));
  }
}
