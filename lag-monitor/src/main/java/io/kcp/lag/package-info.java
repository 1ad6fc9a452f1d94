/**
 * Consumer lag (컨슈머 랙): lag = log-end offset − committed offset, per partition.
 *
 * <ul>
 *   <li>{@link io.kcp.lag.ConsumerLag}: a snapshot of a group through the Admin API (way 1, the
 *       numbers of {@code kafka-consumer-groups --describe}), with time lag.
 *   <li>{@link io.kcp.lag.ClientLagMetrics}: a running consumer's own {@code records-lag} metrics
 *       (way 2).
 *   <li>{@link io.kcp.lag.LagMonitor}: snapshots over a sliding window, evaluated by
 *       {@link io.kcp.lag.LagEvaluator} (OK / WARN / STALL / STOP / REWIND) and exported as
 *       OpenTelemetry gauges (way 3).
 *   <li>{@link io.kcp.lag.LagServer}: a monitor per group sampled on an interval and served over
 *       HTTP — a live page and Burrow's HTTP API v3 — the dashboard of {@code kcp lag serve}.
 * </ul>
 *
 * <p>Depends on {@code kafka-clients}, {@code opentelemetry-api} and {@code jackson-databind} (every JSON it reads or writes; and
 * the uPlot WebJar, a page resource); the server is the JDK's {@code jdk.httpserver}.
 */
package io.kcp.lag;
