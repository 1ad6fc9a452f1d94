package io.kcp.share;

/**
 * What a share engine told the broker about its records: how many it accepted (handled, or
 * written to the dead-letter topic), released (to be delivered again: a failed attempt, or a
 * record not finished when the engine closed), rejected (archived: deliveries spent and no
 * dead-letter topic), and how many lock renewals it sent for records that outlived their lock.
 *
 * @param accepted records acknowledged ACCEPT
 * @param released records acknowledged RELEASE
 * @param rejected records acknowledged REJECT
 * @param renewed RENEW acknowledgements sent
 * @param redelivered records received with a delivery count above 1
 * @param acknowledgementFailures acknowledgements the broker refused (e.g. the lock had expired)
 */
public record ShareMetrics(
    long accepted, long released, long rejected, long renewed, long redelivered, long acknowledgementFailures) {}
