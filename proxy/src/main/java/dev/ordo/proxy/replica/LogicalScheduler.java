package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.proxy.replica.LockManager.Decision;
import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The logical layer of a replica's scheduler: fed entries in log order and a catalog value, it decides
 * everything that must come out alike on every replica: each entry's locks, when they are granted, which
 * transaction is a deadlock victim, where each transaction ends and its locks are released, which statements
 * are refused because their transaction has ended, and after which work the catalog must be reloaded before
 * the next entry's locks are computed. Its decisions go to {@link Actions}, synchronously and in order; it
 * has no threads and does no I/O (the physical layer, {@link Scheduler}, runs the work on the backend).
 *
 * <p>Rules. A one-shot entry's locks are released as soon as its work is scheduled (the physical layer orders
 * later conflicting work after it). A statement of an interactive transaction is granted or waits; while it
 * waits, later entries of its transaction queue behind it. A transaction ends at its {@code COMMIT} or {@code
 * ROLLBACK}, at an {@code ABORT_OWNER} for its node, or as a deadlock victim; its locks are released there and
 * whatever they blocked is granted, in request order. A statement of a transaction that ended is answered
 * 25P02. Transactions that ended on this replica before a restart ({@link #LogicalScheduler(LockSets, Catalog,
 * boolean, Set, Actions) replayed}) go through the same decisions, flagged so that nothing of them runs again.
 *
 * @param <W> the caller's handle for an entry at its position
 */
final class LogicalScheduler<W extends LogicalScheduler.Work> {

  /** An entry at its log position, as the caller knows it. */
  interface Work {
    TxnEntry entry();

    LogPosition pos();
  }

  /**
   * Work whose locks are granted: a one-shot entry, a statement of an interactive transaction, or a
   * checkpoint's table hash.
   *
   * @param locks every lock the work asked for
   * @param fresh the locks it holds now that its transaction did not hold before (all of {@code locks} for a
   *     one-shot entry or a checkpoint): later conflicting work must wait for this work to finish
   * @param replay its transaction ended before the restart: nothing of it runs again
   */
  record Grant<W>(W work, Map<String, Mode> locks, Map<String, Mode> fresh, boolean replay) {}

  /**
   * The end of an interactive transaction at {@code work}.
   *
   * @param how why it ended without committing ("rolled back", "deadlock victim", …); null for a commit
   * @param answersWork whether {@code work} is the transaction's own {@code COMMIT} or {@code ROLLBACK} (which the
   *     end answers); otherwise the end is another entry's decision (a deadlock, an {@code ABORT_OWNER})
   * @param held the locks the transaction held (null if it was never granted any)
   * @param changedRole it ran {@code SET ROLE}/{@code RESET ROLE}
   * @param replay it ended here before the restart: nothing runs
   */
  record End<W>(W work, String txn, boolean commit, String how, boolean answersWork, Map<String, Mode> held,
      boolean changedRole, boolean replay) {}

  /** Where decisions go, in the order they are made. */
  interface Actions<W> {
    /** A one-shot entry or a new interactive transaction was accepted (not a replayed one). */
    void opened(W work, String txnId);

    /** {@code grant} may run once the work it must follow has finished. */
    void run(Grant<W> grant) throws ReplicaFault;

    /** The transaction ends; its locks are released right after this call. */
    void end(End<W> end) throws ReplicaFault;

    /** {@code work} is answered with {@code outcome} without running anything (on this replica). */
    void answer(W work, Outcome outcome);

    /** The work just scheduled may change the catalog: returns the catalog once it has finished. */
    Catalog reloadCatalog(W after) throws ReplicaFault;
  }

  private static final int ENDED_MEMORY = 100_000;
  private static final Outcome NOTHING = new Outcome.Done(new long[0], null, null);

  /** Logical state of an open interactive transaction. */
  private final class Txn {
    final String id;
    /** Its first statement (whose origin and incarnation say which node it belongs to). */
    final TxnEntry first;
    final boolean replay;
    /** A request is waiting for locks; later entries queue behind it. */
    boolean blocked;
    /** It ran DDL: on a backend with transactional DDL the catalog is reloaded after its commit. */
    boolean ddl;
    /** It changed its connection's role. */
    boolean role;
    /** The entry whose request is waiting, if any. */
    W waiting;
    final Deque<W> queued = new ArrayDeque<>();

    Txn(TxnEntry first, boolean replay) {
      this.id = first.txn();
      this.first = first;
      this.replay = replay;
    }
  }

  private final LockSets lockSets;
  private final boolean transactionalDdl;
  private final Set<String> replayed;
  private final Actions<W> actions;
  private final LockManager<W> locks = new LockManager<>();
  private final Map<String, Txn> open = new LinkedHashMap<>();
  /** Locks each transaction holds, as granted. */
  private final Map<String, Map<String, Mode>> held = new HashMap<>();
  /** Recently ended interactive transactions and how they ended: a later statement of one is refused. */
  private final Map<String, String> ended = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > ENDED_MEMORY;
    }
  };
  /** Work granted by releases, not yet handed to {@link Actions#run}. */
  private final List<W> released = new ArrayList<>();
  private volatile Catalog catalog;

  /**
   * @param catalog the catalog at the position of the first entry to come
   * @param transactionalDdl the backend rolls DDL back with its transaction (PostgreSQL): the catalog is
   *     reloaded after a commit that ran DDL rather than after the DDL statement
   * @param replayed transactions (ids as {@link TxnEntry#txnId()}) that ended on this replica before it resumed
   */
  LogicalScheduler(LockSets lockSets, Catalog catalog, boolean transactionalDdl, Set<String> replayed,
      Actions<W> actions) {
    this.lockSets = lockSets;
    this.catalog = catalog;
    this.transactionalDdl = transactionalDdl;
    this.replayed = Set.copyOf(replayed);
    this.actions = actions;
  }

  /** The catalog as of the last entry processed (read by other threads). */
  Catalog catalog() {
    return catalog;
  }

  /** The locks of an entry against the current catalog ({@link LockSets}). */
  Map<String, Mode> lockSet(TxnEntry e) {
    return lockSets.of(e, catalog);
  }

  /** Whether a request of {@code txn} waits for locks. */
  boolean isWaiting(String txn) {
    return locks.isWaiting(txn);
  }

  /**
   * Whether {@code txn} is open here, idle (nothing of it waits or queues) and already holds every lock in
   * {@code wanted}: a read asking for {@code wanted} would be granted at once and change nothing.
   */
  boolean idleHolding(String txn, Map<String, Mode> wanted) {
    Txn t = open.get(txn);
    if (t == null || t.replay || t.blocked || t.waiting != null || !t.queued.isEmpty()) {
      return false;
    }
    Map<String, Mode> have = held.get(txn);
    if (have == null || wanted.isEmpty() || wanted.containsKey(LockManager.GLOBAL)) {
      return false;
    }
    for (Map.Entry<String, Mode> w : wanted.entrySet()) {
      Mode h = have.get(w.getKey());
      if (h == null || !h.covers(w.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Forgets every open transaction (the replica stops; a new scheduler resumes from the log). */
  void clear() {
    open.clear();
  }

  /**
   * Processes one entry of kind {@code ONE_SHOT}, {@code STMT}, {@code COMMIT}, {@code ROLLBACK}, {@code
   * ABORT_OWNER} or {@code CHECKPOINT} (its table-hash locks, when it asks for table hashes), then grants
   * whatever its decisions released.
   */
  void process(W work) throws ReplicaFault {
    dispatch(work);
    while (!released.isEmpty()) {
      List<W> granted = new ArrayList<>(released);
      released.clear();
      for (W w : granted) {
        grant(w);
      }
    }
  }

  private void dispatch(W work) throws ReplicaFault {
    TxnEntry e = work.entry();
    switch (e.kind()) {
      case ONE_SHOT -> {
        if (!replayed.contains(e.txnId())) {
          actions.opened(work, e.txnId());
        }
        grantOrWait(e.txnId(), lockSet(e), work);
      }
      case STMT -> statement(work, e);
      case COMMIT -> {
        Txn t = open.get(e.txn());
        if (t == null) {
          actions.answer(work, endedAnswer(e.txn()));
        } else if (t.blocked) {
          t.queued.add(work);
        } else {
          end(t, work, true, null);
        }
      }
      case ROLLBACK -> {
        Txn t = open.get(e.txn());
        if (t != null) {
          end(t, work, false, "rolled back");
        } else {
          actions.answer(work, NOTHING);
        }
      }
      case ABORT_OWNER -> {
        for (Txn t : new ArrayList<>(open.values())) {
          if (t.first.origin().equals(e.origin()) && t.first.incarnation() < e.incarnation()) {
            end(t, work, false, e.incarnation() == Long.MAX_VALUE ? "its node went silent" : "its node restarted");
          }
        }
        actions.answer(work, NOTHING);
      }
      case CHECKPOINT -> {
        if (e.hashesTables()) {
          Map<String, Mode> set = new LinkedHashMap<>();
          catalog.userTables().forEach(t -> set.put(t, Mode.S));
          grantOrWait(checkpointId(work.pos()), set, work);
        }
      }
      default -> throw new IllegalArgumentException("not a scheduling decision: " + e.kind());
    }
  }

  /**
   * Requests the locks of work that belongs to no interactive transaction (a one-shot entry, a checkpoint): it
   * is new, so nothing waits for it yet and it cannot close a cycle; a deadlock verdict would be a bug in the
   * lock manager, and the replica stops rather than drop the work.
   */
  private void grantOrWait(String owner, Map<String, Mode> set, W work) throws ReplicaFault {
    Decision d = locks.request(owner, set, work);
    if (d == Decision.GRANTED) {
      grant(work);
    } else if (d == Decision.DEADLOCK) {
      throw new IllegalStateException(owner + " at " + work.pos() + " reported in a deadlock");
    }
  }

  private void statement(W work, TxnEntry e) throws ReplicaFault {
    String how = ended.get(e.txn());
    if (how != null) {
      actions.answer(work, Outcome.inFailedTransaction(how));
      return;
    }
    Txn t = open.get(e.txn());
    if (t == null && !e.begins()) {
      // Not its transaction's first statement, and the transaction is not open: it ended before (an abort its
      // session had not heard of yet, or a restart forgot why). Only a first statement opens one.
      actions.answer(work, Outcome.inFailedTransaction("it was rolled back"));
      return;
    }
    if (t == null) {
      t = new Txn(e, replayed.contains(e.txn()));
      open.put(t.id, t);
      if (!t.replay) {
        actions.opened(work, t.id);
      }
    }
    if (t.blocked) {
      t.queued.add(work);
    } else {
      request(t, work);
    }
  }

  private Outcome endedAnswer(String txn) {
    String how = ended.get(txn);
    if (how == null) {
      return NOTHING; // nothing ran in it: it commits trivially
    }
    SqlState state = how.startsWith("deadlock") ? SqlState.SERIALIZATION_FAILURE : SqlState.IN_FAILED_SQL_TRANSACTION;
    return Outcome.rolledBack(state, how);
  }

  private void request(Txn t, W work) throws ReplicaFault {
    TxnEntry e = work.entry();
    if (changesCatalog(e)) {
      t.ddl = true;
    }
    if (changesRole(e)) {
      t.role = true;
    }
    switch (locks.request(t.id, lockSet(e), work)) {
      case GRANTED -> grant(work);
      case WAITING -> {
        t.blocked = true;
        t.waiting = work;
      }
      case DEADLOCK -> {
        // 40001, not PostgreSQL's 40P01: retry loops in the field (BenchBase, Spring's, ORMs') retry
        // serialization failures, and this verdict is one, taken identically on every replica.
        actions.answer(work, new Outcome.Failed(SqlState.SERIALIZATION_FAILURE.code(), 0, "could not serialize "
            + "access due to a deadlock: this statement would wait for locks held by transactions that wait for "
            + "this one; the transaction was rolled back on every replica, retry it", 0));
        end(t, work, false, "deadlock victim");
      }
    }
  }

  /** {@code work}'s locks are granted: hand it over, then what it releases or unblocks. */
  private void grant(W work) throws ReplicaFault {
    TxnEntry e = work.entry();
    Map<String, Mode> wanted = locks.grantedLocks(work);
    if (e.kind() == TxnEntry.Kind.CHECKPOINT) {
      actions.run(new Grant<>(work, wanted, wanted, false));
      released.addAll(locks.release(checkpointId(work.pos())));
      return;
    }
    if (e.kind() == TxnEntry.Kind.ONE_SHOT) {
      boolean replay = replayed.contains(e.txnId());
      actions.run(new Grant<>(work, wanted, wanted, replay));
      released.addAll(locks.release(e.txnId()));
      if (!replay && (wanted.get(LockManager.GLOBAL) == Mode.X || changesCatalog(e))) {
        // Global-lock entries and DDL may change the catalog that later entries' locks are computed from.
        catalog = actions.reloadCatalog(work);
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
    actions.run(new Grant<>(work, wanted, fresh, t.replay));
    // Later entries of this transaction that queued behind the blocked one.
    while (open.containsKey(t.id) && !t.blocked && !t.queued.isEmpty()) {
      W next = t.queued.poll();
      if (next.entry().kind() == TxnEntry.Kind.COMMIT) {
        end(t, next, true, null);
      } else {
        request(t, next);
      }
    }
  }

  /** Ends {@code t} at {@code work}: commit, rollback or abort; its locks are released here. */
  private void end(Txn t, W work, boolean commit, String how) throws ReplicaFault {
    open.remove(t.id);
    ended.put(t.id, commit ? "committed" : how);
    if (!t.replay && t.waiting != null && t.waiting != work) {
      // Its statement was waiting for locks: it will never run; say so rather than leave the client waiting.
      actions.answer(t.waiting, new Outcome.Failed(SqlState.IN_FAILED_SQL_TRANSACTION.code(), 0,
          "the transaction was rolled back while this "
          + "statement waited for locks (" + how + "); retry the transaction", 0));
    }
    t.waiting = null;
    if (!t.replay) {
      for (W queued : t.queued) {
        if (queued.entry().kind() == TxnEntry.Kind.COMMIT) {
          actions.answer(queued, endedAnswer(t.id));
        }
      }
    }
    t.queued.clear();
    boolean answersWork = work.entry().txn().equals(t.id) && work.entry().kind() != TxnEntry.Kind.STMT;
    Map<String, Mode> lockSet = held.remove(t.id);
    actions.end(new End<>(work, t.id, commit, how, answersWork, lockSet, t.role, t.replay));
    released.addAll(locks.release(t.id));
    if (!t.replay && commit && transactionalDdl
        && (t.ddl || (lockSet != null && lockSet.get(LockManager.GLOBAL) == Mode.X))) {
      // It may have changed the schema (DDL inside a transaction): later entries must see the new catalog.
      catalog = actions.reloadCatalog(work);
    }
  }

  static String checkpointId(LogPosition pos) {
    return "checkpoint@" + pos;
  }

  /** Whether an entry holds DDL: the catalog is reloaded after it, before the next entry's locks. */
  static boolean changesCatalog(TxnEntry e) {
    for (TxnEntry.Statement s : e.statements()) {
      if (Analyzer.isDdl(s.sql())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether an entry changes its connection's role ({@code SET ROLE}, {@code RESET ROLE}). Replica
   * connections are pooled and shared by every session: a role must not outlive the transaction that set
   * it, or later entries would run with other privileges on some replicas than on others.
   */
  static boolean changesRole(TxnEntry e) {
    for (TxnEntry.Statement s : e.statements()) {
      String first = Analyzer.firstKeywords(s.sql(), 2);
      if (first.equals("SET ROLE") || first.equals("RESET ROLE")) {
        return true;
      }
    }
    return false;
  }
}
