package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analysis;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.sql.TableSchema;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes log entries on one replica.
 *
 * <p>Two layers. The <em>logical</em> layer ({@link LogicalScheduler}) runs on the
 * replica's applier thread and is fed only by the log: it computes each entry's
 * locks, grants them in log order, picks deadlock victims and releases locks at
 * the entries that end transactions. Its decisions depend on nothing else, so
 * every replica decides the same. The <em>physical</em> layer, this class, runs the granted work on the backend, in
 * parallel: each interactive transaction on its own connection and virtual
 * thread, in its own order, and every piece of work only after the work of other
 * transactions that held conflicting locks before it has finished (its backend
 * commit returned). Transactions that do not conflict run in parallel.
 *
 * <p>A statement's deterministic error aborts its transaction on the backend at
 * once; its locks stay held until the transaction's {@code ROLLBACK} entry (the
 * session appends one as soon as it sees the error), so releases stay at
 * deterministic places in the log. Deadlock victims are rolled back and their
 * locks released where the log says so.
 */
final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  /** A connection source for backend transactions. */
  interface Connections {
    Connection open() throws SQLException;
  }

  /**
   * An entry at its log position, and when this replica read it off the log (System.nanoTime); {@code ordered}
   * when it was read before it was committed, in Raft term {@code term}.
   */
  private record Op(TxnEntry entry, LogPosition pos, long readNanos, long term, boolean ordered)
      implements LogicalScheduler.Work {}

  /** Physical state of an interactive transaction (its work's threads only, after creation). */
  private static final class Txn {
    final String id;
    final TxnEntry first;
    final LogPosition firstPos;
    /** The last piece of work scheduled for it: the next waits for it. */
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** Its backend connection, and why it failed (null while it has not). */
    Connection conn;
    String failedState;
    String failedWhy;
    /** The hashes of its statements' outcomes, in order (folded into its end's hash). */
    long outcomes;

    Txn(String id, TxnEntry first, LogPosition firstPos) {
      this.id = id;
      this.first = first;
      this.firstPos = firstPos;
    }
  }

  private final String replica;
  private final Connections connections;
  private final Analyzer analyzer;
  private final ResultSink sink;
  /** Which entries executed before they were durable have become durable. */
  private final Confirmations confirmations;
  private final Watermark watermark;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final LockSets lockSets;
  /** The decisions: locks, grants, victims, ends (see {@link LogicalScheduler}). */
  private LogicalScheduler<Op> logic;
  /** Open interactive transactions that run here (not replayed ones). */
  private final Map<String, Txn> txns = new HashMap<>();
  private final WorkOrder order = new WorkOrder();
  /** The physical work scheduled last: a catalog reload waits for it. */
  private CompletableFuture<Void> lastScheduled = CompletableFuture.completedFuture(null);
  /** First position of every transaction not yet finished on the backend: the low water. */
  private final ConcurrentSkipListMap<LogPosition, String> unfinished = new ConcurrentSkipListMap<>();
  private final AtomicReference<ReplicaFault> fault = new AtomicReference<>();
  private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
  /** Backend connections of transactions, open until their transaction finishes on the backend. */
  private final Set<Connection> live = ConcurrentHashMap.newKeySet();
  private final Backend backend;
  /** The replica sessions' time zone: time functions are replaced by literals in it. */
  private final ZoneId zone;

  /** The catalog as of the last entry applied: its tables' columns, defaults and keys. */
  TableSchema.Lookup schema() {
    return logic.catalog();
  }

  /** The position of the entry processed last (logical layer). */
  private LogPosition currentPosition;
  /** Guards the logical layer against {@link #coveredRead}, which sessions call from their own threads. */
  private final Object logical = new Object();
  /** Where checkpoint reports go. */
  private final DigestSink digests;
  /** Where this replica's stage times go (lock wait, hand-off, execution, bookkeeping). */
  private final Stages stages;
  /** This replica's environment fingerprint, sent with every report. */
  private final String fingerprint;
  /** Ends decided by the logical layer and not yet finished on the backend. */
  private final PendingEnds pendingEnds = new PendingEnds(() -> fault.get() != null);
  /**
   * Transactions that ended on this replica before it resumed (their effects and
   * rows are durable): their entries still go through the lock manager, so that
   * every later decision is the one every other replica made, but nothing of them
   * runs again. Called before the first entry is processed.
   */
  void replay(Set<String> txnIds) {
    logic = new LogicalScheduler<>(lockSets, logic.catalog(), backend.transactionalDdl(), txnIds, new Physical());
  }

  /** Checkpoint digests are computed one after the other, in log order. */
  private CompletableFuture<Void> checkpoints = CompletableFuture.completedFuture(null);

  Scheduler(String replica, Backend backend, ZoneId zone, Connection catalogSource, Connections connections,
      Analyzer analyzer, ResultSink sink, long start, LongConsumer onApplied, DigestSink digests, String fingerprint,
      Stages stages, Confirmations confirmations) throws SQLException {
    this.replica = replica;
    this.confirmations = confirmations;
    this.stages = stages;
    this.digests = digests;
    this.fingerprint = fingerprint;
    this.backend = backend;
    this.zone = zone;
    this.connections = connections;
    this.analyzer = analyzer;
    this.lockSets = new LockSets(analyzer);
    this.sink = sink;
    this.logic = new LogicalScheduler<>(lockSets, Catalog.load(catalogSource, backend), backend.transactionalDdl(),
        Set.of(), new Physical());
    this.watermark = new Watermark(start, onApplied);
  }

  /** Processes one committed entry, in log order (logical layer). */
  void process(TxnEntry e, LogPosition pos) throws ReplicaFault {
    process(e, pos, 0, false);
  }

  /**
   * Processes one entry, in log order (logical layer); {@code ordered} when it was read before it was
   * committed, in Raft term {@code term}: its work runs at once, but nothing it does is committed on the
   * backend, releases locks to others or answers anything but a statement of an interactive transaction
   * before {@link Confirmations} confirms its index.
   */
  void process(TxnEntry e, LogPosition pos, long term, boolean ordered) throws ReplicaFault {
    checkFault();
    synchronized (logical) {
      currentPosition = pos;
      Op op = new Op(e, pos, System.nanoTime(), term, ordered);
      switch (e.kind()) {
        case HEARTBEAT -> answer(op, new Outcome.Done(new long[0], null, null));
        case CHECKPOINT -> checkpoint(op);
        case DIGEST -> digest(op);
        default -> logic.process(op);
      }
    }
  }

  /**
   * Runs a read of interactive transaction {@code txn} on this replica alone, with no log entry, when the
   * transaction already holds every lock the read would ask for (an UPDATE's X on a row covers a later SELECT
   * of it): no other transaction can change what it reads until the transaction ends, so the answer is the one
   * the read would give at its place in the log. It runs on the transaction's backend connection after the
   * transaction's earlier work on this replica; it is not part of the outcomes the replicas compare (the other
   * replicas do not run it). On PostgreSQL it runs inside a savepoint, so that a failure leaves the backend
   * transaction as the other replicas have it.
   *
   * @param last the log position of the transaction's last entry: this replica must have processed it (a Raft
   *     index holds several entries, so the whole position counts)
   * @return the read's future, which completes with null when the read failed or could not run (the caller
   *     then sends it through the log, which answers it alike on every replica); or null when it does not
   *     qualify
   */
  CompletableFuture<Outcome.Done> coveredRead(String txn, TxnEntry.Statement statement, LogPosition last) {
    synchronized (logical) {
      if (fault.get() != null || currentPosition == null || currentPosition.compareTo(last) < 0) {
        return null;
      }
      Txn t = txns.get(txn);
      if (t == null) {
        return null;
      }
      Analysis a = analyzer.analyze(statement.sql());
      if (a.kind() != Analysis.Kind.READ || !a.parsed() || a.globalLock() || a.advisoryLock()
          || !a.sequences().isEmpty() || !a.tablesWritten().isEmpty()) {
        return null;
      }
      TxnEntry e = new TxnEntry(TxnEntry.Kind.STMT, t.first.origin(), t.first.incarnation(), 0, txn, false,
          t.first.timestampMicros(), false, KeyRequest.NONE, List.of(statement));
      if (!logic.idleHolding(txn, logic.lockSet(e))) {
        return null;
      }
      CompletableFuture<Outcome.Done> result = new CompletableFuture<>();
      CompletableFuture<Void> before = t.tail;
      before.whenComplete((v, error) -> {
        if (error != null) {
          result.complete(null); // the transaction's work failed here: the replica recovers; the log decides
        }
      });
      t.tail = before.thenRunAsync(() -> runCoveredRead(t, e, result), threads);
      return result;
    }
  }

  private void runCoveredRead(Txn t, TxnEntry e, CompletableFuture<Outcome.Done> result) {
    if (t.failedState != null || t.conn == null || fault.get() != null) {
      result.complete(null);
      return;
    }
    Savepoint savepoint = null;
    try {
      if (backend == Backend.POSTGRESQL) {
        savepoint = t.conn.setSavepoint();
      }
      long executing = System.nanoTime();
      Outcome.Done done = EntryExecutor.run(t.conn, e, t.first.timestampMicros(), zone, backend, analyzer,
          logic.catalog());
      stages.since(Stages.Stage.COVERED_READ, executing);
      if (savepoint != null) {
        t.conn.releaseSavepoint(savepoint);
      }
      result.complete(done);
    } catch (EntryExecutor.StatementFailure | SQLException | RuntimeException failure) {
      if (savepoint != null) {
        try {
          t.conn.rollback(savepoint);
        } catch (SQLException broken) {
          // The connection is gone: the transaction's next entry fails on it and the replica recovers.
        }
      }
      result.complete(null);
    }
  }

  /** Every entry up to Raft index {@code index} has been processed. */
  void processed(long index) throws ReplicaFault {
    checkFault();
    inFlight.removeIf(CompletableFuture::isDone);
    watermark.processed(index);
  }

  /** Throws the failure of any physical work: the replica must reconnect and resume. */
  void checkFault() throws ReplicaFault {
    ReplicaFault f = fault.get();
    if (f != null) {
      throw f;
    }
  }

  /** Waits until every piece of physical work scheduled so far has finished (applier thread). */
  void drain() throws ReplicaFault, InterruptedException {
    for (CompletableFuture<?> f : new ArrayList<>(inFlight)) {
      try {
        f.get();
      } catch (ExecutionException e) {
        checkFault();
      }
    }
    inFlight.removeIf(CompletableFuture::isDone);
    checkFault();
  }

  /** Stops: waits briefly for work in flight, then closes every transaction's connection (rolling it back). */
  void abandon() {
    fault.compareAndSet(null, new ReplicaFault(replica + ": scheduler abandoned", null));
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // Whatever is still running fails when its connection closes.
    }
    // Every transaction not finished on the backend, ended logically or not: closing rolls it back.
    for (Connection c : live) {
      closeQuietly(c);
    }
    live.clear();
    synchronized (logical) {
      logic.clear();
      txns.clear();
    }
    threads.shutdown();
  }

  /** Carries out the logical layer's decisions: schedules work on the backend, answers, reloads the catalog. */
  private final class Physical implements LogicalScheduler.Actions<Op> {
    @Override
    public void opened(Op op, String txnId) {
      if (op.entry().kind() == TxnEntry.Kind.ONE_SHOT) {
        pendingEnds.expect(op.pos());
      } else {
        txns.put(txnId, new Txn(txnId, op.entry(), op.pos()));
      }
      unfinished.put(op.pos(), txnId);
    }

    @Override
    public void run(LogicalScheduler.Grant<Op> grant) {
      Op op = grant.work();
      TxnEntry e = op.entry();
      long grantedNanos = System.nanoTime();
      stages.record(Stages.Stage.LOCK_WAIT, grantedNanos - op.readNanos());
      Map<String, Mode> wanted = grant.locks();
      if (e.kind() == TxnEntry.Kind.CHECKPOINT) {
        hashTablesGranted(op, wanted);
        return;
      }
      if (grant.replay()) {
        return; // ended before the restart: its effects are durable
      }
      boolean gateFirst = mustWaitBeforeExecuting(e, wanted);
      if (e.kind() == TxnEntry.Kind.ONE_SHOT) {
        List<String> seqs = sequencesToSave(wanted);
        CompletableFuture<Void> done = order.after(wanted).thenRunAsync(() -> guarded(op, () -> {
          stages.since(Stages.Stage.HANDOFF, grantedNanos);
          if (gateFirst) {
            awaitDurable(op);
          }
          runOneShot(op, seqs);
        }), threads);
        watermark.track(currentPosition.index(), done);
        inFlight.add(done);
        order.releasedWhen(wanted, done);
        lastScheduled = done;
        return;
      }
      Txn t = txns.get(e.txn());
      CompletableFuture<Void> after = order.after(grant.fresh());
      t.tail = CompletableFuture.allOf(t.tail, after).thenRunAsync(() -> guarded(op, () -> {
        if (gateFirst) {
          awaitDurable(op);
        }
        runStatement(t, op);
      }), threads);
      inFlight.add(t.tail);
      lastScheduled = t.tail;
    }

    @Override
    public void end(LogicalScheduler.End<Op> end) {
      if (end.replay()) {
        return; // ended here before the restart, at this same decision: its row and effects are durable
      }
      Op op = end.work();
      Txn t = txns.remove(end.txn());
      pendingEnds.expect(op.pos());
      Map<String, Mode> lockSet = end.held();
      List<String> seqs = sequencesToSave(lockSet == null ? Map.of() : lockSet);
      boolean role = backend == Backend.POSTGRESQL && end.changedRole();
      t.tail = t.tail.thenRunAsync(() -> guarded(op, () -> finish(t, op, end, seqs, role)), threads);
      inFlight.add(t.tail);
      if (end.commit()) {
        watermark.track(currentPosition.index(), t.tail);
      }
      if (lockSet != null) {
        order.releasedWhen(lockSet, t.tail);
      }
      lastScheduled = t.tail;
    }

    @Override
    public void answer(Op op, Outcome outcome) {
      Scheduler.this.answer(op, outcome);
    }

    @Override
    public Catalog reloadCatalog(Op after) throws ReplicaFault {
      return awaitAndReloadCatalog(lastScheduled);
    }
  }

  /**
   * PostgreSQL: the sequences whose values a transaction holding {@code lockSet}
   * may have moved, saved with its bookkeeping row (null: every sequence, for
   * the global lock). H2: none.
   */
  private List<String> sequencesToSave(Map<String, Mode> lockSet) {
    if (backend != Backend.POSTGRESQL) {
      return List.of();
    }
    if (lockSet.get(LockManager.GLOBAL) == Mode.X) {
      return null;
    }
    return logic.catalog().sequenceNames(lockSet.keySet(), false);
  }

  // ---- physical layer: runs on the transactions' virtual threads ----

  private interface Work {
    void run() throws SQLException, ReplicaFault;
  }

  /**
   * Runs physical work. After a failure nothing more runs, and the work's
   * future completes exceptionally, so no later work and no readiness depends
   * on it; the replica reconnects and re-executes from its bookkeeping.
   */
  private void guarded(Op op, Work work) {
    ReplicaFault f = fault.get();
    if (f != null) {
      throw new CompletionException(f);
    }
    try {
      work.run();
    } catch (ReplicaFault e) {
      fault.compareAndSet(null, e);
      throw new CompletionException(e);
    } catch (SQLException | RuntimeException | Error e) {
      ReplicaFault rf = new ReplicaFault("entry " + op.pos() + " (" + op.entry().kind() + " "
          + op.entry().txnId() + ") failed on replica " + replica + ": " + e, e);
      fault.compareAndSet(null, rf);
      throw new CompletionException(rf);
    }
  }

  /** Opens a transaction's backend connection, remembered until it is closed (so {@link #abandon} can). */
  private Connection openFor(Txn t) throws SQLException {
    Connection c = connections.open();
    live.add(c);
    t.conn = c;
    return c;
  }

  private void closeFor(Txn t) {
    Connection c = t.conn;
    t.conn = null;
    if (c != null) {
      live.remove(c);
      closeQuietly(c);
    }
  }

  private void runOneShot(Op op, List<String> seqs) throws SQLException, ReplicaFault {
    TxnEntry e = op.entry();
    try (Connection c = connections.open()) {
      LogPosition low = lowWater(op.pos(), op.pos());
      c.setAutoCommit(false);
      Outcome outcome;
      try {
        long executing = System.nanoTime();
        Outcome.Done done = EntryExecutor.run(c, e, e.timestampMicros(), zone, backend, analyzer, logic.catalog());
        stages.since(Stages.Stage.EXECUTION, executing);
        awaitDurable(op); // nothing is committed on the backend before the entry is durable
        long bookkeeping = System.nanoTime();
        if (backend == Backend.POSTGRESQL && LogicalScheduler.changesRole(e)) {
          roleBack(c); // Ordo's own rows are written with the replica's role
        }
        Bookkeeping.saveSequencesOrAll(c, seqs);
        Bookkeeping.record(c, e.txnId(), op.pos(), low, Bookkeeping.COMMITTED, done.counts(), null,
            Digests.end(e.txnId(), Bookkeeping.COMMITTED, null, Digests.outcome(done, !Digests.varies(e))), op.pos());
        c.commit();
        stages.since(Stages.Stage.BOOKKEEPING, bookkeeping);
        outcome = done;
      } catch (EntryExecutor.StatementFailure f) {
        c.rollback();
        SQLException se = f.sqlException();
        if (!DeterministicErrors.isDeterministic(se)) {
          throw se;
        }
        awaitDurable(op);
        outcome = new Outcome.Failed(se.getSQLState(), se.getErrorCode(), se.getMessage(), f.statement);
        Bookkeeping.recordEnd(c, e.txnId(), op.pos(), low, Bookkeeping.FAILED, se.getSQLState(), seqs,
            Digests.end(e.txnId(), Bookkeeping.FAILED, se.getSQLState(), Digests.outcome(outcome)), op.pos());
      } catch (SQLException se) {
        c.rollback();
        if (!Bookkeeping.isDuplicateTxn(se)) {
          throw se;
        }
        outcome = Bookkeeping.recordedTxn(c, e.txnId());
      }
      if (backend == Backend.POSTGRESQL && LogicalScheduler.changesRole(e)) {
        resetRole(c);
      }
      unfinished.remove(op.pos());
      pendingEnds.done(op.pos());
      answer(op, outcome);
    }
  }

  private void runStatement(Txn t, Op op) throws SQLException {
    TxnEntry e = op.entry();
    if (t.failedState != null) {
      answer(op, Outcome.inFailedTransaction(t.failedWhy));
      return;
    }
    if (t.conn == null) {
      openFor(t).setAutoCommit(false);
    }
    try {
      // Every statement of an interactive transaction sees its first entry's time.
      long executing = System.nanoTime();
      Outcome.Done done = EntryExecutor.run(t.conn, e, t.first.timestampMicros(), zone, backend, analyzer,
          logic.catalog());
      stages.since(Stages.Stage.EXECUTION, executing);
      t.outcomes = Digests.combine(t.outcomes, Digests.outcome(done, !Digests.varies(e)));
      answer(op, done);
    } catch (EntryExecutor.StatementFailure f) {
      SQLException se = f.sqlException();
      if (!DeterministicErrors.isDeterministic(se)) {
        throw se;
      }
      t.conn.rollback();
      t.failedState = se.getSQLState();
      t.failedWhy = "an earlier statement failed with SQLState " + se.getSQLState();
      Outcome.Failed failed = new Outcome.Failed(se.getSQLState(), se.getErrorCode(), se.getMessage(), f.statement);
      t.outcomes = Digests.combine(t.outcomes, Digests.outcome(failed));
      answer(op, failed);
    }
  }

  private void finish(Txn t, Op op, LogicalScheduler.End<Op> end, List<String> seqs, boolean role)
      throws SQLException, ReplicaFault {
    boolean commit = end.commit();
    awaitDurable(op); // its end, and every statement before it, is durable before anything is committed
    LogPosition low = lowWater(op.pos(), t.firstPos);
    Outcome outcome = new Outcome.Done(new long[0], null, null);
    try {
      if (commit && t.failedState == null) {
        if (t.conn == null) {
          openFor(t).setAutoCommit(false);
        }
        try {
          if (role) {
            roleBack(t.conn); // Ordo's own rows are written with the replica's role
          }
          long bookkeeping = System.nanoTime();
          Bookkeeping.saveSequencesOrAll(t.conn, seqs);
          Bookkeeping.record(t.conn, t.id, op.pos(), low, Bookkeeping.COMMITTED, null, null,
              Digests.end(t.id, Bookkeeping.COMMITTED, null, t.outcomes), t.firstPos);
          t.conn.commit();
          stages.since(Stages.Stage.BOOKKEEPING, bookkeeping);
        } catch (SQLException se) {
          t.conn.rollback();
          if (!Bookkeeping.isDuplicateTxn(se)) {
            throw se;
          }
        }
      } else {
        if (t.conn != null) {
          t.conn.rollback();
        } else {
          openFor(t).setAutoCommit(false);
        }
        String code = commit || t.failedState != null || !"rolled back".equals(end.how())
            ? Bookkeeping.ABORTED : Bookkeeping.ROLLED_BACK;
        Bookkeeping.recordEnd(t.conn, t.id, op.pos(), low, code, t.failedState, seqs,
            Digests.end(t.id, code, t.failedState, t.outcomes), t.firstPos);
        if (commit) {
          outcome = Outcome.rolledBack(SqlState.IN_FAILED_SQL_TRANSACTION, t.failedWhy);
        }
      }
    } finally {
      try {
        if (role && t.conn != null) {
          resetRole(t.conn);
        }
      } finally {
        closeFor(t);
        unfinished.remove(t.firstPos);
        pendingEnds.done(op.pos());
      }
    }
    if (end.answersWork()) {
      answer(op, outcome);
    }
  }

  /**
   * The first position that unfinished work other than {@code self} depends on,
   * or {@code pos} if there is none: recorded with every row, it is where a
   * restart re-reads the log from.
   */
  private LogPosition lowWater(LogPosition pos, LogPosition self) {
    for (Map.Entry<LogPosition, String> u : unfinished.entrySet()) {
      if (!u.getKey().equals(self)) {
        return u.getKey().compareTo(pos) < 0 ? u.getKey() : pos;
      }
    }
    return pos;
  }

  // ---- checkpoints: digests and table hashes ----

  /** Waits up to {@code nanos} until every end decided at or before log index {@code index} is finished. */
  boolean awaitEndsThrough(long index, long nanos) throws InterruptedException {
    return pendingEnds.awaitBefore(new LogPosition(index + 1, Integer.MIN_VALUE), nanos);
  }

  /**
   * Logical: a checkpoint. Its digest is the sum of the outcome hashes of every
   * transaction that ended before it, computed once they have all finished on
   * the backend (no locks: nothing waits for it). If it asks for table hashes, it
   * also takes S locks on every user table, like a read of them all, so it sees
   * the tables after every write ordered before it and before any after it.
   */
  private void checkpoint(Op op) throws ReplicaFault {
    CompletableFuture<Long> tables = new CompletableFuture<>();
    if (op.entry().hashesTables()) {
      checkpointTables.put(op.pos(), new PendingTables(logic.catalog().userTables(), tables));
      logic.process(op); // its S locks on every user table: the hash runs once they are granted
    } else {
      tables.complete(null);
    }
    LogPosition pos = op.pos();
    checkpoints = checkpoints.thenRunAsync(() -> reportCheckpoint(pos, tables), threads)
        .exceptionally(err -> null); // a failed report is not retried: the next checkpoint reports again
    answer(op, new Outcome.Done(new long[0], null, null));
  }

  private record PendingTables(SortedSet<String> names, CompletableFuture<Long> hash) {}

  private final Map<LogPosition, PendingTables> checkpointTables = new HashMap<>();

  /** Logical: the checkpoint's S locks are granted; the hash runs after the writes before it, then releases. */
  private void hashTablesGranted(Op op, Map<String, Mode> wanted) {
    PendingTables p = checkpointTables.remove(op.pos());
    CompletableFuture<Void> after = order.after(wanted);
    CompletableFuture<Void> done = after.thenRunAsync(() -> guarded(op, () -> {
      try (Connection c = connections.open()) {
        p.hash().complete(Digests.tables(c, Digests.sqlNames(c, p.names())));
      }
    }), threads);
    done.whenComplete((v, err) -> {
      if (err != null) {
        p.hash().completeExceptionally(err);
      }
    });
    inFlight.add(done);
    order.releasedWhen(wanted, done);
  }

  /** Physical, in log order: computes, records and reports the checkpoint at {@code pos}. */
  private void reportCheckpoint(LogPosition pos, CompletableFuture<Long> tables) {
    try {
      if (!pendingEnds.awaitBefore(pos, Long.MAX_VALUE)) {
        return;
      }
      confirmations.awaitConfirmed(pos.index(), DURABLE_WAIT);
      Long tableHash = tables.get();
      Bookkeeping.Checkpoint cp;
      try (Connection c = connections.open()) {
        Bookkeeping.Checkpoint recorded = Bookkeeping.checkpointAt(c, pos);
        if (recorded != null) {
          cp = recorded; // recorded before a restart: report what was found then
        } else {
          long digest = Bookkeeping.digestBetween(c, Bookkeeping.lastCheckpointBefore(c, pos), pos);
          cp = new Bookkeeping.Checkpoint(pos, digest, tableHash);
          Bookkeeping.recordCheckpoint(c, cp);
        }
      }
      digests.own(new TxnEntry.DigestReport("", replica, pos.index(), pos.sub(), cp.digest(), cp.tableHash(),
          fingerprint));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (fault.get() == null) {
        log.warn("{}: checkpoint {} not reported: {}", replica, pos, e.toString());
      }
    }
  }

  /** A checkpoint's report, judged only from a durable position: the applier waits for it (one per checkpoint). */
  private void digest(Op op) throws ReplicaFault {
    confirmations.awaitConfirmed(op.pos().index(), DURABLE_WAIT);
    try {
      digests.logged(op.pos(), op.entry().digestReport());
    } catch (ProtocolException pe) {
      throw new IllegalStateException(replica + ": log entry " + op.pos() + ": " + pe.getMessage(), pe);
    }
    answer(op, new Outcome.Done(new long[0], null, null));
  }

  // ---- helpers ----

  private Catalog awaitAndReloadCatalog(CompletableFuture<Void> ddl) throws ReplicaFault {
    try {
      ddl.get();
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new ReplicaFault(replica + ": interrupted while waiting for DDL", ie);
    } catch (Exception ignored) {
      // A failure is reported by checkFault.
    }
    checkFault();
    try (Connection c = connections.open()) {
      return Catalog.load(c, backend);
    } catch (SQLException se) {
      throw new ReplicaFault(replica + ": cannot reload the catalog: " + se, se);
    }
  }

  /** Back to the replica connection's own role, inside the current transaction. */
  private static void roleBack(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("RESET ROLE");
    }
  }

  private static void resetRole(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback(); // nothing is pending here: the transaction has ended
      c.setAutoCommit(true);
    }
    try (Statement st = c.createStatement()) {
      st.execute("RESET ROLE");
    }
  }

  /**
   * Whether work must wait until its entry is durable before it even executes:
   * what the backend may commit by itself or cannot take back (H2 commits DDL
   * implicitly, statements under the global lock may be anything, H2 sequences do
   * not roll back).
   */
  private boolean mustWaitBeforeExecuting(TxnEntry e, Map<String, Mode> wanted) {
    return LogicalScheduler.changesCatalog(e) || wanted.get(LockManager.GLOBAL) == Mode.X
        || (backend != Backend.POSTGRESQL && wanted.keySet().stream().anyMatch(r -> r.startsWith("SEQUENCE ")));
  }

  /**
   * Answers an entry. A statement of an interactive transaction is answered at
   * once, even from a position that is not durable yet (its session finds out if
   * that position is lost, see Coordinator); anything else only from a confirmed
   * position: at once if it is, otherwise once it is, and never if it is lost.
   */
  private void answer(Op op, Outcome o) {
    TxnEntry e = op.entry();
    ResultSink.Answered at = new ResultSink.Answered(op.pos(), op.term(), op.ordered());
    if (!op.ordered() || e.kind() == TxnEntry.Kind.STMT || confirmations.confirmed(op.pos().index())) {
      sink.applied(replica, e, o, at);
      return;
    }
    threads.execute(() -> {
      try {
        awaitDurable(op);
        sink.applied(replica, e, o, at);
      } catch (ReplicaFault f) {
        // Lost: whoever waits hears from the entry's durable copy, or times out.
      }
    });
  }

  /** Physical: waits until the entry's index is confirmed durable (its Raft index committed with its term). */
  private void awaitDurable(Op op) throws ReplicaFault {
    if (!op.ordered()) {
      return;
    }
    long waiting = System.nanoTime();
    confirmations.awaitConfirmed(op.pos().index(), DURABLE_WAIT);
    stages.since(Stages.Stage.DURABLE_WAIT, waiting);
  }

  /** How long work executed before its entry was durable waits for it, before the replica resumes from the log. */
  private static final Duration DURABLE_WAIT = Duration.ofSeconds(30);

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
