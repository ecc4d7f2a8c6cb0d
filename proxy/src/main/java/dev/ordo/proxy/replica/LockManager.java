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
 * The deterministic lock manager of one replica: table-level shared (S) and
 * exclusive (X) locks, granted strictly in the order requests arrive (log
 * order), all of a request's locks at once, held until the transaction ends
 * (strict two-phase locking). Fed only by the log, it makes the same decisions
 * on every replica.
 *
 * <p>A request is granted when every lock it asks for is compatible with the
 * locks other transactions hold and with every earlier request still waiting
 * (no overtaking). A request that cannot be granted waits; if waiting would
 * close a cycle in the wait-for graph (edges to holders and to conflicting
 * requests queued ahead), it is refused as a deadlock instead, and the
 * requester is the victim. Pure code: no threads, no I/O.
 *
 * @param <O> what a request carries (the operation to run when granted)
 */
public final class LockManager<O> {

  /** A lock mode. */
  public enum Mode {
    S, X;

    boolean conflicts(Mode other) {
      return this == X || other == X;
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
   * request also takes S on {@link #GLOBAL} unless it asks for X on it.
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

  private static Map<String, Mode> withGlobal(Map<String, Mode> locks) {
    Map<String, Mode> all = new LinkedHashMap<>(locks);
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
      if (own == Mode.X || own == l.getValue()) {
        continue;
      }
      if (holders != null) {
        holders.forEach((t, m) -> {
          if (!t.equals(txn) && m.conflicts(l.getValue())) {
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
          .merge(txn, l.getValue(), (a, b) -> a == Mode.X || b == Mode.X ? Mode.X : Mode.S);
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
