package dev.ordo.proxy.replica;

import dev.ordo.sequencer.LogPosition;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Ends (one-shot entries, transaction ends) the logical layer has decided and the backend has not finished yet
 * (their bookkeeping rows not committed): a checkpoint's digest, and a caller that wants a replica settled
 * through an index, wait for every end before a position. Thread-safe: ends are expected on the applier
 * thread and finished on the transactions' threads.
 */
final class PendingEnds {
  private final TreeMap<LogPosition, Integer> pending = new TreeMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final BooleanSupplier failed;

  /** @param failed whether the scheduler failed: no wait outlasts a failure (which does not signal) */
  PendingEnds(BooleanSupplier failed) {
    this.failed = failed;
  }

  /** An end at {@code pos} was decided. */
  void expect(LogPosition pos) {
    lock.lock();
    try {
      pending.merge(pos, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
  }

  /** The end at {@code pos} is finished on the backend. */
  void done(LogPosition pos) {
    lock.lock();
    try {
      pending.computeIfPresent(pos, (k, n) -> n == 1 ? null : n - 1);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code nanos} until no end before {@code pos} is pending; false on timeout or a failure. */
  boolean awaitBefore(LogPosition pos, long nanos) throws InterruptedException {
    long start = System.nanoTime();
    lock.lock();
    try {
      while (!pending.headMap(pos).isEmpty()) {
        long left = nanos - (System.nanoTime() - start);
        if (failed.getAsBoolean() || left <= 0) {
          return false;
        }
        changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
      }
      return !failed.getAsBoolean();
    } finally {
      lock.unlock();
    }
  }
}
