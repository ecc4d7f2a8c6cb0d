package dev.ordo.proxy.replica;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * The readiness condition of a replica for reads (DESIGN.md §5): the highest
 * log index such that every entry up to it has been processed by the scheduler
 * and every transaction whose commit was granted while processing those entries
 * has committed on the backend. Commits granted later (their locks were held by
 * a transaction that ends after the index) do not hold it back.
 */
final class Watermark {
  private final ReentrantLock lock = new ReentrantLock();
  /** Raft index → commits granted while processing it and not finished yet. */
  private final TreeMap<Long, Integer> pending = new TreeMap<>();
  private final LongConsumer onAdvance;
  private long processed;
  private long published;

  Watermark(long start, LongConsumer onAdvance) {
    this.processed = start;
    this.published = start;
    this.onAdvance = onAdvance;
  }

  /** A commit granted while processing {@code index} that is finished when {@code done} completes. */
  void track(long index, CompletableFuture<?> done) {
    lock.lock();
    try {
      pending.merge(index, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
    done.whenComplete((v, e) -> {
      if (e != null) {
        return; // failed work never becomes ready: the replica re-executes it after reconnecting
      }
      lock.lock();
      try {
        pending.computeIfPresent(index, (k, n) -> n == 1 ? null : n - 1);
      } finally {
        lock.unlock();
      }
      publish();
    });
  }

  /** Every entry up to {@code index} has been processed. */
  void processed(long index) {
    lock.lock();
    try {
      processed = Math.max(processed, index);
    } finally {
      lock.unlock();
    }
    publish();
  }

  private void publish() {
    long ready;
    lock.lock();
    try {
      ready = pending.isEmpty() ? processed : Math.min(processed, pending.firstKey() - 1);
      if (ready <= published) {
        return;
      }
      published = ready;
    } finally {
      lock.unlock();
    }
    onAdvance.accept(ready);
  }
}
