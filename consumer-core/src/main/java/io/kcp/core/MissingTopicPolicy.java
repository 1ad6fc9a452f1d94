package io.kcp.core;

/** What an engine does when a topic it subscribes to does not exist when it starts. */
public enum MissingTopicPolicy {
  /** Fail at start with a message naming the topic (the default: a typo should not hang). */
  FAIL,
  /** Wait, checking every second, until the topic exists or the engine is closed. */
  WAIT
}
