package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.proxy.replica.LockManager.Decision;
import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analysis;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import dev.ordo.proxy.config.Backend;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Executes log entries on one replica under the deterministic {@link LockManager}.
 *
 * <p>Two layers. The <em>logical</em> layer runs on the replica's applier thread
 * and is fed only by the log: it computes each entry's locks, grants them in log
 * order, picks deadlock victims and releases locks at the entries that end
 * transactions. Its decisions depend on nothing else, so every replica decides
 * the same. The <em>physical</em> layer runs the granted work on the backend, in
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
  /** A connection source for backend transactions. */
  interface Connections {
    Connection open() throws SQLException;
  }

  /** An entry at its log position, and when this replica read it off the log (System.nanoTime). */
  /**
   * An entry at its log position, and when this replica read it off the log (System.nanoTime); {@code ordered}
   * when it was read before it was committed, in Raft term {@code term}.
   */
  private record Op(TxnEntry entry, LogPosition pos, long readNanos, long term, boolean ordered) {}

  /** Physical-layer state of an interactive transaction (its thread only, after creation). */
  private static final class Txn {
    final String id;
    final TxnEntry first;
    final LogPosition firstPos;
    /** The last piece of work scheduled for it: the next waits for it. */
    CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    /** Logical: a request is waiting for locks; later entries queue behind it. */
    boolean blocked;
    /** Logical: it ran DDL (PostgreSQL): the catalog is reloaded after its commit. */
    boolean ddl;
    /** Logical: it changed its role: its connection's role is reset before the pool gets it back. */
    volatile boolean role;
    /** Logical: the entry whose request is waiting, if any. */
    Op waiting;
    final Deque<Op> queued = new ArrayDeque<>();
    /** Physical: its backend connection, and why it failed (null while it has not). */
    Connection conn;
    String failedState;
    String failedWhy;
    /** Physical: the hashes of its statements' outcomes, in order (folded into its end's hash). */
    long outcomes;
    /** It ended on this replica before a restart: its locks are taken and released as then, nothing runs. */
    boolean replay;

    Txn(String id, TxnEntry first, LogPosition firstPos) {
      this.id = id;
      this.first = first;
      this.firstPos = firstPos;
    }
  }

  private static final int ENDED_MEMORY = 100_000;

  private final String replica;
  private final Connections connections;
  private final Analyzer analyzer;
  private final ResultSink sink;
  /** Which entries executed before they were durable have become durable. */
  private final Confirmations confirmations;
  private final Watermark watermark;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final LockManager<Op> locks = new LockManager<>();
  private final LockSets lockSets;
  private final Map<String, Txn> open = new LinkedHashMap<>();
  private final WorkOrder order = new WorkOrder();
  /** Locks each transaction holds, as the logical layer granted them (for releases). */
  private final Map<String, Map<String, Mode>> held = new HashMap<>();
  /** Recently ended interactive transactions (logical): a later statement for them is refused. */
  private final Map<String, String> ended = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > ENDED_MEMORY;
    }
  };
  /** First position of every transaction not yet finished on the backend: the low water. */
  private final ConcurrentSkipListMap<LogPosition, String> unfinished = new ConcurrentSkipListMap<>();
  private final AtomicReference<ReplicaFault> fault = new AtomicReference<>();
  private final List<Op> released = new ArrayList<>();
  private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
  /** Backend connections of transactions, open until their transaction finishes on the backend. */
  private final java.util.Set<Connection> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Backend backend;
  /** The replica sessions' time zone: time functions are replaced by literals in it. */
  private final java.time.ZoneId zone;
  private volatile Catalog catalog; // read by EXPLAIN ORDO from other threads

  /** The catalog as of the last entry applied: its tables' columns, defaults and keys. */
  dev.ordo.proxy.sql.TableSchema.Lookup schema() {
    return catalog;
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
  /** Ends (one-shot entries, transaction ends) decided by the logical layer and not yet finished on the backend. */
  private final java.util.TreeMap<LogPosition, Integer> pendingEnds = new java.util.TreeMap<>();
  private final java.util.concurrent.locks.ReentrantLock endsLock = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.locks.Condition endsChanged = endsLock.newCondition();
  /**
   * Transactions that ended on this replica before it resumed (their effects and
   * rows are durable): their entries still go through the lock manager, so that
   * every later decision is the one every other replica made, but nothing of them
   * runs again.
   */
  private java.util.Set<String> replayed = java.util.Set.of();

  /** See {@link #replayed}. Called before the first entry is processed. */
  void replay(java.util.Set<String> txnIds) {
    this.replayed = txnIds;
  }

  /** Checkpoint digests are computed one after the other, in log order. */
  private CompletableFuture<Void> checkpoints = CompletableFuture.completedFuture(null);

  Scheduler(String replica, Backend backend, java.time.ZoneId zone, Connection catalogSource, Connections connections,
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
    this.catalog = Catalog.load(catalogSource, backend);
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
      dispatch(new Op(e, pos, System.nanoTime(), term, ordered));
      while (!released.isEmpty()) {
        List<Op> granted = new ArrayList<>(released);
        released.clear();
        for (Op op : granted) {
          runGranted(op);
        }
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
      Txn t = open.get(txn);
      if (t == null || t.replay || t.blocked || t.waiting != null || !t.queued.isEmpty()) {
        return null;
      }
      Analysis a = analyzer.analyze(statement.sql());
      if (a.kind() != Analysis.Kind.READ || !a.parsed() || a.globalLock() || a.advisoryLock()
          || !a.sequences().isEmpty() || !a.tablesWritten().isEmpty()) {
        return null;
      }
      TxnEntry e = new TxnEntry(TxnEntry.Kind.STMT, t.first.origin(), t.first.incarnation(), 0, txn, false,
          t.first.timestampMicros(), false, KeyRequest.NONE, List.of(statement));
      Map<String, Mode> wanted = lockSet(e);
      Map<String, Mode> have = held.get(t.id);
      if (have == null || wanted.isEmpty() || wanted.containsKey(LockManager.GLOBAL)) {
        return null;
      }
      for (Map.Entry<String, Mode> w : wanted.entrySet()) {
        Mode h = have.get(w.getKey());
        if (h == null || !h.covers(w.getValue())) {
          return null;
        }
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
    java.sql.Savepoint savepoint = null;
    try {
      if (backend == Backend.POSTGRESQL) {
        savepoint = t.conn.setSavepoint();
      }
      long executing = System.nanoTime();
      Outcome.Done done = EntryExecutor.run(t.conn, e, t.first.timestampMicros(), zone, backend, analyzer,
          catalog);
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
      } catch (java.util.concurrent.ExecutionException e) {
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
      open.clear();
    }
    threads.shutdown();
  }

  private void dispatch(Op op) throws ReplicaFault {
    TxnEntry e = op.entry();
    switch (e.kind()) {
      case ONE_SHOT -> {
        if (!replayed.contains(e.txnId())) {
          unfinished.put(op.pos(), e.txnId());
          expectEnd(op.pos());
        }
        Decision d = locks.request(e.txnId(), lockSet(e), op);
        if (d == Decision.GRANTED) {
          runGranted(op);
        } else if (d == Decision.DEADLOCK) {
          throw new IllegalStateException(replica + ": one-shot entry " + op.pos() + " reported in a deadlock");
        }
      }
      case STMT -> {
        String how = ended.get(e.txn());
        if (how != null) {
          answer(op, new Outcome.Failed("25P02", 0, "current transaction is aborted (" + how
              + "); commands ignored until end of transaction block: call rollback()", 0));
          return;
        }
        Txn t = open.get(e.txn());
        if (t == null && !e.begins()) {
          // Not its transaction's first statement, and the transaction is not open: it ended before (an
          // abort its session had not heard of yet, or a restart forgot why). Only a first statement opens one.
          answer(op, new Outcome.Failed("25P02", 0, "current transaction is aborted (it was rolled back); commands"
              + " ignored until end of transaction block: call rollback()", 0));
          return;
        }
        if (t == null) {
          t = new Txn(e.txn(), e, op.pos());
          t.replay = replayed.contains(t.id);
          open.put(t.id, t);
          if (!t.replay) {
            unfinished.put(op.pos(), t.id);
          }
        }
        if (t.blocked) {
          t.queued.add(op);
        } else {
          request(t, op);
        }
      }
      case COMMIT -> {
        Txn t = open.get(e.txn());
        if (t == null) {
          answer(op, endedAnswer(e));
        } else if (t.blocked) {
          t.queued.add(op);
        } else {
          end(t, op, true, null);
        }
      }
      case ROLLBACK -> {
        Txn t = open.get(e.txn());
        if (t != null) {
          end(t, op, false, "rolled back");
        } else {
          answer(op, new Outcome.Done(new long[0], null, null));
        }
      }
      case ABORT_OWNER -> {
        for (Txn t : new ArrayList<>(open.values())) {
          if (t.first.origin().equals(e.origin()) && t.first.incarnation() < e.incarnation()) {
            end(t, op, false, e.incarnation() == Long.MAX_VALUE ? "its node went silent" : "its node restarted");
          }
        }
        answer(op, new Outcome.Done(new long[0], null, null));
      }
      case HEARTBEAT -> answer(op, new Outcome.Done(new long[0], null, null));
      case CHECKPOINT -> checkpoint(op);
      case DIGEST -> {
        // A report is judged only from a durable position: the applier waits for it (one per checkpoint).
        confirmations.awaitConfirmed(op.pos().index(), DURABLE_WAIT);
        try {
          digests.logged(op.pos(), e.digestReport());
        } catch (dev.ordo.driver.wire.ProtocolException pe) {
          throw new IllegalStateException(replica + ": log entry " + op.pos() + ": " + pe.getMessage(), pe);
        }
        answer(op, new Outcome.Done(new long[0], null, null));
      }
      default -> throw new IllegalStateException("unknown entry kind " + e.kind());
    }
  }

  private Outcome endedAnswer(TxnEntry commit) {
    String how = ended.get(commit.txn());
    if (how == null) {
      return new Outcome.Done(new long[0], null, null); // nothing ran in it: it commits trivially
    }
    return new Outcome.Failed(how.startsWith("deadlock") ? SqlState.SERIALIZATION_FAILURE.code() : "25P02", 0,
        "the transaction was rolled back ("
        + how + "); nothing was committed", 0);
  }

  private void request(Txn t, Op op) throws ReplicaFault {
    if (changesCatalog(op.entry())) {
      t.ddl = true;
    }
    if (backend == Backend.POSTGRESQL && changesRole(op.entry())) {
      t.role = true;
    }
    switch (locks.request(t.id, lockSet(op.entry()), op)) {
      case GRANTED -> runGranted(op);
      case WAITING -> {
        t.blocked = true;
        t.waiting = op;
      }
      case DEADLOCK -> {
        // 40001, not PostgreSQL's 40P01: retry loops in the field (BenchBase, Spring's, ORMs') retry
        // serialization failures, and this verdict is one, taken identically on every replica.
        answer(op, new Outcome.Failed(SqlState.SERIALIZATION_FAILURE.code(), 0, "could not serialize "
            + "access due to a deadlock: this statement would wait for locks held by transactions that wait for "
            + "this one; the transaction was rolled back on every replica, retry it", 0));
        end(t, op, false, "deadlock victim");
      }
    }
  }

  /** Logical grant: note the locks, then schedule the work after what it must follow. */
  private void runGranted(Op op) throws ReplicaFault {
    TxnEntry e = op.entry();
    long grantedNanos = System.nanoTime();
    stages.record(Stages.Stage.LOCK_WAIT, grantedNanos - op.readNanos());
    Map<String, Mode> wanted = locks.grantedLocks(op);
    if (e.kind() == TxnEntry.Kind.CHECKPOINT) {
      hashTablesGranted(op, wanted);
      return;
    }
    if (e.kind() == TxnEntry.Kind.ONE_SHOT && replayed.contains(e.txnId())) {
      released.addAll(locks.release(e.txnId())); // ended before the restart: its effects are durable
      return;
    }
    if (e.kind() == TxnEntry.Kind.ONE_SHOT) {
      CompletableFuture<Void> after = order.after(wanted);
      boolean reloadCatalog = wanted.get(LockManager.GLOBAL) == Mode.X || changesCatalog(e);
      List<String> seqs = sequencesToSave(wanted);
      boolean gateFirst = mustWaitBeforeExecuting(e, wanted);
      CompletableFuture<Void> done = after.thenRunAsync(() -> guarded(op, () -> {
        stages.since(Stages.Stage.HANDOFF, grantedNanos);
        if (gateFirst) {
          awaitDurable(op);
        }
        runOneShot(op, seqs);
      }), threads);
      watermark.track(currentPosition.index(), done);
      inFlight.add(done);
      order.releasedWhen(wanted, done);
      released.addAll(locks.release(e.txnId()));
      if (reloadCatalog) {
        // Global-lock entries and DDL may change the catalog that later entries' locks are computed from.
        awaitAndReloadCatalog(done);
      }
      return;
    }
    Txn t = open.get(e.txn());
    if (t == null) {
      return;
    }
    t.blocked = false;
    t.waiting = null;
    Map<String, Mode> before = held.computeIfAbsent(t.id, k -> new HashMap<>());
    Map<String, Mode> fresh = new HashMap<>();
    wanted.forEach((r, m) -> {
      Mode had = before.get(r);
      if (had == null || !had.covers(m)) {
        Mode now = had == null ? m : had.join(m);
        fresh.put(r, now);
        before.put(r, now);
      }
    });
    if (!t.replay) {
      CompletableFuture<Void> after = order.after(fresh);
      boolean gateFirst = mustWaitBeforeExecuting(e, wanted);
      t.tail = CompletableFuture.allOf(t.tail, after).thenRunAsync(() -> guarded(op, () -> {
        if (gateFirst) {
          awaitDurable(op);
        }
        runStatement(t, op);
      }), threads);
      inFlight.add(t.tail);
    }
    // Later entries of this transaction that queued behind the blocked one.
    while (open.containsKey(t.id) && !t.blocked && !t.queued.isEmpty()) {
      Op next = t.queued.poll();
      if (next.entry().kind() == TxnEntry.Kind.COMMIT) {
        end(t, next, true, null);
      } else {
        request(t, next);
      }
    }
  }

  /** Ends {@code t} at {@code op}: commit, rollback or abort; its locks are released here, logically. */
  private void end(Txn t, Op op, boolean commit, String how) throws ReplicaFault {
    if (t.replay) {
      // Ended before the restart, at this same decision: its row and effects are durable.
      open.remove(t.id);
      ended.put(t.id, commit ? "committed" : how);
      t.waiting = null;
      t.queued.clear();
      held.remove(t.id);
      released.addAll(locks.release(t.id));
      return;
    }
    open.remove(t.id);
    expectEnd(op.pos());
    ended.put(t.id, commit ? "committed" : how);
    if (t.waiting != null && t.waiting != op) {
      // Its statement was waiting for locks: it will never run; say so rather than leave the client waiting.
      answer(t.waiting, new Outcome.Failed("25P02", 0, "the transaction was rolled back while this "
          + "statement waited for locks (" + how + "); retry the transaction", 0));
      t.waiting = null;
    }
    for (Op q : t.queued) {
      if (q.entry().kind() == TxnEntry.Kind.COMMIT) {
        answer(q, endedAnswer(q.entry()));
      }
    }
    t.queued.clear();
    boolean answersOp = op.entry().txn().equals(t.id) && op.entry().kind() != TxnEntry.Kind.STMT;
    Map<String, Mode> lockSet = held.remove(t.id);
    List<String> seqs = sequencesToSave(lockSet == null ? Map.of() : lockSet);
    t.tail = t.tail.thenRunAsync(() -> guarded(op, () -> finish(t, op, commit, how, answersOp, seqs)), threads);
    inFlight.add(t.tail);
    if (commit) {
      watermark.track(currentPosition.index(), t.tail);
    }
    if (lockSet != null) {
      order.releasedWhen(lockSet, t.tail);
    }
    released.addAll(locks.release(t.id));
    if (commit && backend.transactionalDdl()
        && (t.ddl || (lockSet != null && lockSet.get(LockManager.GLOBAL) == Mode.X))) {
      // It may have changed the schema (DDL inside a transaction): later entries must see the new catalog.
      awaitAndReloadCatalog(t.tail);
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
    return catalog.sequenceNames(lockSet.keySet(), false);
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
      throw new java.util.concurrent.CompletionException(f);
    }
    try {
      work.run();
    } catch (ReplicaFault e) {
      fault.compareAndSet(null, e);
      throw new java.util.concurrent.CompletionException(e);
    } catch (SQLException | RuntimeException | Error e) {
      ReplicaFault rf = new ReplicaFault("entry " + op.pos() + " (" + op.entry().kind() + " "
          + op.entry().txnId() + ") failed on replica " + replica + ": " + e, e);
      fault.compareAndSet(null, rf);
      throw new java.util.concurrent.CompletionException(rf);
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
        Outcome.Done done = EntryExecutor.run(c, e, e.timestampMicros(), zone, backend, analyzer, catalog);
        stages.since(Stages.Stage.EXECUTION, executing);
        awaitDurable(op); // nothing is committed on the backend before the entry is durable
        long bookkeeping = System.nanoTime();
        if (backend == Backend.POSTGRESQL && changesRole(e)) {
          roleBack(c); // Ordo's own rows are written with the replica's role
        }
        saveSequences(c, seqs);
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
        recordEnd(c, e.txnId(), op.pos(), low, Bookkeeping.FAILED, se.getSQLState(), seqs,
            Digests.end(e.txnId(), Bookkeeping.FAILED, se.getSQLState(), Digests.outcome(outcome)), op.pos());
      } catch (SQLException se) {
        c.rollback();
        if (!Bookkeeping.isDuplicateTxn(se)) {
          throw se;
        }
        outcome = Bookkeeping.recordedTxn(c, e.txnId());
      }
      if (backend == Backend.POSTGRESQL && changesRole(e)) {
        resetRole(c);
      }
      unfinished.remove(op.pos());
      endDone(op.pos());
      answer(op, outcome);
    }
  }

  private void runStatement(Txn t, Op op) throws SQLException {
    TxnEntry e = op.entry();
    if (t.failedState != null) {
      answer(op, new Outcome.Failed("25P02", 0, "current transaction is aborted (" + t.failedWhy
          + "); commands ignored until end of transaction block: call rollback()", 0));
      return;
    }
    if (t.conn == null) {
      openFor(t).setAutoCommit(false);
    }
    try {
      // Every statement of an interactive transaction sees its first entry's time.
      long executing = System.nanoTime();
      Outcome.Done done = EntryExecutor.run(t.conn, e, t.first.timestampMicros(), zone, backend, analyzer,
          catalog);
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

  private void finish(Txn t, Op op, boolean commit, String how, boolean answersOp, List<String> seqs)
      throws SQLException, ReplicaFault {
    awaitDurable(op); // its end, and every statement before it, is durable before anything is committed
    LogPosition low = lowWater(op.pos(), t.firstPos);
    Outcome outcome = new Outcome.Done(new long[0], null, null);
    try {
      if (commit && t.failedState == null) {
        if (t.conn == null) {
          openFor(t).setAutoCommit(false);
        }
        try {
          if (t.role) {
            roleBack(t.conn); // Ordo's own rows are written with the replica's role
          }
          long bookkeeping = System.nanoTime();
          saveSequences(t.conn, seqs);
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
        String code = commit || t.failedState != null || !"rolled back".equals(how)
            ? Bookkeeping.ABORTED : Bookkeeping.ROLLED_BACK;
        recordEnd(t.conn, t.id, op.pos(), low, code, t.failedState, seqs,
            Digests.end(t.id, code, t.failedState, t.outcomes), t.firstPos);
        if (commit) {
          outcome = new Outcome.Failed("25P02", 0, "the transaction was rolled back (" + t.failedWhy
              + "); nothing was committed", 0);
        }
      }
    } finally {
      try {
        if (t.role && t.conn != null) {
          resetRole(t.conn);
        }
      } finally {
        closeFor(t);
        unfinished.remove(t.firstPos);
        endDone(op.pos());
      }
    }
    if (answersOp) {
      answer(op, outcome);
    }
  }

  /**
   * Records a transaction that ended without committing its effects (in a
   * backend transaction of its own on {@code c}, autocommit off), with the
   * sequence values it moved: sequences do not roll back.
   */
  private void recordEnd(Connection c, String txnId, LogPosition pos, LogPosition low, String code,
      String sqlState, List<String> seqs, long outcomeHash, LogPosition first) throws SQLException {
    try {
      saveSequences(c, seqs);
      Bookkeeping.record(c, txnId, pos, low, code, null, sqlState, outcomeHash, first);
      c.commit();
    } catch (SQLException se) {
      c.rollback();
      if (!Bookkeeping.isDuplicateTxn(se)) {
        throw se;
      }
    }
  }

  private void saveSequences(Connection c, List<String> seqs) throws SQLException {
    if (seqs == null) {
      Bookkeeping.saveSequences(c, Bookkeeping.allSequences(c));
    } else {
      Bookkeeping.saveSequences(c, seqs);
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

  /** Logical: an end at {@code pos} was decided; a checkpoint after it waits until it is finished. */
  private void expectEnd(LogPosition pos) {
    endsLock.lock();
    try {
      pendingEnds.merge(pos, 1, Integer::sum);
    } finally {
      endsLock.unlock();
    }
  }

  /** Physical: the end at {@code pos} is finished on the backend (its bookkeeping row committed). */
  private void endDone(LogPosition pos) {
    endsLock.lock();
    try {
      pendingEnds.computeIfPresent(pos, (k, n) -> n == 1 ? null : n - 1);
      endsChanged.signalAll();
    } finally {
      endsLock.unlock();
    }
  }

  /** Waits until every end decided before {@code pos} is finished; false if the scheduler failed meanwhile. */
  private boolean awaitEndsBefore(LogPosition pos) throws InterruptedException {
    return awaitEnds(pos, Long.MAX_VALUE);
  }

  /** Waits up to {@code nanos} until every end decided at or before log index {@code index} is finished. */
  boolean awaitEndsThrough(long index, long nanos) throws InterruptedException {
    return awaitEnds(new LogPosition(index + 1, Integer.MIN_VALUE), nanos);
  }

  /** Waits up to {@code nanos} until no end before {@code pos} is pending; false on timeout or a fault. */
  private boolean awaitEnds(LogPosition pos, long nanos) throws InterruptedException {
    long start = System.nanoTime();
    endsLock.lock();
    try {
      while (!pendingEnds.headMap(pos).isEmpty()) {
        long left = nanos - (System.nanoTime() - start);
        if (fault.get() != null || left <= 0) {
          return false;
        }
        endsChanged.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200))); // a fault does not signal
      }
      return fault.get() == null;
    } finally {
      endsLock.unlock();
    }
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
      Map<String, Mode> set = new LinkedHashMap<>();
      java.util.SortedSet<String> names = catalog.userTables();
      names.forEach(t -> set.put(t, Mode.S));
      checkpointTables.put(op.pos(), new PendingTables(names, tables));
      Decision d = locks.request(checkpointId(op.pos()), set, op);
      if (d == Decision.GRANTED) {
        runGranted(op);
      } else if (d == Decision.DEADLOCK) {
        throw new IllegalStateException(replica + ": checkpoint " + op.pos() + " reported in a deadlock");
      }
    } else {
      tables.complete(null);
    }
    LogPosition pos = op.pos();
    checkpoints = checkpoints.thenRunAsync(() -> reportCheckpoint(pos, tables), threads)
        .exceptionally(err -> null); // a failed report is not retried: the next checkpoint reports again
    answer(op, new Outcome.Done(new long[0], null, null));
  }

  private record PendingTables(java.util.SortedSet<String> names, CompletableFuture<Long> hash) {}

  private final Map<LogPosition, PendingTables> checkpointTables = new HashMap<>();

  private static String checkpointId(LogPosition pos) {
    return "checkpoint@" + pos;
  }

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
    released.addAll(locks.release(checkpointId(op.pos())));
  }

  /** Physical, in log order: computes, records and reports the checkpoint at {@code pos}. */
  private void reportCheckpoint(LogPosition pos, CompletableFuture<Long> tables) {
    try {
      if (!awaitEndsBefore(pos)) {
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
        org.slf4j.LoggerFactory.getLogger(Scheduler.class).warn("{}: checkpoint {} not reported: {}", replica,
            pos, e.toString());
      }
    }
  }

  // ---- logical helpers ----

  private void awaitAndReloadCatalog(CompletableFuture<Void> ddl) throws ReplicaFault {
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
      catalog = Catalog.load(c, backend);
    } catch (SQLException se) {
      throw new ReplicaFault(replica + ": cannot reload the catalog: " + se, se);
    }
  }

  /**
   * Whether an entry changes its connection's role ({@code SET ROLE}, {@code RESET ROLE}). Replica
   * connections are pooled and shared by every session: a role must not outlive the transaction that set
   * it, or later entries would run with other privileges on some replicas than on others.
   */
  private static boolean changesRole(TxnEntry e) {
    for (TxnEntry.Statement s : e.statements()) {
      String first = Analyzer.firstKeywords(s.sql(), 2);
      if (first.equals("SET ROLE") || first.equals("RESET ROLE")) {
        return true;
      }
    }
    return false;
  }

  /** Back to the replica connection's own role, inside the current transaction. */
  private static void roleBack(Connection c) throws SQLException {
    try (java.sql.Statement st = c.createStatement()) {
      st.execute("RESET ROLE");
    }
  }

  private static void resetRole(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback(); // nothing is pending here: the transaction has ended
      c.setAutoCommit(true);
    }
    try (java.sql.Statement st = c.createStatement()) {
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
    return changesCatalog(e) || wanted.get(LockManager.GLOBAL) == Mode.X
        || (backend != Backend.POSTGRESQL && wanted.keySet().stream().anyMatch(r -> r.startsWith("SEQUENCE ")));
  }

  /** Whether an entry holds DDL: the catalog is reloaded after it, before the next entry's locks. */
  private static boolean changesCatalog(TxnEntry e) {
    for (TxnEntry.Statement s : e.statements()) {
      if (Analyzer.isDdl(s.sql())) {
        return true;
      }
    }
    return false;
  }

  /** The locks of an entry, against the catalog at its log position ({@link LockSets}). */
  private Map<String, Mode> lockSet(TxnEntry e) {
    return lockSets.of(e, catalog);
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
  private static final java.time.Duration DURABLE_WAIT = java.time.Duration.ofSeconds(30);

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
