package io.kcp.worker.internal;

/** Every record starts at once; nothing waits. */
final class UnorderedLanes implements Lanes {
  static final UnorderedLanes INSTANCE = new UnorderedLanes();

  private UnorderedLanes() {}

  @Override
  public boolean admit(Work work) {
    return true;
  }

  @Override
  public Work next(Work work) {
    return null;
  }

  @Override
  public void clear() {}
}
