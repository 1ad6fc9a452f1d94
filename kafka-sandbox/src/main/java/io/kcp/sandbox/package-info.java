/**
 * A real Apache Kafka (KRaft) cluster for demos and tests: in-process, forked, or three brokers.
 * Start with {@link io.kcp.sandbox.KafkaSandbox#builder()}. The instrument that runs against it —
 * the keyed workload, the audit of what handlers finished, the demo faults — is the {@code audit}
 * module ({@code io.kcp.audit}).
 */
package io.kcp.sandbox;
