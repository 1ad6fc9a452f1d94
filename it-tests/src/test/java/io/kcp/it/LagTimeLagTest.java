package io.kcp.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcp.lag.ConsumerLag;
import io.kcp.lag.LagSnapshot;
import io.kcp.lag.PartitionLag;
import io.kcp.sandbox.KafkaSandbox;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Time lag is the age of the first unconsumed record: right after a burst on an idle topic, right
 * for old backlogs, 0 when caught up (however long the topic was idle), clamped at 0 for records
 * stamped in the future, and unknown — never 0 or NaN — when never committed or the record is gone.
 */
@ExtendWith(SharedBroker.class)
class LagTimeLagTest {
  @Test
  void timeLagIsTheAgeOfTheFirstUnconsumedRecord(KafkaSandbox kafka) throws Exception {
    String b = kafka.bootstrapServers();
    String topic = SharedBroker.uniqueName("lag-time");
    String group = topic + "-g";
    kafka.createTopic(topic, 5, 1);
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, String> p = LagClients.producer(b)) {
      for (int i = 0; i < 10; i++) {
        p.send(new ProducerRecord<>(topic, 0, now - 60_000, "k", "old backlog"));   // p0: a minute old
        p.send(new ProducerRecord<>(topic, 1, now - 3_600_000, "k", "consumed"));   // p1: caught up
        p.send(new ProducerRecord<>(topic, 2, now + 60_000, "k", "future stamp"));  // p2: clock skew
        p.send(new ProducerRecord<>(topic, 3, now - 60_000, "k", "never committed"));
        p.send(new ProducerRecord<>(topic, 4, now - 60_000, "k", "deleted"));       // p4: retention
      }
      p.flush();
    }
    kafka.admin().alterConsumerGroupOffsets(group, Map.of(
            new TopicPartition(topic, 0), new OffsetAndMetadata(2),
            new TopicPartition(topic, 1), new OffsetAndMetadata(10),
            new TopicPartition(topic, 2), new OffsetAndMetadata(0),
            new TopicPartition(topic, 4), new OffsetAndMetadata(1)))
        .all().get(10, TimeUnit.SECONDS);
    kafka.admin().deleteRecords(Map.of(new TopicPartition(topic, 4), RecordsToDelete.beforeOffset(5)))
        .all().get(10, TimeUnit.SECONDS);

    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(b).build()) {
      LagSnapshot s = lag.snapshot(group);
      long after = System.currentTimeMillis();
      assertThat(s.partitions()).extracting(PartitionLag::partition).containsExactly(0, 1, 2, 4);
      PartitionLag old = s.partitions().get(0);
      assertThat(old.lag()).hasValue(8);
      assertThat(old.timeLagMs().getAsLong()).isBetween(60_000L, after - now + 60_000);
      assertThat(s.partitions().get(1).timeLagMs()).as("caught up after an hour idle").hasValue(0);
      assertThat(s.partitions().get(2).timeLagMs()).as("future timestamps clamp to 0").hasValue(0);
      assertThat(s.partitions().get(2).lag()).hasValue(10);
      assertThat(s.partitions().get(3).lag()).hasValue(9);
      assertThat(s.partitions().get(3).timeLagMs()).as("the first unconsumed record was deleted").isEmpty();
    }

    // a burst on the caught-up partition: time lag is the burst's age, not the hour of idleness
    long burst = System.currentTimeMillis();
    try (KafkaProducer<String, String> p = LagClients.producer(b)) {
      p.send(new ProducerRecord<>(topic, 1, "k", "burst")).get();
    }
    try (ConsumerLag lag = ConsumerLag.builder().bootstrapServers(b).build()) {
      PartitionLag p1 = lag.snapshot(group).partitions().get(1);
      assertThat(p1.lag()).hasValue(1);
      assertThat(p1.timeLagMs().getAsLong()).isBetween(0L, System.currentTimeMillis() - burst);
    }
  }
}
