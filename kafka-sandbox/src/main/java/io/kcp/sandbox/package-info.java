/**
 * A real Apache Kafka (KRaft) cluster for demos and tests: in-process, forked, or three brokers.
 * Start with {@link io.kcp.sandbox.KafkaSandbox#builder()}; produce a keyed {@link
 * io.kcp.sandbox.Workload}, record what handlers finish with {@link io.kcp.sandbox.Audit}, inject
 * failures with {@link io.kcp.sandbox.Faults}, and check the outcome (dead-letter topic included)
 * with {@link io.kcp.sandbox.AuditReport}.
 */
package io.kcp.sandbox;
