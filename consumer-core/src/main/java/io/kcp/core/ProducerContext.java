package io.kcp.core;

/**
 * How a record's {@code process} span relates to the producer's trace context found in the
 * record's W3C {@code traceparent} header.
 *
 * <p>The OpenTelemetry messaging conventions require a <em>link</em> to the creation context and
 * allow it to be the <em>parent</em> when one message is processed, which is the case here. The
 * link is always added; this choice only decides the parent.
 */
public enum ProducerContext {
  /** The process span is a child of the producer's span: produce and process share one trace. */
  PARENT,
  /** The process span starts a new trace, linked to the producer's span. */
  LINK
}
