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
 *   <li><em>Ordered is not durable.</em> On the peer that leads the log, an
 *       entry's position is fixed as soon as the leader has put it in its own
 *       log, before it is durable on a majority. {@link #readOrdered} returns such
 *       entries after the committed ones; on a follower it returns committed
 *       entries only. An ordered entry that is not committed can be lost (the
 *       leader steps down, a new leader overwrites that part of the log), and
 *       another entry may then be committed at its index. Such an entry is the
 *       committed one exactly when the entry committed at its index has the same
 *       Raft term ({@link #committedTerm}). {@link #generation} changes whenever
 *       ordered entries that are not committed may have been lost (leadership
 *       moved or ended); nothing that depends on an ordered entry may become
 *       durable or visible outside until {@link #committedIndex} reached its index
 *       and its term matched.
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

  /**
   * Reads entries from Raft index {@code fromIndex} (inclusive), at most {@code
   * maxIndexes} indexes: committed ones, then, while this peer leads the log,
   * entries of its log that are ordered but not known to be committed (see the
   * class contract: they may be lost). On a follower this is {@link #read}.
   * Every entry carries the log time {@link #read} would give it once committed,
   * computed the same way from the entries before it; if the entries before it
   * are lost, so is that time.
   */
  OrderedChunk readOrdered(long fromIndex, int maxIndexes) throws SequencerException;

  /**
   * The highest Raft index {@link #readOrdered} can return now: this peer's last
   * log index while it leads the log, {@link #committedIndex()} otherwise.
   */
  long orderedIndex();

  /**
   * Waits until {@link #orderedIndex()} is at least {@code index} or {@link
   * #committedIndex()} is at least {@code committed}, whichever comes first.
   *
   * @return whether one of them is, false on timeout
   */
  boolean awaitOrdered(long index, long committed, Duration timeout) throws InterruptedException;

  /**
   * A number that changes whenever entries that were ordered and not committed
   * may have been lost: when the leadership moves, ends or begins. Entries read
   * with {@link #readOrdered} in one generation are one contiguous view of this
   * peer's log; across generations they may not be.
   */
  long generation();

  /**
   * The Raft term of the committed entry at {@code index} (payload or not), or -1
   * if {@code index} is not committed yet or not in the log.
   */
  long committedTerm(long index);

  /** The id of the current leader as this peer knows it, or null. */
  String leaderId();

  /** Stops this peer. Appends still in flight complete exceptionally. */
  @Override
  void close();
}
