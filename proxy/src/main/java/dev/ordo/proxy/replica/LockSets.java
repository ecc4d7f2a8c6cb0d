package dev.ordo.proxy.replica;

import dev.ordo.proxy.replica.LockManager.Mode;
import dev.ordo.proxy.sql.Analysis;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.sql.KeyLocks;
import dev.ordo.proxy.sql.TableKeys;
import dev.ordo.proxy.txn.TxnEntry;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The locks an entry asks for, computed on the replica from its statements,
 * their bound parameters and the replica's catalog at the entry's log position:
 * the same on every replica, and the same again when a replica that restarted
 * replays the entry. Pure code, no I/O.
 *
 * <p>A statement that pins keys ({@link KeyLocks}) locks those keys — S for
 * reads, X for writes and {@code FOR UPDATE} — and, through them, the intention
 * lock on its table (a read inside an interactive read-write transaction, a
 * {@link TxnEntry.Kind#STMT} entry, takes U instead of S: see
 * {@link LockManager.Mode}); a write so locked also reads its foreign-key parents (S on
 * each parent table), and an insert draws from its table's default sequences (X).
 * It takes no lock on foreign-key children: an insert has none, an update that
 * changes no unique column cannot reach them, and a delete from a table that has
 * children locks whole tables. Every other statement takes table locks: S on
 * tables read, X on tables written, with the foreign-key closure (parents S,
 * cascade children X, transitively) and the tables' default sequences X; DDL that
 * names what it changes takes X on those names; anything else the global X lock.
 */
final class LockSets {
  private final Analyzer analyzer;
  private final KeyLocks keys;

  LockSets(Analyzer analyzer) {
    this.analyzer = analyzer;
    this.keys = new KeyLocks(analyzer::parse);
  }

  /** The locks of entry {@code e} against {@code catalog} (resource → mode). */
  Map<String, Mode> of(TxnEntry e, Catalog catalog) {
    Map<String, Mode> set = new LinkedHashMap<>();
    for (TxnEntry.Statement s : e.statements()) {
      Analysis a = analyzer.analyze(s.sql());
      if (a.globalLock() || a.kind() == Analysis.Kind.REFUSED || a.kind() == Analysis.Kind.FORBIDDEN) {
        // A refused statement is answered with its refusal where it is applied (EntryExecutor); alone.
        return global();
      }
      if (Analyzer.isDdl(s.sql())) {
        // DDL that names everything it changes: X on those names, whether the objects exist yet or not.
        a.tablesWritten().forEach(t -> add(set, Catalog.qualify(t), Mode.X));
        // What it reads (a view's query, foreign-key parents) must not change under it: S.
        a.tablesRead().forEach(t -> add(set, Catalog.qualify(t), Mode.S));
        a.sequences().forEach(q -> add(set, Catalog.sequence(q), Mode.X));
        continue;
      }
      if (!addKeys(set, s, a, catalog, e.kind() == TxnEntry.Kind.STMT)) {
        for (String r : a.tablesRead()) {
          if (!addTable(set, Catalog.qualify(r), Mode.S, catalog, Map.of())) {
            return global();
          }
        }
        // An insert that leaves its key to the database locks its table, but the parent rows its foreign keys
        // check can still be locked one by one.
        Map<String, Set<String>> parentKeys = a.kind() == Analysis.Kind.WRITE && a.tablesWritten().size() == 1
            ? keys.parentKeys(s.sql(), s.params(), catalog, catalog) : null;
        for (String w : a.tablesWritten()) {
          if (!addTable(set, Catalog.qualify(w), Mode.X, catalog, parentKeys == null ? Map.of() : parentKeys)) {
            return global();
          }
        }
      }
      // Sequences hand out values in the order of their users: X keeps that order the same on every replica.
      for (String seq : a.sequences()) {
        add(set, Catalog.sequence(seq), Mode.X);
      }
      if (a.advisoryLock()) {
        add(set, LockManager.ADVISORY, Mode.X);
      }
    }
    return set;
  }

  private static Map<String, Mode> global() {
    Map<String, Mode> set = new LinkedHashMap<>();
    set.put(LockManager.GLOBAL, Mode.X);
    return set;
  }

  private static void add(Map<String, Mode> set, String resource, Mode mode) {
    set.merge(resource, mode, Mode::join);
  }

  /**
   * Adds the key locks of a statement that pins keys of a single base table and
   * returns true; returns false (nothing added) when it must lock tables. A read
   * in an interactive read-write transaction ({@code readWrite}) takes U, not S.
   */
  private boolean addKeys(Map<String, Mode> set, TxnEntry.Statement s, Analysis a, Catalog catalog,
      boolean readWrite) {
    if (a.kind() != Analysis.Kind.READ && a.kind() != Analysis.Kind.WRITE) {
      return false;
    }
    KeyLocks.Plan plan = keys.plan(s.sql(), s.params(), catalog, catalog);
    if (plan == null) {
      return false;
    }
    String table = Catalog.qualify(plan.table());
    if (!catalog.isBaseTable(table) || Catalog.isSystem(table) || !only(table, a.tablesRead())
        || !only(table, a.tablesWritten())) {
      return false;
    }
    boolean changes = plan.kind() != KeyLocks.Kind.SELECT;
    if (changes && catalog.hasTriggers(table)) {
      return false; // a trigger may reach anything
    }
    if (plan.kind() == KeyLocks.Kind.DELETE && !catalog.childrenOf(table).isEmpty()) {
      return false; // cascades and the children's foreign-key checks: whole tables
    }
    // A key read inside a read-write transaction takes U: the transaction may update the row next, and two
    // that both held S would deadlock when both upgrade to X; with U the second waits at the read instead.
    Mode mode = plan.write() ? Mode.X : readWrite ? Mode.U : Mode.S;
    add(set, table, mode.intention());
    for (String k : plan.keys()) {
      add(set, LockManager.key(table, k), mode);
    }
    if (plan.kind() == KeyLocks.Kind.INSERT) {
      addParents(set, table, catalog, keys.parentKeys(s.sql(), s.params(), catalog, catalog));
    } else if (plan.kind() == KeyLocks.Kind.UPDATE) {
      // Only an update that sets a referencing column checks the parent; it locks the parent table.
      TableKeys k = catalog.keys(table);
      for (String p : catalog.parentsOf(table)) {
        if (k == null || setsReference(k, p, plan.columnsSet()) || !references(k, p)) {
          add(set, p, Mode.S);
        }
      }
    }
    if (plan.kind() == KeyLocks.Kind.INSERT) {
      for (String seq : catalog.defaultSequencesOf(table)) {
        add(set, seq, Mode.X);
      }
    }
    return true;
  }

  /**
   * The foreign-key checks of an insert into {@code table}: S on the parent rows in {@code parentKeys} (and IS on
   * their tables), S on every other parent table. {@code parentKeys} null or without a parent: lock it whole.
   */
  private static void addParents(Map<String, Mode> set, String table, Catalog catalog,
      Map<String, Set<String>> parentKeys) {
    TableKeys k = catalog.keys(table);
    for (String p : catalog.parentsOf(table)) {
      Set<String> rows = parentKeys == null || k == null || !references(k, p) ? null : parentKeys.get(p);
      if (rows == null) {
        add(set, p, Mode.S);
        continue;
      }
      if (!rows.isEmpty()) {
        add(set, p, Mode.IS);
      }
      for (String row : rows) {
        add(set, LockManager.key(p, row), Mode.S);
      }
    }
  }

  /** Whether Ordo knows, column by column, a foreign key of {@code k}'s table that references {@code parent}. */
  private static boolean references(TableKeys k, String parent) {
    return k.foreignKeys().stream().anyMatch(fk -> fk.parent().equals(parent));
  }

  /** Whether {@code columnsSet} has a column of a foreign key of {@code k}'s table that references {@code parent}. */
  private static boolean setsReference(TableKeys k, String parent, Set<String> columnsSet) {
    return k.foreignKeys().stream()
        .anyMatch(fk -> fk.parent().equals(parent) && fk.columns().stream().anyMatch(columnsSet::contains));
  }

  private static boolean only(String table, Set<String> names) {
    for (String n : names) {
      if (!Catalog.qualify(n).equals(table)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds a table and what its foreign keys reach: a written table's parents are
   * read (S) and its children may change by cascade (X, transitively). A view,
   * a synonym, a system table or a table with triggers cannot be covered by
   * table locks: returns false and the caller takes the global lock. A name
   * that is no relation at all is locked as it is.
   */
  private static boolean addTable(Map<String, Mode> set, String table, Mode mode, Catalog catalog,
      Map<String, Set<String>> parentKeys) {
    if (Catalog.isSystem(table) || catalog.isOtherRelation(table)
        || (mode == Mode.X && catalog.hasTriggers(table))) {
      return false;
    }
    if (!catalog.isBaseTable(table)) {
      // No relation has this name at this point of the log, so the statement fails alike on every replica;
      // DDL that creates it later in the log locks the name and runs after it.
      add(set, table, mode);
      return true;
    }
    Deque<String> todo = new ArrayDeque<>();
    todo.add(table);
    Set<String> closed = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String t = todo.poll();
      Mode before = set.get(t);
      if (before != null && before.covers(mode) && (mode == Mode.S || closed.contains(t))) {
        continue;
      }
      add(set, t, mode);
      if (mode == Mode.X && closed.add(t)) {
        if (t.equals(table) && !parentKeys.isEmpty()) {
          addParents(set, t, catalog, parentKeys);
        } else {
          for (String p : catalog.parentsOf(t)) {
            add(set, p, Mode.S);
          }
        }
        for (String seq : catalog.defaultSequencesOf(t)) {
          add(set, seq, Mode.X);
        }
        todo.addAll(catalog.childrenOf(t));
      }
    }
    return true;
  }
}
