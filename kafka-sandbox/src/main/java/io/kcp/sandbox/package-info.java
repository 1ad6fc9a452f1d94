/**
 * A real Apache Kafka (KRaft) cluster for demos and tests: in-process, forked, or three brokers.
 * Start with {@link io.kcp.sandbox.KafkaSandbox#builder()}.
 */
package io.kcp.sandbox;
