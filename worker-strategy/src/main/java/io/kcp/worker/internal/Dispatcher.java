package io.kcp.worker.internal;

/**
 * An ordering mode: makes the {@link Lanes} of each assigned partition. One implementation per
 * mode ({@link #byKey()}, {@link #byPartition()}, {@link #unordered()}), bound by the wiring per
 * {@code WorkerConfig.ordering()}.
 */
public interface Dispatcher {

  /** The lanes of a newly assigned partition. */
  Lanes newLanes();

  /**
   * {@code KEY}: one record per key at a time, in offset order per key; a null key is a key of
   * its own (records without a key are ordered among themselves per partition).
   */
  static Dispatcher byKey() {
    return KeyLanes::new;
  }

  /** {@code PARTITION}: one record per partition at a time, in offset order. */
  static Dispatcher byPartition() {
    return PartitionLanes::new;
  }

  /** {@code UNORDERED}: every record starts at once (the workers bound how many run). */
  static Dispatcher unordered() {
    return () -> UnorderedLanes.INSTANCE;
  }
}
