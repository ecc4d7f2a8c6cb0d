package dev.ordo.sequencer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis state machine of a {@link RatisSequencer}. It keeps nothing but
 * the last applied index: the payloads stay in the Raft log, which is kept
 * whole (no snapshots), and are read from there. After a restart Ratis
 * replays the log into it, so the applied index climbs back to where it was.
 *
 * <p>{@link #query} answers with the last applied index, 8 bytes big-endian;
 * with the servers' read option {@code LINEARIZABLE}, Ratis calls it only once
 * this peer has applied the group's read index.
 */
final class LogStateMachine extends BaseStateMachine {
  private static final Logger LOG = LoggerFactory.getLogger(RatisSequencer.class);

  private final String peerId;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition applied = lock.newCondition();
  private volatile long lastApplied;
  private volatile boolean closed;
  private volatile String leaderId;
  /** Changes whenever ordered entries that are not committed may have been lost (see {@link Sequencer#generation}). */
  private volatile long generation;
  /** Counts entries this peer, as leader, is putting in its log: wakes {@link #awaitProgress} waiters. */
  private volatile long ordering;

  /** The cluster whose batches this peer's log admits (its Raft group id). */
  private final java.util.UUID cluster;

  LogStateMachine(String peerId, java.util.UUID cluster) {
    this.peerId = peerId;
    this.cluster = cluster;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    if (entry.hasStateMachineLogEntry()) {
      stamp(entry.getIndex(), entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    }
    advance(entry.getTerm(), entry.getIndex());
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  /**
   * Called by Ratis on the leader for every append a client asks for, before anything is written: only a
   * well-formed batch of this version and of this cluster enters the log. Anything else (raw bytes, a truncated or corrupted batch)
   * is refused to its sender, so no reader ever meets an entry it cannot decode.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    try {
      BatchCodec.validate(request.getMessage().getContent().asReadOnlyByteBuffer(), cluster);
    } catch (IllegalArgumentException e) {
      LOG.warn("{}: refused an append from client {}: {}", peerId, request.getClientId(), e.getMessage());
      trx.setException(new IllegalArgumentException("Ordo log peer " + peerId + " refuses this append: "
          + e.getMessage(), e));
    }
    return trx;
  }

  /**
   * Called by Ratis on the leader, serially and in log order, just before it puts
   * an entry in its own log (under the log's write lock, so a reader of the log
   * that wakes up on this finds the entry there once it gets the log's read lock).
   */
  @Override
  public TransactionContext preAppendTransaction(TransactionContext trx) throws IOException {
    ordering++;
    lock.lock();
    try {
      applied.signalAll();
    } finally {
      lock.unlock();
    }
    return trx;
  }

  @Override
  public void notifyNotLeader(java.util.Collection<TransactionContext> pendingEntries) throws IOException {
    lost("this peer is no longer the leader (" + pendingEntries.size() + " entries pending)");
  }

  /** Ordered entries that are not committed may have been lost: a new generation. */
  private void lost(String why) {
    lock.lock();
    try {
      generation++;
      applied.signalAll();
    } finally {
      lock.unlock();
    }
    LOG.debug("{}: ordered entries generation {}: {}", peerId, generation, why);
  }

  long generation() {
    return generation;
  }

  // ---- log time: strictly rising in log order, the same on every peer ----

  /** How many Raft indexes' times are kept (16 MiB); older ones read as unknown. */
  static final int TIMES = 1 << 20;
  private final long[] timeIndex = new long[TIMES];
  private final long[] timeValue = new long[TIMES];
  /** The least time the next batch may get. */
  private long nextTime;

  /**
   * Gives the batch at {@code index} its log time: the time its node stamped
   * on it, raised if needed to one past the times of the batch before it (a
   * time per payload). Every peer applies the same entries in the same order
   * from index 1 (the log is replayed whole after a restart), so every peer
   * computes the same times. A batch without a time (version 1) gets none and
   * leaves the chain as it was.
   */
  synchronized void stamp(long index, java.nio.ByteBuffer batch) {
    BatchCodec.Header h;
    try {
      h = BatchCodec.header(batch);
    } catch (IllegalArgumentException e) {
      return; // not an Ordo batch: the reader reports it
    }
    long time = 0;
    if (h.timeMicros() > 0) {
      time = Math.max(h.timeMicros(), nextTime);
      nextTime = time + Math.max(1, h.count());
    }
    stampedIndex = Math.max(stampedIndex, index);
    int slot = (int) (index & (TIMES - 1));
    timeIndex[slot] = index;
    timeValue[slot] = time;
  }

  /** The last index {@link #stamp} was given. */
  private long stampedIndex;

  /** Where the chain of log times stands: the last stamped index and the least time the next batch may get. */
  record Chain(long index, long nextTime) {
    /**
     * The time of the next batch, whose header is {@code h} (0 for none), the way {@link #stamp} computes it,
     * and the chain after it.
     */
    Chain next(long batchIndex, BatchCodec.Header h, long[] timeOut) {
      if (h == null || h.timeMicros() <= 0) {
        timeOut[0] = 0;
        return new Chain(batchIndex, nextTime);
      }
      long time = Math.max(h.timeMicros(), nextTime);
      timeOut[0] = time;
      return new Chain(batchIndex, time + Math.max(1, h.count()));
    }
  }

  /** The chain as of the last stamped batch: later batches' times follow from it and from them alone. */
  synchronized Chain chain() {
    return new Chain(stampedIndex, nextTime);
  }

  /** The log time of the batch at {@code index}, or 0 if it has none or it is no longer kept. */
  synchronized long timeOf(long index) {
    int slot = (int) (index & (TIMES - 1));
    return timeIndex[slot] == index ? timeValue[slot] : 0;
  }

  /** Leader no-ops and configuration entries: applied without a transaction. */
  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    advance(term, index);
  }

  private void advance(long term, long index) {
    updateLastAppliedTermIndex(term, index);
    lock.lock();
    try {
      if (index > lastApplied) {
        lastApplied = index;
      }
      applied.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    ByteString index = UnsafeByteOperations.unsafeWrap(ByteBuffer.allocate(8).putLong(0, lastApplied).array());
    return CompletableFuture.completedFuture(Message.valueOf(index));
  }

  @Override
  public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
    String leader = newLeaderId == null ? null : newLeaderId.toString();
    leaderId = leader;
    lost("leader is now " + leader);
    LOG.info("{}: leader is now {}", peerId, leader);
  }

  /** The last leader Ratis told this peer about, or null. */
  String leaderId() {
    return leaderId;
  }

  long lastApplied() {
    return lastApplied;
  }

  /** Waits until the applied index reaches {@code index}; false on timeout or close. */
  boolean awaitApplied(long index, long timeoutNanos) throws InterruptedException {
    if (lastApplied >= index) {
      return true;
    }
    long remaining = timeoutNanos;
    lock.lock();
    try {
      while (lastApplied < index) {
        if (closed || remaining <= 0) {
          return false;
        }
        remaining = applied.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until {@code reached} says so, waking on every entry this peer orders
   * and every index it applies; false on timeout or close. {@code reached} must
   * not be called under this state machine's lock (it reads the Raft log).
   */
  boolean awaitProgress(java.util.function.BooleanSupplier reached, long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      long seenOrdering = ordering;
      long seenApplied = lastApplied;
      long seenGeneration = generation;
      if (reached.getAsBoolean()) {
        return true;
      }
      long remaining = deadline - System.nanoTime();
      if (closed || remaining <= 0) {
        return false;
      }
      lock.lock();
      try {
        if (ordering == seenOrdering && lastApplied == seenApplied && generation == seenGeneration && !closed) {
          applied.awaitNanos(remaining);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    lock.lock();
    try {
      applied.signalAll();
    } finally {
      lock.unlock();
    }
    super.close();
  }

  /** Decodes the 8-byte answer of {@link #query}. */
  static long decodeIndex(ByteString content) {
    if (content.size() != 8) {
      throw new IllegalArgumentException("read index reply has " + content.size() + " bytes, expected 8");
    }
    return content.asReadOnlyByteBuffer().getLong();
  }
}
