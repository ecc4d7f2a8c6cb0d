package dev.ordo.driver;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ReentrantLock} usable in try-with-resources:
 * {@code try (ResourceLock l = lock.obtain()) { ... }}. Unlike {@code synchronized},
 * it does not pin a virtual thread that blocks on socket I/O while holding it.
 */
final class ResourceLock extends ReentrantLock implements AutoCloseable {
  private static final long serialVersionUID = 1L;

  /** Locks and returns this, for try-with-resources. */
  ResourceLock obtain() {
    lock();
    return this;
  }

  /** Unlocks. */
  @Override
  public void close() {
    unlock();
  }
}
