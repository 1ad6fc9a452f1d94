package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.lag.TimeLagMode;
import io.kcp.sandbox.KafkaSandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * At a steady produce rate, time lag interpolated over sampled log-end offsets agrees with the
 * probe (the age of the first unconsumed record) within one sampling interval plus a small margin.
 *
 * <p>Why that tolerance: interpolation assumes the log end moved at a constant rate between the two
 * samples around the committed offset. Whatever the records did inside that interval, the true
 * moment lies between the two samples, so the error is at most one interval ({@value
 * #SAMPLE_MS} ms). On top, {@value #MARGIN_MS} ms: a sample's time is taken before its Admin calls
 * answer (the log end it records is a few ms younger than its time says), and producer batching
 * and scheduling jitter on this shared 2-CPU machine. The two reads are taken back to back, probe
 * first (its "now" is taken when its fetch is done), and the interpolated value is compared after
 * removing the gap between the probe's end and the interpolated sample's time. Figures go to the
 * stdout line TIMELAG.
 */
@ExtendWith(SharedBroker.class)
class LagTimeLagInterpolationTest {
  private static final int PARTITIONS = 3;
  private static final long SAMPLE_MS = 200;
  private static final long MARGIN_MS = 100;
  private static final long RECORD_EVERY_MS = 10; // per partition: 100 records/s each

  @Test
  void interpolationAgreesWithTheProbeAtASteadyRate(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-interp");
    String group = topic + "-g";
    kafka.createTopic(topic, PARTITIONS, 1);
    ScheduledExecutorService producing = Executors.newSingleThreadScheduledExecutor();
    try (KafkaProducer<String, String> producer = LagClients.producer(b);
        ConsumerLag interpolated = ConsumerLag.builder().bootstrapServers(b).timeLag(TimeLagMode.INTERPOLATE).build();
        ConsumerLag probed = ConsumerLag.builder().bootstrapServers(b).timeLag(TimeLagMode.PROBE).build()) {
      producing.scheduleAtFixedRate(() -> {
        for (int p = 0; p < PARTITIONS; p++) {
          producer.send(new ProducerRecord<>(topic, p, "k", "v"));
        }
      }, 0, RECORD_EVERY_MS, TimeUnit.MILLISECONDS);

      // sample the log ends for a second before the group exists (it reads as committed nothing)
      List<LagSnapshot> before = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(SAMPLE_MS)).until(() -> {
        before.add(interpolated.snapshot(group, Set.of(topic)));
        return before.size() >= 6;
      });
      // commit 20 records (~200 ms) behind the last sampled log end: between two samples
      Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
      for (PartitionLag p : before.get(before.size() - 1).partitions()) {
        commits.put(new TopicPartition(topic, p.partition()), new OffsetAndMetadata(p.logEndOffset() - 20));
      }
      kafka.admin().alterConsumerGroupOffsets(group, commits).all().get(10, TimeUnit.SECONDS);

      List<long[]> pairs = new ArrayList<>(); // interpolated (at the probe's instant), probed
      List<Integer> samples = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(SAMPLE_MS)).until(() -> {
        samples.add(1);
        if (samples.size() < 5) {
          interpolated.snapshot(group);
          return false; // let the clock run a second past the commit
        }
        LagSnapshot p = probed.snapshot(group);
        long probeEnd = System.currentTimeMillis();
        LagSnapshot i = interpolated.snapshot(group);
        long gap = Math.max(0, i.takenAtMs() - probeEnd);
        for (int k = 0; k < PARTITIONS; k++) {
          PartitionLag pi = i.partitions().get(k);
          PartitionLag pp = p.partitions().get(k);
          assertThat(pi.timeLagSource()).isEqualTo(TimeLagMode.INTERPOLATE);
          assertThat(pp.timeLagSource()).isEqualTo(TimeLagMode.PROBE);
          assertThat(pi.timeLagMs()).as("interpolated %s", pi.name()).isPresent();
          pairs.add(new long[] {pi.timeLagMs().getAsLong() - gap, pp.timeLagMs().getAsLong()});
        }
        return samples.size() >= 10;
      });
      producing.shutdownNow();

      long worst = 0;
      long sum = 0;
      for (long[] x : pairs) {
        long diff = x[1] - x[0]; // probe minus interpolation
        assertThat(diff).as("probe %d ms vs interpolated %d ms", x[1], x[0])
            .isBetween(-(SAMPLE_MS + MARGIN_MS), SAMPLE_MS + MARGIN_MS);
        worst = Math.max(worst, Math.abs(diff));
        sum += Math.abs(diff);
      }
      System.out.println("TIMELAG steady " + (1000 / RECORD_EVERY_MS) + " rec/s/partition, samples every " + SAMPLE_MS
          + " ms, " + pairs.size() + " comparisons: probe " + pairs.get(pairs.size() - 1)[1] + " ms vs interpolated "
          + pairs.get(pairs.size() - 1)[0] + " ms (last); |probe - interpolated| mean " + sum / pairs.size()
          + " ms, worst " + worst + " ms");
    } finally {
      producing.shutdownNow();
    }
  }
}
