package io.kcp.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  /** An address where nothing listens: connections are refused. */
  private static String deadAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return "127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void builderRejectsInvalidSettingsNamingThem() {
    Workload.Builder b = Workload.builder("localhost:9092", "t");
    assertThatThrownBy(() -> b.records(-1)).hasMessageContaining("records");
    assertThatThrownBy(() -> b.keys(0)).hasMessageContaining("keys");
    assertThatThrownBy(() -> b.partitions(0)).hasMessageContaining("partitions");
    assertThatThrownBy(() -> b.replicationFactor((short) 0)).hasMessageContaining("replicationFactor");
    assertThatThrownBy(() -> b.connectTimeout(Duration.ZERO)).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> b.producerProperty("value.serializer", "x"))
        .hasMessageContaining("value.serializer")
        .hasMessageContaining("fixed");
    assertThatThrownBy(() -> Workload.builder(" ", "t")).hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> Workload.builder("h:1", "")).hasMessageContaining("topic");
  }

  @Test
  void builderKeepsSettings() {
    Workload w = Workload.builder("localhost:9092", "orders").records(0).keys(3).build();
    assertThat(w.records()).isZero();
    assertThat(w.keys()).isEqualTo(3);
    assertThat(w.topic()).isEqualTo("orders");
    assertThat(w.toString()).contains("0 records over 3 keys to orders on localhost:9092");
  }

  @Test
  void unreachableClusterFailsFastWithAClearMessage() throws IOException {
    String address = deadAddress();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                Workload.builder(address, "orders")
                    .records(10)
                    .connectTimeout(Duration.ofSeconds(1))
                    .run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot reach Kafka at " + address);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void auditReportOfAnUnreachableClusterFailsWithAClearMessage() throws IOException {
    String address = deadAddress();
    assertThatThrownBy(() -> AuditReport.of(address, "orders", List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot reach Kafka at " + address);
    assertThatThrownBy(
            () ->
                AuditReport.of(
                    address, "orders", List.of(), Optional.of("orders.dlt"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot reach Kafka at " + address);
  }

  @Test
  void resultComputesThroughputAndSortsPartitions() {
    WorkloadResult r =
        new WorkloadResult("t", 5000, Duration.ofMillis(2500), Map.of(2, 10L, 0, 30L, 1, 20L));
    assertThat(r.recordsPerSecond()).isEqualTo(2000.0);
    assertThat(r.endOffsets().keySet()).containsExactly(0, 1, 2);
    assertThat(new WorkloadResult("t", 0, Duration.ZERO, Map.of()).recordsPerSecond()).isZero();
    assertThatThrownBy(() -> r.endOffsets().put(3, 1L))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
