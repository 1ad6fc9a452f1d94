package io.kcp.core.spi;

import io.kcp.core.ConsumerFactory;
import io.kcp.core.EngineMetrics;
import io.kcp.core.EngineState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What every poll-loop engine does the same way: start (create the consumer, prepare, start the
 * poll thread; a failure to start is FAILED at once), close through the {@link EngineLifecycle}
 * (which wakes the consumer), report state, failure and the common metrics. A strategy writes
 * its loop in {@link #pollLoop()}.
 */
public abstract class PollLoopEngine implements PollLoop {
  /** What this loop is built from. */
  protected final PollLoopSpec spec;
  /** Its life cycle. */
  protected final EngineLifecycle life;
  private final ConsumerFactory consumerFactory;
  /** The consumer, once started; only the poll thread calls it (others only {@code wakeup()}). */
  protected volatile Consumer<byte[], byte[]> consumer;

  protected PollLoopEngine(PollLoopSpec spec, ConsumerFactory consumerFactory, EngineLifecycle life) {
    this.spec = spec;
    this.consumerFactory = consumerFactory;
    this.life = life;
  }

  @Override
  public final synchronized void start() {
    life.beginStart();
    try {
      consumer = consumerFactory.create(spec.config().consumerConfig(spec.index()));
      beforePolling();
    } catch (RuntimeException e) {
      Throwable explained = Failures.explain(e, spec);
      life.fail(explained);
      life.stopped();
      throw explained instanceof RuntimeException r ? r : e;
    }
    Thread thread = new Thread(this::pollLoop, pollThreadName());
    life.pollThread(thread);
    thread.start();
  }

  /** Called once the consumer exists, before the poll thread starts (e.g. to start workers). */
  protected void beforePolling() {}

  /** The poll thread's name. */
  protected String pollThreadName() {
    return spec.name();
  }

  /** The loop, on the poll thread; it must end in {@link EngineLifecycle#stopped()}. */
  protected abstract void pollLoop();

  /** Whether {@link #close} called from the current thread waits for the loop to stop. */
  protected boolean closeWaits() {
    return true;
  }

  @Override
  public void close(Duration timeout) {
    life.close(timeout, this::wakeup, closeWaits());
  }

  /** Wakes the consumer out of a blocking call (the one call another thread may make). */
  protected final void wakeup() {
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  @Override
  public boolean stopped() {
    return life.hasStopped();
  }

  @Override
  public EngineState state() {
    return life.state();
  }

  @Override
  public Optional<Throwable> failure() {
    return life.failure();
  }

  /** The metrics every loop reports the same way; the engine adds its commits and in-flight. */
  protected EngineMetrics.Builder metrics(RecordRunner runner, long handled, int assigned, int topicPartitions,
      Map<TopicPartition, Long> recordsLag, int paused) {
    return EngineMetrics.builder()
        .recordsHandled(handled)
        .recordsFailed(runner.failures())
        .consumers(1)
        .idleConsumers(life.state() == EngineState.RUNNING && assigned == 0 ? 1 : 0)
        .topicPartitions(topicPartitions)
        .assignedPartitions(assigned)
        .recordsLag(recordsLag)
        .retries(runner.retries())
        .deadLettered(runner.deadLettered())
        .pausedPartitions(paused);
  }

  /** {@code metrics} with the committer's counters. */
  protected static EngineMetrics.Builder withCommits(EngineMetrics.Builder metrics, Committer committer) {
    return metrics
        .commits(committer.commits())
        .commitFailures(committer.failures())
        .commitLatencyAvgMillis(committer.latencyAvgMillis())
        .commitLatencyMaxMillis(committer.latencyMaxMillis())
        .committedOffsets(committer.committed());
  }
}
