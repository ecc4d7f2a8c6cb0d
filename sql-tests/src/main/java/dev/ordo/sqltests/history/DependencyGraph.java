package dev.ordo.sqltests.history;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the dependency graph over transactions (nodes are {@link Txn#id()}s;
 * failed transactions stay unconnected), following Elle's list-append rules:
 *
 * <ul>
 *   <li>ww: T1 appended the element just before T2's element in the version order;</li>
 *   <li>wr: T2 read a list whose last element T1 appended;</li>
 *   <li>rw: T1 read the state just before T2's append (the empty list if T2 appended first);</li>
 * </ul>
 *
 * <p>where an append no read observed comes after the last element read. Every
 * reader of that last state then precedes every such append (but its own):
 * when that is many pairs, the rw edges go through two chains of hub nodes
 * (one over a prefix of the readers, one over a suffix) so they take
 * linear space; the cycle search reads a path through hubs as one rw edge. Then
 * process edges link consecutive transactions of a process, and real-time
 * edges link T1 to T2 when T1 completed ok before T2 was invoked. Real-time
 * edges are a transitive reduction computed in one pass with Elle's frontier:
 * the set of completed transactions not yet followed by a completion of a
 * transaction invoked after them. Each invocation links from the current
 * frontier; each completion removes from it what that transaction's
 * invocation linked from. A process has at most one transaction in the
 * frontier, so the edge count is at most transactions x processes.
 */
final class DependencyGraph {
  /** Up to this many reader x appender pairs are linked directly, without hubs. */
  static final int DIRECT_LIMIT = 256;

  private DependencyGraph() {}

  static Digraph build(Versions versions) {
    List<Txn> txns = versions.txns;
    Digraph.Builder g = new Digraph.Builder(txns.size());
    Map<Versions.Key, IntList> unobserved = new LinkedHashMap<>();
    for (Txn t : txns) {
      if (t.possible()) {
        dataEdges(versions, t, g, unobserved);
      }
    }
    unobserved.forEach((k, appenders) -> {
      IntList readers = k.readersOf(k.order.length == 0 ? null : k.order[k.order.length - 1]);
      if (readers != null) {
        linkAllButSelf(readers, appenders, g);
      }
    });
    processEdges(txns, g);
    realtimeEdges(txns, g);
    return g.build();
  }

  private static void dataEdges(Versions versions, Txn t, Digraph.Builder g, Map<Versions.Key, IntList> unobserved) {
    for (MicroOp mop : t.mops()) {
      Versions.Key k = versions.key(mop.key());
      if (mop.f() == MicroOp.Fn.APPEND) {
        Long prev = k.previous(mop.element());
        if (prev != null) {
          Integer writer = k.writer.get(prev);
          if (writer != null) {
            g.link(writer, t.id(), Digraph.WW);
          }
        }
        if (!k.position.containsKey(mop.element())) {
          IntList appenders = unobserved.computeIfAbsent(k, x -> new IntList(2));
          if (appenders.size() == 0 || appenders.get(appenders.size() - 1) != t.id()) {
            appenders.add(t.id());
          }
          continue;
        }
        IntList readers = k.readersOf(prev);
        for (int i = 0; readers != null && i < readers.size(); i++) {
          g.link(readers.get(i), t.id(), Digraph.RW);
        }
      } else {
        List<Long> seen = t.observed(mop);
        if (seen != null && !seen.isEmpty()) {
          Integer writer = k.writer.get(seen.get(seen.size() - 1));
          if (writer != null) {
            g.link(writer, t.id(), Digraph.WR);
          }
        }
      }
    }
  }

  /**
   * Links every reader to every appender other than itself with rw edges:
   * directly if that is few edges, else through hubs. Readers and appenders
   * are put in one order; prefix hub P_i is reached from the readers among the
   * first i, suffix hub S_i from those after i, and each appender is reached
   * from the prefix hub before it and the suffix hub after it.
   */
  private static void linkAllButSelf(IntList readers, IntList appenders, Digraph.Builder g) {
    if ((long) readers.size() * appenders.size() <= DIRECT_LIMIT) {
      for (int i = 0; i < readers.size(); i++) {
        for (int j = 0; j < appenders.size(); j++) {
          g.link(readers.get(i), appenders.get(j), Digraph.RW);
        }
      }
      return;
    }
    Map<Integer, Integer> slot = new HashMap<>();
    IntList members = new IntList();
    IntList roles = new IntList();
    for (int pass = 0; pass < 2; pass++) {
      IntList txns = pass == 0 ? readers : appenders;
      for (int i = 0; i < txns.size(); i++) {
        Integer at = slot.putIfAbsent(txns.get(i), members.size());
        if (at == null) {
          members.add(txns.get(i));
          roles.add(0);
          at = members.size() - 1;
        }
        roles.set(at, roles.get(at) | (1 << pass));
      }
    }
    for (int direction = 0; direction < 2; direction++) {
      int hub = -1;
      for (int n = 0; n < members.size(); n++) {
        int i = direction == 0 ? n : members.size() - 1 - n;
        if ((roles.get(i) & 2) != 0 && hub >= 0) {
          g.link(hub, members.get(i), Digraph.HUB);
        }
        if ((roles.get(i) & 1) != 0) {
          int next = g.addNode();
          if (hub >= 0) {
            g.link(hub, next, Digraph.HUB);
          }
          g.link(members.get(i), next, Digraph.RW);
          hub = next;
        }
      }
    }
  }

  /** Links each transaction to the next one its process invoked, when the first completed ok. */
  private static void processEdges(List<Txn> txns, Digraph.Builder g) {
    Map<Long, Txn> last = new HashMap<>();
    for (Txn t : txns) {
      if (!t.possible()) {
        continue;
      }
      Txn prev = last.put(t.process(), t);
      if (prev != null && prev.ok()) {
        g.link(prev.id(), t.id(), Digraph.PROCESS);
      }
    }
  }

  private static void realtimeEdges(List<Txn> txns, Digraph.Builder g) {
    int n = txns.size();
    // Events in history order: 2 * position (+1 marks a completion), so one sort orders them.
    long[] events = new long[2 * n];
    int m = 0;
    for (Txn t : txns) {
      if (!t.possible()) {
        continue;
      }
      events[m++] = ((long) t.invokedAt() << 32) | t.id();
      if (t.ok()) {
        events[m++] = ((long) t.completedAt() << 32) | (1L << 31) | t.id();
      }
    }
    java.util.Arrays.sort(events, 0, m);
    int[] linkedFrom = new int[n];
    int[] linkedTo = new int[n];
    boolean[] inFrontier = new boolean[n];
    IntList frontier = new IntList();
    for (int i = 0; i < m; i++) {
      int id = (int) (events[i] & 0x7fffffffL);
      if ((events[i] & (1L << 31)) == 0) {
        int kept = 0;
        linkedFrom[id] = g.size();
        for (int j = 0; j < frontier.size(); j++) {
          int f = frontier.get(j);
          if (inFrontier[f]) {
            frontier.set(kept++, f);
            g.link(f, id, Digraph.REALTIME);
          }
        }
        frontier.truncate(kept);
        linkedTo[id] = g.size();
      } else {
        for (int e = linkedFrom[id]; e < linkedTo[id]; e++) {
          inFrontier[g.src(e)] = false;
        }
        inFrontier[id] = true;
        frontier.add(id);
      }
    }
  }
}
