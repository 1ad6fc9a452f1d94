package io.kcp.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kcp.core.InvalidSettingsException;
import org.junit.jupiter.api.Test;

class ShareConfigTest {
  @Test
  void defaultsAreOneMemberSixteenWorkersAndTheGroupsOwnStart() {
    ShareConfig c = ShareConfig.ofDefaults();
    assertThat(c.members()).isEqualTo(1);
    assertThat(c.concurrency()).isEqualTo(ShareConfig.DEFAULT_CONCURRENCY);
    assertThat(c.virtualThreads()).isFalse();
    assertThat(c.startFrom()).isEmpty();
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    assertThatThrownBy(() -> ShareConfig.custom().members(0).concurrency(0).startFrom("beginning").build())
        .isInstanceOf(InvalidSettingsException.class)
        .satisfies(e -> assertThat(((InvalidSettingsException) e).problems()).hasSize(3))
        .hasMessageContaining("members must be at least 1")
        .hasMessageContaining("concurrency must be at least 1")
        .hasMessageContaining("startFrom must be earliest or latest (got 'beginning')");
  }

  @Test
  void startFromIsCaseInsensitive() {
    assertThat(ShareConfig.custom().startFrom(" Earliest ").build().startFrom()).contains("earliest");
  }
}
