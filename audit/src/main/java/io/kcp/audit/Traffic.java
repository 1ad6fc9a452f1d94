package io.kcp.audit;

import io.kcp.audit.internal.WorkloadRunner;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Steady production in the background: the keyed workload's records ({@link WorkloadRecord}: key
 * {@code k-(i mod keys)}, per-key sequence numbers) at a fixed rate, until stopped — the traffic
 * a deployment runs under, so that lag and gaps mean what they mean in production. The topic must
 * exist ({@link Topics#createAndAwait}).
 *
 * <pre>{@code
 * try (Traffic traffic = Traffic.start(bootstrap, "orders", 1_000, 2_000)) {
 *   ... deploy ...
 * } // stop(): flushes, and fails if any record was not acknowledged
 * }</pre>
 *
 * <p>The rate is kept per 10 ms tick, so it holds on average and bursts at most a tick's worth;
 * a producer that cannot keep up falls behind rather than bursting to catch up ({@link
 * #behindMillis()} says by how much).
 */
public final class Traffic implements AutoCloseable {
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private final String topic;
  private final int keys;
  private final int rate;
  private final KafkaProducer<String, String> producer;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicLong behindNanos = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopping;

  private Traffic(Map<String, ?> clientProperties, String topic, int keys, int rate) {
    String bootstrapServers = String.valueOf(clientProperties.get("bootstrap.servers"));
    this.topic = topic;
    this.keys = keys;
    this.rate = rate;
    try {
      this.producer = new KafkaProducer<>(
          WorkloadRunner.producerConfig(clientProperties, "kcp-traffic", Map.of()));
    } catch (KafkaException e) {
      throw new ClusterException("cannot create the traffic producer for " + bootstrapServers
          + ": " + e.getMessage(), e);
    }
    this.thread = new Thread(this::run, "kcp-traffic-" + topic);
    this.thread.setDaemon(true);
  }

  /**
   * Starts producing {@code recordsPerSecond} records a second over {@code keys} keys to {@code
   * topic}.
   *
   * @throws IllegalArgumentException if the rate or the key count is below 1
   */
  public static Traffic start(String bootstrapServers, String topic, int keys, int recordsPerSecond) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    return start(Map.of("bootstrap.servers", bootstrapServers), topic, keys, recordsPerSecond);
  }

  /**
   * Like {@link #start(String, String, int, int)}, with the user's client settings (they must hold
   * {@code bootstrap.servers}); the traffic producer's defaults apply only to keys not set there.
   */
  public static Traffic start(
      Map<String, ?> clientProperties, String topic, int keys, int recordsPerSecond) {
    Objects.requireNonNull(clientProperties, "clientProperties");
    if (clientProperties.get("bootstrap.servers") == null) {
      throw new IllegalArgumentException("clientProperties must hold bootstrap.servers");
    }
    Objects.requireNonNull(topic, "topic");
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be at least 1, was " + keys);
    }
    if (recordsPerSecond < 1) {
      throw new IllegalArgumentException("the rate must be at least 1 record/s, was " + recordsPerSecond);
    }
    Traffic traffic = new Traffic(clientProperties, topic, keys, recordsPerSecond);
    traffic.thread.start();
    return traffic;
  }

  private void run() {
    long started = System.nanoTime();
    long index = 0;
    try {
      while (!stopping && failure.get() == null) {
        long now = System.nanoTime();
        long due = (now - started) * rate / TimeUnit.SECONDS.toNanos(1);
        long burst = Math.max(1, rate / 50); // at most two ticks' worth at once
        long limit = Math.min(due, index + burst);
        behindNanos.set(Math.max(0, (due - index) * TimeUnit.SECONDS.toNanos(1) / rate));
        for (; index < limit; index++) {
          WorkloadRecord r = WorkloadRecord.of(index, keys, System.currentTimeMillis());
          producer.send(new ProducerRecord<>(topic, r.key(), r.toValue()), (md, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              acknowledged.incrementAndGet();
            }
          });
          sent.incrementAndGet();
        }
        LockSupport.parkNanos(TICK_NANOS);
      }
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Records sent so far. */
  public long sent() {
    return sent.get();
  }

  /** Records the broker acknowledged so far. */
  public long acknowledged() {
    return acknowledged.get();
  }

  /** The target rate, records per second. */
  public int rate() {
    return rate;
  }

  /** How far behind its schedule the producer is, in milliseconds (0 when it keeps up). */
  public long behindMillis() {
    return TimeUnit.NANOSECONDS.toMillis(behindNanos.get());
  }

  /**
   * Stops producing, waits until every record sent was acknowledged, closes the producer.
   *
   * @return the records produced
   * @throws IllegalStateException if a record could not be produced
   */
  public long stop() {
    stopping = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
    Exception e = failure.get();
    if (e != null) {
      throw new IllegalStateException("traffic to " + topic + " failed after " + sent.get() + " sent, "
          + acknowledged.get() + " acknowledged: " + e, e);
    }
    return acknowledged.get();
  }

  /** {@link #stop()}, once. */
  @Override
  public void close() {
    if (thread.isAlive() || !stopping) {
      stop();
    }
  }
}
