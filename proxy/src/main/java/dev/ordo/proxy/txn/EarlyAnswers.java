package dev.ordo.proxy.txn;

import dev.ordo.driver.SqlExceptions;
import dev.ordo.driver.SqlState;
import dev.ordo.proxy.replica.ResultSink;
import dev.ordo.sequencer.LogPosition;
import dev.ordo.sequencer.Sequencer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Statements of interactive transactions that were answered before their log
 * entries were durable (DESIGN.md §11 lever 6), per transaction. Such an answer
 * stands only if the entry committed at its Raft index is the one the replica
 * executed — the same Raft term there. A transaction with an answer that does
 * not stand, or cannot be shown to stand in time, must not commit: its next
 * statement or its {@code COMMIT} fails with 40001 and it is rolled back.
 */
final class EarlyAnswers {
  /** One early answer: the append of its entry and where a replica answered it. */
  private record Early(CompletableFuture<LogPosition> append, ResultSink.Answered at) {}

  private final String nodeId;
  private final Sequencer sequencer;
  private final Duration timeout;
  private final ConcurrentHashMap<String, List<Early>> byTxn = new ConcurrentHashMap<>();

  EarlyAnswers(String nodeId, Sequencer sequencer, Duration timeout) {
    this.nodeId = nodeId;
    this.sequencer = sequencer;
    this.timeout = timeout;
  }

  /** A statement of {@code txn} was answered from {@code at}, before {@code append} completed. */
  void add(String txn, CompletableFuture<LogPosition> append, ResultSink.Answered at) {
    byTxn.computeIfAbsent(txn, k -> new CopyOnWriteArrayList<>()).add(new Early(append, at));
  }

  /** The transaction ended or was given up. */
  void forget(String txn) {
    if (txn != null && !txn.isEmpty()) {
      byTxn.remove(txn);
    }
  }

  /**
   * Fails if an answer of {@code txn} whose append has completed is known not to stand; never waits.
   *
   * @throws SQLException 40001 naming the lost position
   */
  void checkDone(String txn) throws SQLException {
    List<Early> list = byTxn.get(txn);
    if (list == null) {
      return;
    }
    for (Early e : list) {
      if (e.append().isDone() && sequencer.committedIndex() >= e.at().pos().index()) {
        verify(txn, e, Duration.ZERO);
      }
    }
  }

  /**
   * Waits until every answer of {@code txn} is shown to stand: before its {@code COMMIT} is appended.
   *
   * @throws SQLException 40001 if one does not, or cannot be shown to within the write timeout
   */
  void checkAll(String txn) throws SQLException {
    List<Early> list = byTxn.get(txn);
    if (list == null) {
      return;
    }
    for (Early e : list) {
      verify(txn, e, timeout);
    }
    list.clear();
  }

  private void verify(String txn, Early e, Duration wait) throws SQLException {
    LogPosition pos = e.at().pos();
    String why;
    try {
      if (!wait.isZero()) {
        try {
          e.append().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException ignored) {
          // The append failed or is late; what the log committed at the position decides.
        }
        sequencer.awaitCommitted(pos.index(), Duration.ofMillis(Math.min(wait.toMillis(), 2_000)));
      }
      long term = sequencer.committedTerm(pos.index());
      if (term == e.at().term()) {
        return;
      }
      why = term < 0 ? "which did not become durable in time" : "which was lost when the log's leadership changed"
          + " before it was durable (the log holds an entry of term " + term + " there, not " + e.at().term() + ")";
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      why = "and the check that it became durable was interrupted";
    }
    throw SqlExceptions.create(SqlState.SERIALIZATION_FAILURE, "Transaction " + txn + " cannot commit: node "
        + nodeId + " answered one of its statements from log position " + pos + ", " + why + ". The transaction"
        + " was rolled back and nothing of it was committed; retry it.", null);
  }
}
