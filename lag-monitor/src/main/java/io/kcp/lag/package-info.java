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
 * </ul>
 *
 * <p>Depends on {@code kafka-clients}, {@code opentelemetry-api} and {@code jackson-databind}
 * (the JSON forms of {@link io.kcp.lag.LagJson}) only.
 */
package io.kcp.lag;
