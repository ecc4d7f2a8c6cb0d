package dev.ordo.proxy.session;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.proxy.txn.Coordinator;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction a session has open with autocommit off.
 *
 * <p>A read-write transaction is a sequence of log entries: each statement a
 * {@code STMT} entry executed on every replica under strict two-phase locking,
 * then a {@code COMMIT} or {@code ROLLBACK} entry. Any error aborts it
 * (PostgreSQL's rule): later statements fail with 25P02 until the client rolls
 * back. A client that goes away, or stays idle longer than the
 * idle-in-transaction timeout, has its transaction rolled back through the log.
 *
 * <p>A read-only transaction ({@code setReadOnly(true)}) is one snapshot of a
 * local replica taken once the replica has applied the linearizable read index
 * (on H2, SNAPSHOT isolation); it writes nothing to the log.
 */
final class Transaction {
  private static final Logger log = LoggerFactory.getLogger(Transaction.class);

  private final String session;
  private final Coordinator coordinator;
  private final ScheduledExecutorService timer;
  private final Duration idleTimeout;
  private final ReentrantLock lock = new ReentrantLock();

  /** The open read-write transaction's id, or null. */
  private volatile String id;
  /** Why the open transaction was aborted (it waits for the client's rollback), or null. */
  private String abortedWhy;
  private String abortedState;
  /**
   * The {@code ROLLBACK} appended when a statement failed, if any: the client's own rollback returns once it is in
   * the log, so that whatever the client does next is ordered after it (as after a rollback in PostgreSQL).
   */
  private java.util.concurrent.CompletableFuture<?> abortEntry;
  private volatile long lastCommit = -1;
  /** The snapshot connection of an open read-only transaction, or null. */
  private Connection snapshot;
  private ScheduledFuture<?> idleTimer;
  private volatile boolean closed;

  /** Whether a read-write transaction is open on the log (it began and has not ended). */
  boolean open() {
    return id != null;
  }

  Transaction(String session, Coordinator coordinator, ScheduledExecutorService timer, Duration idleTimeout) {
    this.session = session;
    this.coordinator = coordinator;
    this.timer = timer;
    this.idleTimeout = idleTimeout;
  }

  /** A request is being handled: the idle clock stops. */
  void busy() {
    lock.lock();
    ScheduledFuture<?> t = idleTimer;
    idleTimer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** The request was answered: an open transaction starts its idle clock. */
  void idle() {
    try {
      if (closed) {
        rollbackQuietly();
      } else if (id != null && abortedWhy == null) {
        idleTimer = timer.schedule(this::idleTimeout, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private void idleTimeout() {
    if (!lock.tryLock()) {
      return; // a request is running: not idle
    }
    try {
      if (id != null && abortedWhy == null && !closed) {
        log.info("{}: transaction {} idle for more than {}; rolling it back", session, id, idleTimeout);
        coordinator.appendOnly(TxnEntry.Kind.ROLLBACK, id);
        abortedWhy = "it was idle for more than " + idleTimeout.toSeconds()
            + " s (the idle-in-transaction timeout)";
        abortedState = SqlState.IDLE_IN_TRANSACTION_SESSION_TIMEOUT.code();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The client went away: roll back whatever is open. Called on the event loop; never blocks. */
  void close() {
    closed = true;
    if (lock.tryLock()) {
      try {
        rollbackQuietly();
      } finally {
        lock.unlock();
      }
    }
    // Otherwise the request in flight rolls back when it finishes (see idle()).
  }

  private void rollbackQuietly() {
    String open = id;
    if (open != null && abortedWhy == null) {
      coordinator.appendOnly(TxnEntry.Kind.ROLLBACK, open);
    }
    if (open != null) {
      coordinator.closed(open);
    }
    id = null;
    abortedWhy = null;
    abortEntry = null;
    closeSnapshot();
  }

  /** Runs statements as one {@code STMT} entry of the open transaction (starting one if needed). */
  Response statement(boolean batch, KeyRequest keys, List<TxnEntry.Statement> stmts,
      BiFunction<Outcome.Done, KeyRequest, Response> answer) throws SQLException {
    if (abortedWhy != null) {
      return abortedError();
    }
    boolean begins = id == null;
    if (begins) {
      id = coordinator.newTxnId();
      coordinator.opened(id);
    }
    if (!begins && !batch && stmts.size() == 1 && keys.kind() == KeyRequest.Kind.NONE) {
      // A read of rows this transaction has locked already needs no log entry (Coordinator#coveredRead).
      Outcome.Done covered = coordinator.coveredRead(id, stmts.get(0));
      if (covered != null) {
        return answer.apply(covered, keys);
      }
    }
    Outcome o;
    try {
      o = coordinator.submit(TxnEntry.Kind.STMT, id, begins, batch, keys, stmts);
    } catch (SQLException e) {
      // The statement may or may not have run: the transaction cannot go on.
      abortEntry = coordinator.appendOnly(TxnEntry.Kind.ROLLBACK, id);
      abort(e.getSQLState(), "a statement's outcome was unknown (" + e.getMessage() + ")");
      throw e;
    }
    if (o instanceof Outcome.Failed f) {
      // The replicas rolled the work back already; the entry releases the locks at a fixed place in the log
      // (for a deadlock victim it changes nothing: the verdict ended the transaction already).
      abortEntry = coordinator.appendOnly(TxnEntry.Kind.ROLLBACK, id);
      abort(f.sqlState(), "an earlier statement failed with SQLState " + f.sqlState());
      return new Response.Error(f.sqlState() == null ? SqlState.INTERNAL_ERROR.code() : f.sqlState(),
          f.vendorCode(), f.message(), batch ? f.statement() : -1);
    }
    return answer.apply((Outcome.Done) o, keys);
  }

  private void abort(String state, String why) {
    abortedState = state;
    abortedWhy = SqlState.SERIALIZATION_FAILURE.code().equals(state)
        ? "it was rolled back as a serialization conflict (a deadlock victim, or the schema changed under it)" : why;
  }

  /** Work that answers a request. */
  @FunctionalInterface
  interface Work {
    Response run() throws SQLException;
  }

  /**
   * Commits the open read-write transaction, if any, then runs {@code work}
   * outside it: H2's implicit commit before DDL. A transaction aborted by an
   * earlier error stays aborted (25P02) and nothing runs; a failed commit is
   * the answer and nothing runs.
   */
  Response commitThen(Work work) throws SQLException {
    if (abortedWhy != null) {
      return abortedError();
    }
    if (id != null) {
      Response r = end(true);
      if (!(r instanceof Response.Ok)) {
        return r;
      }
    }
    return work.run();
  }

  /**
   * Runs {@code work} beside the open transaction, which it neither joins nor
   * ends; a transaction aborted by an earlier error answers 25P02 instead.
   */
  Response aside(Work work) throws SQLException {
    if (abortedWhy != null) {
      return abortedError();
    }
    return work.run();
  }

  /** Commits or rolls back the open transaction. */
  Response end(boolean commit) throws SQLException {
    if (snapshot != null || (id == null && abortedWhy != null)) {
      closeSnapshot();
      abortedWhy = null;
      return new Response.Ok();
    }
    String open = id;
    if (open == null) {
      return new Response.Ok();
    }
    if (abortedWhy != null) {
      String why = abortedWhy;
      String state = abortedState;
      coordinator.closed(open);
      id = null;
      abortedWhy = null;
      awaitAbortEntry();
      if (!commit) {
        return new Response.Ok();
      }
      String answered = SqlState.SERIALIZATION_FAILURE.code().equals(state) ? state
          : SqlState.IN_FAILED_SQL_TRANSACTION.code();
      return new Response.Error(answered, 0,
          "the transaction was rolled back because " + why + "; nothing was committed", -1);
    }
    try {
      Coordinator.Submitted s = coordinator.submitAt(commit ? TxnEntry.Kind.COMMIT : TxnEntry.Kind.ROLLBACK, open,
          false, false, KeyRequest.NONE, List.of());
      if (s.outcome() instanceof Outcome.Failed f) {
        return new Response.Error(f.sqlState(), f.vendorCode(), f.message(), -1);
      }
      if (commit) {
        committedAt(s.position());
      }
      return new Response.Ok();
    } finally {
      coordinator.closed(open);
      id = null;
      abortedWhy = null;
    }
  }

  /**
   * The log position of this session's last committed write (autocommit write, batch or {@code COMMIT}) as one
   * number ({@link LogPosition#asLong}), or -1 before the first: a fencing token, rising across the cluster.
   */
  long lastCommit() {
    return lastCommit;
  }

  /** A write of this session committed at {@code pos} (null: not known, nothing changes). */
  void committedAt(LogPosition pos) {
    if (pos != null) {
      lastCommit = Math.max(lastCommit, pos.asLong());
    }
  }

  /** The answer to anything but the end of a transaction that has failed already (25P02), saying why. */
  private Response abortedError() {
    return new Response.Error(SqlState.IN_FAILED_SQL_TRANSACTION.code(), 0, "current transaction is aborted, "
        + "commands ignored until end of transaction block: " + abortedWhy + ". Call rollback().", -1);
  }

  /** Waits (boundedly) until the {@code ROLLBACK} appended after a failed statement is in the log. */
  private void awaitAbortEntry() {
    java.util.concurrent.CompletableFuture<?> f = abortEntry;
    abortEntry = null;
    if (f == null) {
      return;
    }
    try {
      f.get(coordinator.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Not in the log (no leader): the owner watch or the node's restart ends the transaction in the log.
      log.debug("{}: rollback entry of an aborted transaction not confirmed: {}", session, e.toString());
    }
  }

  /** A write in a read-only transaction: refused, and like any error it aborts the transaction. */
  Response refuseInReadOnly(String message) {
    if (abortedWhy == null) {
      abortedWhy = "an earlier statement was a write in a read-only transaction";
      abortedState = SqlState.READ_ONLY_SQL_TRANSACTION.code();
    }
    return new Response.Error(SqlState.READ_ONLY_SQL_TRANSACTION.code(), message);
  }

  /** A statement of a read-only transaction: on its snapshot, taken at the first statement. */
  Response snapshotRead(Request.Execute e) throws SQLException {
    if (abortedWhy != null) {
      return abortedError();
    }
    if (snapshot == null) {
      snapshot = coordinator.snapshot();
    }
    return Session.runQuery(snapshot, e);
  }

  private void closeSnapshot() {
    Connection c = snapshot;
    snapshot = null;
    if (c != null) {
      try {
        c.rollback();
        try (Statement s = c.createStatement()) {
          s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED");
        }
        c.setAutoCommit(true);
        c.setReadOnly(false);
      } catch (SQLException ignored) {
        // The pool discards a broken connection.
      } finally {
        try {
          c.close();
        } catch (SQLException ignored) {
          // Already closed.
        }
      }
    }
  }
}
