package dev.ordo.sequencer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The replicated log of one Ordo node: this node's peer of a Raft group.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #append} completes only after the payload is durable (fsynced)
 *       on a majority of peers and committed; its {@link LogPosition} is final.
 *       Concurrent appends are batched into shared Raft entries.
 *   <li>Committed entries are read back in log order with {@link #read}; every
 *       peer reads the same payloads at the same positions. The log is kept on
 *       disk and survives a crash of the process.
 *   <li>{@link #readIndex} is linearizable: the index it returns is at least the
 *       index of every entry whose append completed before the call was made.
 * </ul>
 * Implementations are thread-safe.
 */
public interface Sequencer extends AutoCloseable {

  /** This peer's id. */
  String peerId();

  /**
   * Appends one payload.
   *
   * @return completes with the payload's position once committed; completes
   *     exceptionally with {@link SequencerException} if the log cannot accept it
   *     (no leader within the timeout, closed); the payload may still commit later
   */
  CompletableFuture<LogPosition> append(byte[] payload);

  /**
   * A linearizable read index: an index at or above every entry committed
   * before this call. Wait for {@link #awaitCommitted} of it and for the
   * replica to apply it before reading.
   */
  CompletableFuture<Long> readIndex();

  /** The highest Raft index this peer knows to be committed and readable with {@link #read}. */
  long committedIndex();

  /**
   * Waits until {@link #committedIndex()} is at least {@code index}.
   *
   * @return whether it is, false on timeout
   */
  boolean awaitCommitted(long index, Duration timeout) throws InterruptedException;

  /**
   * Reads committed entries from Raft index {@code fromIndex} (inclusive), at
   * most {@code maxIndexes} Raft indexes and never past {@link #committedIndex()}.
   */
  LogChunk read(long fromIndex, int maxIndexes) throws SequencerException;

  /** The id of the current leader as this peer knows it, or null. */
  String leaderId();

  /** Stops this peer. Appends still in flight complete exceptionally. */
  @Override
  void close();
}
