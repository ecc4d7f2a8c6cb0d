package dev.ordo.proxy.replica;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The deterministic lock manager of one replica: multi-granularity locks on
 * tables and on keys of tables, granted strictly in the order requests arrive
 * (log order), all of a request's locks at once, held until the transaction
 * ends (strict two-phase locking). Fed only by the log, it makes the same
 * decisions on every replica.
 *
 * <p><b>Resources</b> are strings. A table (or sequence, or {@link #GLOBAL},
 * {@link #ADVISORY}) is its name; a key of a table is {@link #key(String, String)}:
 * the table's name, a NUL character and a canonical text of the key (built
 * alike on every replica). A key lock implies the matching intention lock on
 * its table, which {@link #request} adds itself: {@link Mode#IS} for a key
 * read ({@link Mode#S}), {@link Mode#IX} for a key write ({@link Mode#X}) or
 * a key read that may write next ({@link Mode#U}). A
 * whole-table S lock (a scan) thus waits for every key writer of the table and
 * a whole-table X lock for every key reader and writer, while key locks on
 * different keys of one table never conflict.
 *
 * <p><b>Modes</b> are the standard five and the update mode U, with the standard
 * compatibility matrix ({@link Mode#conflicts}; U is compatible with S and IS
 * only); a transaction that asks for a mode on a resource it already holds gets
 * the least mode that covers both ({@link Mode#join}: S and IX make SIX, S and U
 * make U), an upgrade.
 *
 * <p>A request is granted when every lock it asks for is compatible with the
 * locks other transactions hold and with every earlier request still waiting
 * (no overtaking). A request that cannot be granted waits; if waiting would
 * close a cycle in the wait-for graph (edges to holders and to conflicting
 * requests queued ahead, on keys and tables alike), it is refused as a deadlock
 * instead, and the requester is the victim. An upgrade of a lock the requester
 * already holds waits for the other holders only, never behind requests that
 * wait for it (they could not be granted before it anyway: that wait would be a
 * deadlock of the lock manager's own making). Pure code: no threads, no I/O.
 *
 * @param <O> what a request carries (the operation to run when granted)
 */
public final class LockManager<O> {

  /**
   * A lock mode: intention shared (IS), intention exclusive (IX), shared (S),
   * shared with intention exclusive (SIX), update (U) and exclusive (X).
   * Intention modes are taken on a table by transactions that lock keys of it.
   *
   * <p>U is taken on keys only, by a keyed read inside an interactive read-write
   * transaction, which may well update the row next: it is compatible with S
   * (and IS) but not with another U or with X, so of two read-write
   * transactions that read one key the second waits at the read, instead of
   * both holding S and deadlocking when both upgrade to X. It grants everything
   * S grants and more, so taking U where S would do never admits a schedule S
   * would not. Its table intention is IX, as for the X it usually becomes.
   */
  public enum Mode {
    IS, IX, S, SIX, U, X;

    /** Compatibility matrix, by ordinal: COMPATIBLE[a][b] iff a and b may be held together by two transactions. */
    private static final boolean[][] COMPATIBLE = {
        //        IS     IX     S      SIX    U      X
        /* IS */ {true, true, true, true, true, false},
        /* IX */ {true, true, false, false, false, false},
        /* S  */ {true, false, true, false, true, false},
        /* SIX */ {true, false, false, false, false, false},
        /* U  */ {true, false, true, false, false, false},
        /* X  */ {false, false, false, false, false, false},
    };

    /** Whether two transactions cannot hold this mode and {@code other} on one resource at once. */
    public boolean conflicts(Mode other) {
      return !COMPATIBLE[ordinal()][other.ordinal()];
    }

    /**
     * The least mode that grants what this mode and {@code other} grant (S and IX
     * join to SIX, S and U to U). U never meets IX or SIX in practice (U is for
     * keys, the intentions for tables); if it did, SIX is the least mode that
     * excludes everything either excludes.
     */
    public Mode join(Mode other) {
      if (this == other) {
        return this;
      }
      if (this == X || other == X) {
        return X;
      }
      if (this == U || other == U) {
        Mode rest = this == U ? other : this;
        return rest == IS || rest == S ? U : SIX;
      }
      if (this == SIX || other == SIX || (this == S && other == IX) || (this == IX && other == S)) {
        return SIX;
      }
      return this == IS ? other : this; // IS joins to the other mode; IX with IS is IX, S with IS is S
    }

    /** Whether holding this mode already grants {@code other}. */
    public boolean covers(Mode other) {
      return join(other) == this;
    }

    /** The intention mode a key lock of this mode implies on its table (IX for U: it is about to write). */
    Mode intention() {
      return this == IS || this == S ? IS : IX;
    }
  }

  /** The resource every request holds in S, and DDL or unknown statements in X. */
  public static final String GLOBAL = "*global*";

  /**
   * The resource PostgreSQL transaction-level advisory locks take in X, whatever
   * their key: a transaction takes backend advisory locks only while no other
   * transaction holds any.
   */
  public static final String ADVISORY = "*advisory*";

  /** Separates a table's name from the key text in a key resource. */
  private static final char KEY_SEPARATOR = '\u0000';

  /**
   * The resource of one key of {@code table}: {@code key} must be canonical (the
   * same text on every replica for keys the backend compares equal).
   */
  public static String key(String table, String key) {
    return table + KEY_SEPARATOR + key;
  }

  /** The table of a key resource, or null if {@code resource} is not a key. */
  public static String tableOf(String resource) {
    int i = resource.indexOf(KEY_SEPARATOR);
    return i < 0 ? null : resource.substring(0, i);
  }

  /** A resource as a person reads it: a key resource as {@code TABLE[key]}. */
  public static String describe(String resource) {
    String table = tableOf(resource);
    return table == null ? resource : table + "[" + resource.substring(table.length() + 1) + "]";
  }

  /** What {@link #request} decided. */
  public enum Decision { GRANTED, WAITING, DEADLOCK }

  private record Waiting<O>(String txn, Map<String, Mode> locks, O op) {}

  /** resource → (txn → mode held). */
  private final Map<String, Map<String, Mode>> held = new HashMap<>();
  /** txn → resources it holds. */
  private final Map<String, Set<String>> heldBy = new HashMap<>();
  private final Deque<Waiting<O>> waiting = new ArrayDeque<>();
  /** The locks each granted request got, until the caller collects them. */
  private final Map<O, Map<String, Mode>> grantedSets = new java.util.IdentityHashMap<>();

  /**
   * Asks for {@code locks} (resource → mode) on behalf of {@code txn}. Every
   * request also takes S on {@link #GLOBAL} unless it asks for X on it, and the
   * intention lock on the table of every key it asks for.
   */
  public Decision request(String txn, Map<String, Mode> locks, O op) {
    Map<String, Mode> all = withGlobal(locks);
    if (grantable(txn, all, null)) {
      grant(txn, all, op);
      return Decision.GRANTED;
    }
    Waiting<O> w = new Waiting<>(txn, all, op);
    if (closesCycle(w)) {
      return Decision.DEADLOCK;
    }
    waiting.addLast(w);
    return Decision.WAITING;
  }

  /**
   * Releases every lock of {@code txn} and drops its waiting request, then
   * grants waiting requests that have become grantable, in arrival order.
   *
   * @return the operations of the requests granted now, in the order to run them
   */
  public List<O> release(String txn) {
    Set<String> resources = heldBy.remove(txn);
    if (resources != null) {
      for (String r : resources) {
        Map<String, Mode> holders = held.get(r);
        holders.remove(txn);
        if (holders.isEmpty()) {
          held.remove(r);
        }
      }
    }
    waiting.removeIf(w -> w.txn().equals(txn));
    List<O> granted = new ArrayList<>();
    List<Waiting<O>> ahead = new ArrayList<>();
    for (Iterator<Waiting<O>> it = waiting.iterator(); it.hasNext(); ) {
      Waiting<O> w = it.next();
      if (grantable(w.txn(), w.locks(), ahead)) {
        it.remove();
        grant(w.txn(), w.locks(), w.op());
        granted.add(w.op());
      } else {
        ahead.add(w);
      }
    }
    return granted;
  }

  /** Whether {@code txn} holds any lock. */
  public boolean holdsLocks(String txn) {
    return heldBy.containsKey(txn);
  }

  /** Whether {@code txn} has a request waiting. */
  public boolean isWaiting(String txn) {
    return waiting.stream().anyMatch(w -> w.txn().equals(txn));
  }

  /** The operations still waiting, in arrival order. */
  public List<O> waitingOps() {
    return waiting.stream().map(Waiting::op).toList();
  }

  /** The request as it is queued: its locks, the intention locks their keys imply, and S on {@link #GLOBAL}. */
  private static Map<String, Mode> withGlobal(Map<String, Mode> locks) {
    Map<String, Mode> all = new LinkedHashMap<>(locks);
    for (Map.Entry<String, Mode> l : locks.entrySet()) {
      String table = tableOf(l.getKey());
      if (table != null) {
        all.merge(table, l.getValue().intention(), Mode::join);
      }
    }
    all.putIfAbsent(GLOBAL, Mode.S);
    return all;
  }

  /** Compatible with other transactions' held locks and, if given, with the requests ahead. */
  private boolean grantable(String txn, Map<String, Mode> locks, List<Waiting<O>> ahead) {
    return blockers(txn, locks, ahead != null ? ahead : waiting, null).isEmpty();
  }

  /**
   * The transactions that keep {@code txn} from getting {@code locks}: holders of
   * conflicting locks and, unless the lock is an upgrade of one {@code txn}
   * already holds, earlier conflicting requests still waiting (up to {@code stop}).
   * A lock already held in the same or a stronger mode is not asked for again.
   */
  private Set<String> blockers(String txn, Map<String, Mode> locks, Iterable<Waiting<O>> ahead, Waiting<O> stop) {
    Set<String> out = new HashSet<>();
    for (Map.Entry<String, Mode> l : locks.entrySet()) {
      Map<String, Mode> holders = held.get(l.getKey());
      Mode own = holders == null ? null : holders.get(txn);
      if (own != null && own.covers(l.getValue())) {
        continue;
      }
      Mode wanted = own == null ? l.getValue() : own.join(l.getValue());
      if (holders != null) {
        holders.forEach((t, m) -> {
          if (!t.equals(txn) && m.conflicts(wanted)) {
            out.add(t);
          }
        });
      }
      if (own != null) {
        continue; // an upgrade waits for the other holders only, never behind requests that wait for it
      }
      for (Waiting<O> a : ahead) {
        if (a == stop) {
          break;
        }
        Mode m = a.locks().get(l.getKey());
        if (!a.txn().equals(txn) && m != null && m.conflicts(l.getValue())) {
          out.add(a.txn());
        }
      }
    }
    return out;
  }

  /** The locks that the granted request carrying {@code op} got (once; null if unknown). */
  public Map<String, Mode> grantedLocks(O op) {
    return grantedSets.remove(op);
  }

  private void grant(String txn, Map<String, Mode> locks, O op) {
    grantedSets.put(op, locks);
    for (Map.Entry<String, Mode> l : locks.entrySet()) {
      held.computeIfAbsent(l.getKey(), k -> new HashMap<>())
          .merge(txn, l.getValue(), Mode::join);
      heldBy.computeIfAbsent(txn, k -> new HashSet<>()).add(l.getKey());
    }
  }

  /** The transactions a waiting request waits for. */
  private Set<String> waitsFor(Waiting<O> w, Iterable<Waiting<O>> queue) {
    return blockers(w.txn(), w.locks(), queue, w);
  }

  /** Whether queueing {@code w} at the end would close a cycle of waits through its transaction. */
  private boolean closesCycle(Waiting<O> w) {
    List<Waiting<O>> queue = new ArrayList<>(waiting);
    queue.add(w);
    Map<String, Waiting<O>> waitingOf = new HashMap<>();
    for (Waiting<O> q : queue) {
      waitingOf.put(q.txn(), q);
    }
    Deque<String> todo = new ArrayDeque<>(waitsFor(w, queue));
    Set<String> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      String t = todo.pop();
      if (t.equals(w.txn())) {
        return true;
      }
      if (!seen.add(t)) {
        continue;
      }
      Waiting<O> q = waitingOf.get(t);
      if (q != null) {
        todo.addAll(waitsFor(q, queue));
      }
    }
    return false;
  }
}
