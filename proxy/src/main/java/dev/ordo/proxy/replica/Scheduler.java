package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.proxy.replica.LockManager.Decision;
import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analysis;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes log entries on one replica under the deterministic {@link LockManager}.
 * Runs on the replica's applier thread; every decision depends only on the log
 * and on the replica's data, so every replica decides the same.
 *
 * <p>Each interactive transaction runs on its own backend connection and holds
 * its table locks until its commit or rollback entry. An entry whose locks are
 * not free waits; it runs, in log order among the waiting ones, when the
 * transaction holding them ends. Granted statements execute one at a time on
 * this thread: a statement runs only when no other open transaction holds a
 * conflicting lock, so it never waits inside the backend.
 *
 * <p>The requester that would close a cycle of waits is the deadlock victim:
 * its statement fails with 40P01 and its transaction is rolled back. Any
 * deterministic error aborts the whole transaction (PostgreSQL's rule).
 */
final class Scheduler {
  /** A connection source for the backend transactions of interactive transactions. */
  interface Connections {
    Connection open() throws SQLException;
  }

  private record Op(TxnEntry entry, LogPosition pos) {}

  /** An interactive transaction open on this replica. */
  private static final class Txn {
    final String id;
    final TxnEntry first;
    final LogPosition firstPos;
    Connection conn;
    boolean blocked;
    final Deque<Op> queued = new ArrayDeque<>();

    Txn(String id, TxnEntry first, LogPosition firstPos) {
      this.id = id;
      this.first = first;
      this.firstPos = firstPos;
    }
  }

  private static final int ENDED_MEMORY = 100_000;

  private final String replica;
  private final Connection main;
  private final Connections connections;
  private final Analyzer analyzer;
  private final ResultSink sink;
  private final LockManager<Op> locks = new LockManager<>();
  private final Map<String, Txn> open = new LinkedHashMap<>();
  /** Recently ended interactive transactions: txn id → how (a statement for them is refused). */
  private final Map<String, String> ended = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > ENDED_MEMORY;
    }
  };
  private Catalog catalog;
  /** Operations granted by a release, not yet run. */
  private final List<Op> released = new ArrayList<>();

  Scheduler(String replica, Connection main, Connections connections, Analyzer analyzer, ResultSink sink)
      throws SQLException {
    this.replica = replica;
    this.main = main;
    this.connections = connections;
    this.analyzer = analyzer;
    this.sink = sink;
    this.catalog = Catalog.load(main);
  }

  /** Processes one committed entry, in log order. */
  void process(TxnEntry e, LogPosition pos) throws ReplicaFault {
    dispatch(new Op(e, pos));
    while (!released.isEmpty()) {
      runGranted(drainReleased());
    }
  }

  private void dispatch(Op op) throws ReplicaFault {
    TxnEntry e = op.entry();
    LogPosition pos = op.pos();
    switch (e.kind()) {
      case ONE_SHOT -> {
        Decision d = locks.request(e.txnId(), lockSet(e), op);
        if (d == Decision.GRANTED) {
          runGranted(List.of(op));
        } else if (d == Decision.DEADLOCK) {
          // A one-shot entry holds nothing while it waits, so it cannot close a cycle.
          throw new IllegalStateException(replica + ": one-shot entry " + pos + " reported in a deadlock");
        }
      }
      case STMT -> {
        String how = ended.get(e.txn());
        if (how != null) {
          answer(e, new Outcome.Failed("25P02", 0, "current transaction is aborted (" + how
              + "); commands ignored until end of transaction block: call rollback()", 0));
          return;
        }
        Txn t = open.computeIfAbsent(e.txn(), id -> new Txn(id, e, pos));
        if (t.blocked) {
          t.queued.add(op);
        } else {
          request(t, op);
        }
      }
      case COMMIT -> {
        Txn t = open.get(e.txn());
        if (t == null) {
          answer(e, endedAnswer(e));
        } else if (t.blocked) {
          t.queued.add(op);
        } else {
          commit(t, op);
        }
      }
      case ROLLBACK -> {
        Txn t = open.get(e.txn());
        if (t != null) {
          end(t, pos, Bookkeeping.ROLLED_BACK, null, "rolled back");
        }
        answer(e, new Outcome.Done(new long[0], null, null));
      }
      case ABORT_OWNER -> {
        for (Txn t : new ArrayList<>(open.values())) {
          if (t.first.origin().equals(e.origin()) && t.first.incarnation() < e.incarnation()) {
            end(t, pos, Bookkeeping.ABORTED, "57P01", "its node restarted");
          }
        }
      }
      default -> throw new IllegalStateException("unknown entry kind " + e.kind());
    }
  }

  /** Rolls back every open transaction (the replica stops or reconnects; they will be re-executed). */
  void abandon() {
    for (Txn t : open.values()) {
      closeQuietly(t.conn);
    }
    open.clear();
  }

  private Outcome endedAnswer(TxnEntry commit) {
    String how = ended.get(commit.txn());
    if (how == null) {
      // Nothing ran in it: an empty transaction commits trivially.
      return new Outcome.Done(new long[0], null, null);
    }
    return new Outcome.Failed(how.startsWith("deadlock") ? "40P01" : "25P02", 0, "the transaction was rolled back ("
        + how + "); nothing was committed", 0);
  }

  private void request(Txn t, Op op) throws ReplicaFault {
    Decision d = locks.request(t.id, lockSet(op.entry()), op);
    switch (d) {
      case GRANTED -> runGranted(List.of(op));
      case WAITING -> t.blocked = true;
      case DEADLOCK -> {
        answer(op.entry(), new Outcome.Failed(SqlState.DEADLOCK_DETECTED.code(), 0, "deadlock detected: this "
            + "statement would wait for locks held by transactions that wait for this one; the transaction was "
            + "rolled back, retry it", 0));
        end(t, op.pos(), Bookkeeping.ABORTED, SqlState.DEADLOCK_DETECTED.code(), "deadlock victim");
      }
    }
  }

  /** Runs granted operations, and whatever their completion makes runnable, in order. */
  private void runGranted(List<Op> granted) throws ReplicaFault {
    Deque<Op> work = new ArrayDeque<>(granted);
    while (!work.isEmpty()) {
      Op op = work.poll();
      TxnEntry e = op.entry();
      if (e.kind() == TxnEntry.Kind.ONE_SHOT) {
        runOneShot(op);
        work.addAll(locks.release(e.txnId()));
        continue;
      }
      Txn t = open.get(e.txn());
      if (t == null) {
        continue;
      }
      t.blocked = false;
      runStatement(t, op);
      // Later entries of this transaction that queued behind the blocked one.
      while (open.containsKey(t.id) && !t.blocked && !t.queued.isEmpty()) {
        Op next = t.queued.poll();
        if (next.entry().kind() == TxnEntry.Kind.COMMIT) {
          commit(t, next);
        } else {
          Decision d = locks.request(t.id, lockSet(next.entry()), next);
          if (d == Decision.GRANTED) {
            runStatement(t, next);
          } else if (d == Decision.WAITING) {
            t.blocked = true;
          } else {
            answer(next.entry(), new Outcome.Failed(SqlState.DEADLOCK_DETECTED.code(), 0,
                "deadlock detected; the transaction was rolled back, retry it", 0));
            end(t, next.pos(), Bookkeeping.ABORTED, SqlState.DEADLOCK_DETECTED.code(), "deadlock victim");
          }
        }
      }
      work.addAll(drainReleased());
    }
  }

  private List<Op> drainReleased() {
    List<Op> out = new ArrayList<>(released);
    released.clear();
    return out;
  }

  private void runOneShot(Op op) throws ReplicaFault {
    TxnEntry e = op.entry();
    LogPosition low = lowWater(op.pos(), e.txnId());
    Outcome outcome;
    try {
      main.setAutoCommit(false);
      Outcome.Done done = EntryExecutor.run(main, e);
      Bookkeeping.record(main, e.txnId(), op.pos(), low, Bookkeeping.COMMITTED, done.counts(), null);
      main.commit();
      outcome = done;
    } catch (EntryExecutor.StatementFailure f) {
      EntryExecutor.rollbackQuietly(main);
      SQLException se = f.sqlException();
      if (!DeterministicErrors.isDeterministic(se)) {
        throw fault(op, se);
      }
      outcome = new Outcome.Failed(se.getSQLState(), se.getErrorCode(), se.getMessage(), f.statement);
      recordEnd(e.txnId(), op.pos(), low, Bookkeeping.FAILED, se.getSQLState());
    } catch (SQLException se) {
      EntryExecutor.rollbackQuietly(main);
      if (!Bookkeeping.isDuplicateTxn(se)) {
        throw fault(op, se);
      }
      outcome = firstOutcome(e.txnId());
    }
    if (e.statements().stream().anyMatch(s -> analyzer.analyze(s.sql()).globalLock())) {
      reloadCatalog();
    }
    answer(e, outcome);
  }

  private void runStatement(Txn t, Op op) throws ReplicaFault {
    TxnEntry e = op.entry();
    try {
      if (t.conn == null) {
        t.conn = connections.open();
        t.conn.setAutoCommit(false);
      }
      answer(e, EntryExecutor.run(t.conn, e));
    } catch (EntryExecutor.StatementFailure f) {
      SQLException se = f.sqlException();
      if (!DeterministicErrors.isDeterministic(se)) {
        throw fault(op, se);
      }
      answer(e, new Outcome.Failed(se.getSQLState(), se.getErrorCode(), se.getMessage(), f.statement));
      end(t, op.pos(), Bookkeeping.ABORTED, se.getSQLState(), "an earlier statement failed with SQLState "
          + se.getSQLState());
    } catch (SQLException se) {
      throw fault(op, se);
    }
  }

  private void commit(Txn t, Op op) throws ReplicaFault {
    LogPosition low = lowWater(op.pos(), t.id);
    try {
      if (t.conn != null) {
        Bookkeeping.record(t.conn, t.id, op.pos(), low, Bookkeeping.COMMITTED, null, null);
        t.conn.commit();
      } else {
        main.setAutoCommit(true);
        Bookkeeping.record(main, t.id, op.pos(), low, Bookkeeping.COMMITTED, null, null);
      }
    } catch (SQLException se) {
      if (!Bookkeeping.isDuplicateTxn(se)) {
        throw fault(op, se);
      }
      EntryExecutor.rollbackQuietly(t.conn);
    }
    closeQuietly(t.conn);
    open.remove(t.id);
    ended.put(t.id, "committed");
    released.addAll(locks.release(t.id));
    answer(op.entry(), new Outcome.Done(new long[0], null, null));
  }

  /** Ends {@code t} without committing: rolls back its backend transaction, records why, frees its locks. */
  private void end(Txn t, LogPosition pos, String code, String sqlState, String how) throws ReplicaFault {
    EntryExecutor.rollbackQuietly(t.conn);
    closeQuietly(t.conn);
    open.remove(t.id);
    ended.put(t.id, how);
    for (Op q : t.queued) {
      if (q.entry().kind() == TxnEntry.Kind.COMMIT) {
        answer(q.entry(), endedAnswer(q.entry()));
      }
    }
    t.queued.clear();
    recordEnd(t.id, pos, lowWater(pos, t.id), code, sqlState);
    released.addAll(locks.release(t.id));
  }

  private void recordEnd(String txnId, LogPosition pos, LogPosition low, String code, String sqlState)
      throws ReplicaFault {
    try {
      main.setAutoCommit(true);
      Bookkeeping.record(main, txnId, pos, low, code, null, sqlState);
    } catch (SQLException se) {
      if (!Bookkeeping.isDuplicateTxn(se)) {
        throw new ReplicaFault(replica + ": cannot record the end of " + txnId + ": " + se, se);
      }
    }
  }

  private Outcome firstOutcome(String txnId) throws ReplicaFault {
    try {
      main.setAutoCommit(true);
      Outcome first = Bookkeeping.recordedTxn(main, txnId);
      if (first == null) {
        throw new ReplicaFault(replica + ": transaction " + txnId + " is recorded but its row is gone", null);
      }
      return first;
    } catch (SQLException se) {
      throw new ReplicaFault(replica + ": cannot read the first outcome of " + txnId + ": " + se, se);
    }
  }

  /**
   * The first position any still-unfinished work depends on: the first entry of
   * the oldest open transaction and the oldest waiting one-shot entry, other
   * than {@code ending}; {@code pos} if there is none.
   */
  private LogPosition lowWater(LogPosition pos, String ending) {
    LogPosition low = pos;
    for (Txn t : open.values()) {
      if (!t.id.equals(ending) && t.firstPos.compareTo(low) < 0) {
        low = t.firstPos;
      }
    }
    for (Op w : locks.waitingOps()) {
      if (w.entry().kind() == TxnEntry.Kind.ONE_SHOT && !w.entry().txnId().equals(ending)
          && w.pos().compareTo(low) < 0) {
        low = w.pos();
      }
    }
    return low;
  }

  /** Table locks for an entry: S on tables read, X on tables written, with the foreign-key closure. */
  private Map<String, Mode> lockSet(TxnEntry e) {
    Map<String, Mode> set = new LinkedHashMap<>();
    for (TxnEntry.Statement s : e.statements()) {
      Analysis a = analyzer.analyze(s.sql());
      if (a.globalLock()) {
        set.put(LockManager.GLOBAL, Mode.X);
        return set;
      }
      for (String r : a.tablesRead()) {
        if (!addTable(set, Catalog.qualify(r), Mode.S)) {
          set.put(LockManager.GLOBAL, Mode.X);
          return set;
        }
      }
      for (String w : a.tablesWritten()) {
        if (!addTable(set, Catalog.qualify(w), Mode.X)) {
          set.put(LockManager.GLOBAL, Mode.X);
          return set;
        }
      }
    }
    return set;
  }

  /**
   * Adds a table and what its foreign keys reach: a written table's parents are
   * read (S) and its children may change by cascade (X, transitively). A name
   * that is not a known base table (a view, a system table) cannot be covered by
   * table locks: returns false and the caller takes the global lock.
   */
  private boolean addTable(Map<String, Mode> set, String table, Mode mode) {
    if (!catalog.isBaseTable(table)) {
      return false;
    }
    Deque<String> todo = new ArrayDeque<>();
    todo.add(table);
    while (!todo.isEmpty()) {
      String t = todo.poll();
      Mode before = set.get(t);
      if (before == Mode.X || (before == Mode.S && mode == Mode.S)) {
        continue;
      }
      set.put(t, mode);
      if (mode == Mode.X) {
        for (String p : catalog.parentsOf(t)) {
          set.putIfAbsent(p, Mode.S);
        }
        todo.addAll(catalog.childrenOf(t));
      }
    }
    return true;
  }

  private void reloadCatalog() throws ReplicaFault {
    try {
      main.setAutoCommit(true);
      catalog = Catalog.load(main);
    } catch (SQLException se) {
      throw new ReplicaFault(replica + ": cannot reload the catalog: " + se, se);
    }
  }

  private void answer(TxnEntry e, Outcome o) {
    sink.applied(replica, e, o);
  }

  private ReplicaFault fault(Op op, SQLException se) {
    return new ReplicaFault("entry " + op.pos() + " (" + op.entry().kind() + " " + op.entry().txnId()
        + ") failed on the replica: " + se, se);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Broken already.
      }
    }
  }
}
