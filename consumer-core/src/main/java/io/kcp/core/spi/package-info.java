/**
 * Building blocks for writing a consumer strategy: the pieces every poll loop in this project
 * shares (the commit policy with its ledger, the start-up topic check, the client's lag metrics,
 * the {@link io.kcp.core.spi.RecordRunner} that applies the error policy and telemetry to each
 * attempt).
 * Public so that strategy modules use them instead of copying them; users of a strategy never need
 * them.
 */
package io.kcp.core.spi;
