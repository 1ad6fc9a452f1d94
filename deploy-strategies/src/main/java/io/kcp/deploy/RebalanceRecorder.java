package io.kcp.deploy;

import io.kcp.core.EngineListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * An {@link EngineListener} that keeps every rebalance callback of an instance as a {@link
 * RebalanceEvent}, and, given a file, appends each as a line there too (flushed at once): how an
 * instance running as a process of its own tells the deployment about its rebalances.
 */
public final class RebalanceRecorder implements EngineListener {
  private final String runId;
  private final Path file;
  private final List<RebalanceEvent> events = new ArrayList<>();

  private RebalanceRecorder(String runId, Path file) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.file = file;
  }

  /** A recorder keeping events in memory. */
  public static RebalanceRecorder inMemory(String runId) {
    return new RebalanceRecorder(runId, null);
  }

  /** A recorder that also appends each event to {@code file}. */
  public static RebalanceRecorder toFile(String runId, Path file) {
    return new RebalanceRecorder(runId, Objects.requireNonNull(file, "file"));
  }

  /**
   * Reads the events an instance appended to {@code file} (none if it does not exist yet); a
   * last line being written is skipped.
   */
  public static List<RebalanceEvent> read(String runId, Path file) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      List<RebalanceEvent> out = new ArrayList<>();
      int end = text.lastIndexOf('\n');
      if (end < 0) {
        return out;
      }
      for (String line : text.substring(0, end).split("\n")) {
        if (!line.isBlank()) {
          out.add(RebalanceEvent.parse(runId, line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rebalance events " + file, e);
    }
  }

  /** The events so far (a copy). */
  public synchronized List<RebalanceEvent> events() {
    return List.copyOf(events);
  }

  private synchronized void add(RebalanceEvent.Kind kind, Collection<TopicPartition> partitions, int generation) {
    RebalanceEvent e = new RebalanceEvent(System.currentTimeMillis(), runId, kind, List.copyOf(partitions), generation);
    events.add(e);
    if (file != null) {
      try {
        Files.writeString(file, e.toLine() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
      } catch (IOException io) {
        throw new UncheckedIOException("cannot append to " + file, io);
      }
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions, int generation) {
    add(RebalanceEvent.Kind.ASSIGNED, partitions, generation);
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions, Duration drained) {
    add(RebalanceEvent.Kind.REVOKED, partitions, -1);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    add(RebalanceEvent.Kind.LOST, partitions, -1);
  }
}
