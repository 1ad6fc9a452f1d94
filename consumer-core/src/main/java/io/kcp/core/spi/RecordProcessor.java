package io.kcp.core.spi;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What an engine runs for one raw record: decoding plus the user's handler (and, later, the error
 * policy and telemetry around it). Non-generic so the wiring can stay non-generic.
 */
@FunctionalInterface
public interface RecordProcessor {
  /** Processes one record; a normal return means "finished, may be committed". */
  void process(ConsumerRecord<byte[], byte[]> record) throws Exception;
}
