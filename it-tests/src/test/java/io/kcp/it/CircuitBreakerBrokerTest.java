package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.kcp.core.ConsumerEngine;
import io.kcp.core.ConsumerSettings;
import io.kcp.core.ErrorPolicy;
import io.kcp.core.RecordHandler;
import io.kcp.audit.Audit;
import io.kcp.audit.AuditLog;
import io.kcp.audit.AuditReport;
import io.kcp.sandbox.KafkaSandbox;
import io.kcp.audit.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A downstream outage: the handler fails every call for 5 s. The breaker opens, the engine pauses
 * every assigned partition and keeps polling, records waiting for the breaker are not attempted
 * (no retries burned while OPEN), and when the downstream is back the breaker closes, the
 * partitions resume and nothing is lost or dead-lettered.
 */
@ExtendWith(SharedBroker.class)
class CircuitBreakerBrokerTest {
  static final int RECORDS = 6_000;
  static final Duration OUTAGE = Duration.ofSeconds(5);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Engines.class)
  void anOutageOpensTheBreakerPausesThePartitionsAndLosesNothing(Engines strategy, KafkaSandbox kafka)
      throws Exception {
    String topic = SharedBroker.uniqueName("outage");
    String group = SharedBroker.uniqueName("outage-group");
    Workload.builder(kafka.bootstrapServers(), topic).partitions(6).records(RECORDS).keys(60).run();
    CircuitBreaker breaker = CircuitBreaker.of("price-service", CircuitBreakerConfig.custom()
        .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50) // kcp's defaults
        .waitDurationInOpenState(Duration.ofSeconds(1))
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        .permittedNumberOfCallsInHalfOpenState(2)
        .build());
    AtomicLong calls = new AtomicLong();
    AtomicLong callsAtOpen = new AtomicLong();
    AtomicLong callsWhileOpen = new AtomicLong();
    AtomicInteger opened = new AtomicInteger();
    breaker.getEventPublisher().onStateTransition(e -> {
      switch (e.getStateTransition()) {
        case CLOSED_TO_OPEN, HALF_OPEN_TO_OPEN -> {
          opened.incrementAndGet();
          callsAtOpen.set(calls.get());
        }
        case OPEN_TO_HALF_OPEN -> callsWhileOpen.addAndGet(calls.get() - callsAtOpen.get());
        default -> { }
      }
    });
    AtomicLong outageEnds = new AtomicLong();
    AtomicBoolean outageStarted = new AtomicBoolean();
    RecordHandler<String, String> downstream = r -> {
      if (calls.incrementAndGet() == 1_000) { // the outage starts now
        outageEnds.set(System.nanoTime() + OUTAGE.toNanos());
        outageStarted.set(true);
      }
      if (outageStarted.get() && System.nanoTime() - outageEnds.get() < 0) {
        throw new IllegalStateException("503 Service Unavailable");
      }
      Thread.sleep(1);
    };
    Path audit = dir.resolve(strategy + ".tsv");
    AtomicInteger maxPaused = new AtomicInteger();
    ConsumerEngine engine;
    try (AuditLog log = AuditLog.open(audit)) {
      engine = strategy.build(
          ConsumerSettings.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group).topics(topic).build(),
          Audit.wrap(downstream, log),
          ErrorPolicy.builder().backoff(Duration.ofMillis(50), 2.0, Duration.ofMillis(500))
              .circuitBreaker(breaker).build()); // 3 attempts, yet nothing reaches the DLT
      engine.start();
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          maxPaused.accumulateAndGet(engine.metrics().pausedPartitions(), Math::max);
          return maxPaused.get() == 6; // all assigned partitions
        });
        await().atMost(Duration.ofSeconds(120)).until(() -> engine.metrics().recordsHandled() >= RECORDS);
      } finally {
        engine.close(Duration.ofSeconds(20));
      }
    }
    AuditReport report = AuditReport.of(kafka.bootstrapServers(), topic, List.of(audit));
    System.out.printf("OUTAGE %s: breaker opened %d times, handler calls while OPEN %d, retries %d,"
            + " dead-lettered %d, lost %d, duplicates %d%n", strategy, opened.get(), callsWhileOpen.get(),
        engine.metrics().retries(), engine.metrics().deadLettered(), report.lost(), report.duplicates());
    assertThat(opened.get()).isPositive();
    assertThat(maxPaused.get()).isEqualTo(6);
    // a call that got its permission just before the breaker opened may still start: at most one
    // per thread calling the handler; nothing else runs while OPEN
    assertThat(callsWhileOpen.get()).isLessThanOrEqualTo(strategy.concurrency());
    assertThat(engine.metrics().deadLettered()).isZero();
    assertThat(report.lost()).as(report.toText()).isZero();
    assertThat(report.duplicates()).as(report.toText()).isZero();
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
