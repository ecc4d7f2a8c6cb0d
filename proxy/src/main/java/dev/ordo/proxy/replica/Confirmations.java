package dev.ordo.proxy.replica;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which log entries a replica executed before they were durable, and whether
 * they became the committed ones (DESIGN.md §11 lever 6).
 *
 * <p>The applier notes every Raft index it passes, in log order: indexes read as
 * committed are final; an index read as <em>ordered</em> (from the leader's log,
 * not yet committed) is noted with the term it had. Such an index is confirmed
 * once the log's committed entry at that index has the same term — then it is
 * the entry the replica executed — and lost if the term differs, or if the log's
 * generation changed while it was unconfirmed. {@link #confirmedIndex()} is the
 * highest index up to which everything passed is confirmed: no backend commit,
 * lock release, durable answer or reader readiness may go beyond it.
 *
 * <p>Thread-safe: the applier notes, physical work waits ({@link #awaitConfirmed}).
 * Once lost, it stays lost: the replica rolls back and resumes from its
 * bookkeeping with a new instance.
 */
final class Confirmations {
  /** What this needs of the log. */
  interface Log {
    long committedIndex();

    /** The term of the committed entry at {@code index}, -1 if not committed. */
    long committedTerm(long index);

    long generation();

    /** Waits until {@code index} is committed; false on timeout. */
    boolean awaitCommitted(long index, Duration timeout) throws InterruptedException;
  }

  private final Log log;
  private final ReentrantLock lock = new ReentrantLock();
  /** Ordered indexes not confirmed yet, in order: {index, term}. */
  private final ArrayDeque<long[]> pending = new ArrayDeque<>();
  /** The generation the pending indexes were read in. */
  private long generation = -1;
  /** The highest index the applier has passed. */
  private long passed;
  private volatile long confirmed;
  private volatile String lostWhy;

  Confirmations(Log log, long start) {
    this.log = log;
    this.passed = start;
    this.confirmed = start;
  }

  /** Applier: every index up to {@code index} was read as committed. */
  void committedUpTo(long index) {
    lock.lock();
    try {
      passed = Math.max(passed, index);
      advance();
    } finally {
      lock.unlock();
    }
  }

  /** Applier: the index was read as ordered with this term, in this generation. */
  void ordered(long index, long term, long readGeneration) {
    lock.lock();
    try {
      if (!pending.isEmpty() && readGeneration != generation) {
        lost("the log's leadership changed while entries executed before they were durable were pending");
        return;
      }
      generation = readGeneration;
      pending.add(new long[] {index, term});
      passed = Math.max(passed, index);
    } finally {
      lock.unlock();
    }
  }

  /** Whether everything up to {@code index} is confirmed. */
  boolean confirmed(long index) {
    return confirmed >= index;
  }

  /** The highest index up to which everything passed is confirmed. */
  long confirmedIndex() {
    return confirmed;
  }

  /** The first pending index, or 0 if none. */
  long firstPending() {
    lock.lock();
    try {
      return pending.isEmpty() ? 0 : pending.peekFirst()[0];
    } finally {
      lock.unlock();
    }
  }

  /** Why entries were lost, or null. */
  String lostWhy() {
    return lostWhy;
  }

  /**
   * Confirms what the log's committed index allows.
   *
   * @return the confirmed index
   * @throws ReplicaFault if an entry executed before it was durable was lost
   */
  long confirm() throws ReplicaFault {
    lock.lock();
    try {
      if (lostWhy == null && !pending.isEmpty() && log.generation() != generation) {
        // The entries may still commit, but nothing says so soon: roll back and resume from the log.
        lost("the log's leadership changed (generation " + generation + " -> " + log.generation()
            + ") before entries from " + pending.peekFirst()[0] + " to " + pending.peekLast()[0]
            + " were durable");
      }
      if (lostWhy != null) {
        throw ReplicaFault.orderedLost(lostWhy);
      }
      long committed = log.committedIndex();
      while (!pending.isEmpty() && pending.peekFirst()[0] <= committed) {
        long[] p = pending.peekFirst();
        long term = log.committedTerm(p[0]);
        if (term != p[1]) {
          advance();
          lost("the entry executed at Raft index " + p[0] + " (term " + p[1] + ") was lost: the log committed "
              + (term < 0 ? "nothing readable" : "an entry of term " + term) + " there");
          throw ReplicaFault.orderedLost(lostWhy);
        }
        pending.pollFirst();
      }
      advance();
      return confirmed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until everything up to {@code index} is confirmed.
   *
   * @throws ReplicaFault if it was lost, or not confirmed within {@code timeout}
   */
  void awaitConfirmed(long index, Duration timeout) throws ReplicaFault {
    if (confirmed >= index) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (confirm() < index) {
        if (System.nanoTime() - deadline > 0) {
          throw new ReplicaFault("Raft index " + index + " did not become durable within " + timeout
              + " (committed " + log.committedIndex() + "); rolling back and resuming from the log", null);
        }
        long first = firstPending();
        log.awaitCommitted(Math.max(first, 1), Duration.ofMillis(50));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicaFault("interrupted while waiting for Raft index " + index + " to be durable", e);
    }
  }

  /** The replica stops: waiters give up. */
  void close() {
    lock.lock();
    try {
      if (lostWhy == null) {
        lostWhy = "the replica stopped";
      }
    } finally {
      lock.unlock();
    }
  }

  private void lost(String why) {
    if (lostWhy == null) {
      lostWhy = why;
    }
  }

  private void advance() {
    long c = pending.isEmpty() ? passed : pending.peekFirst()[0] - 1;
    if (c > confirmed) {
      confirmed = c;
    }
  }
}
