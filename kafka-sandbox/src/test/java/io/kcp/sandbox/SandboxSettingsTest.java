package io.kcp.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.sandbox.internal.Ports;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** Builder validation and port helpers; no broker. */
class SandboxSettingsTest {

  @Test
  void rejectsSettingsThatDoNotGoTogether() {
    assertThatThrownBy(() -> KafkaSandbox.builder().brokers(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 or 3");
    assertThatThrownBy(() -> KafkaSandbox.builder().port(70_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KafkaSandbox.builder().brokers(3).port(9092).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one broker");
    assertThatThrownBy(() -> KafkaSandbox.builder().brokers(3).startForked())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("forked");
  }

  @Test
  void findsABindFailureAnywhereInTheCauseChain() {
    KafkaException wrapped =
        new KafkaException(
            "Socket server failed to bind to localhost:1", new BindException("in use"));
    assertThat(Ports.isBindFailure(new RuntimeException("startup", wrapped))).isTrue();
    assertThat(Ports.isBindFailure(new KafkaException("Address already in use"))).isTrue();
    assertThat(Ports.isBindFailure(new KafkaException("other", new IOException("x")))).isFalse();
  }

  @Test
  void picksDistinctFreePorts() throws IOException {
    int[] ports = Ports.pickFree(4);
    assertThat(ports).doesNotHaveDuplicates();
    assertThat(java.util.Arrays.stream(ports).min().getAsInt()).isPositive();
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[0]));
      assertThat(Ports.accepts(ports[0], 500)).isTrue();
    }
  }
}
