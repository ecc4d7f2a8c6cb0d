package dev.ordo.sqltests.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and classifies dependency cycles, as Elle does: split the full graph
 * into strongly connected components, then search each component for the
 * strongest anomaly first. Data edges alone first (G0, G1c, G-single,
 * G-nonadjacent, G2-item), then with process edges, then with real-time edges
 * too. A class found at some level makes weaker classes at the same or a later
 * level redundant for that component.
 *
 * <p>Each search is linear in the component: G0, G1c and G2-item look for a
 * required edge (any, wr, rw) whose ends share a component of the allowed
 * subgraph, then close it with a shortest path. G-single checks, per rw edge
 * u → v, whether v reaches u without rw edges (grouped by component, with a
 * work budget). G-nonadjacent searches a doubled graph whose states remember
 * whether the last edge was rw, so no two rw edges can be adjacent. Because
 * each earlier search is complete, a cycle found at a later level must use
 * that level's edges.
 */
final class CycleSearch {
  static final String[] CLASSES = {"G0", "G1c", "G-single", "G-nonadjacent", "G2-item"};
  private static final String[] SUFFIXES = {"", "-process", "-realtime"};
  private static final int[] EXTRA = {0, 1 << Digraph.PROCESS, (1 << Digraph.PROCESS) | (1 << Digraph.REALTIME)};
  private static final int WW = 1 << Digraph.WW;
  private static final int WR = 1 << Digraph.WR;
  private static final int RW = 1 << Digraph.RW;
  private static final int HUB = 1 << Digraph.HUB;
  private static final int ALL = 63;
  /** Edges the G-single search may examine per component and level before giving up. */
  private static final long SINGLE_BUDGET = 50_000_000L;
  /** How many candidate edges to close into cycles, to pick a short one. */
  private static final int CANDIDATES = 4;

  /** A cycle: {@code nodes[i]} precedes {@code nodes[i + 1]} (cyclically) through an edge labelled {@code labels[i]}. */
  record Cycle(int[] nodes, int[] labels) {}

  private final Digraph g;
  /** Nodes from this id on are hubs, not transactions. */
  private final int txns;
  private final Explainer explain;
  private final Findings findings;
  private final int[] local;
  /** Number of non-trivial strongly connected components. */
  int components;

  private CycleSearch(Digraph g, int txns, Explainer explain, Findings findings) {
    this.g = g;
    this.txns = txns;
    this.explain = explain;
    this.findings = findings;
    this.local = new int[g.nodes];
    Arrays.fill(local, -1);
  }

  /**
   * Searches the whole graph, whose nodes {@code 0 .. txns - 1} are
   * transactions and the rest hubs; returns the number of non-trivial strongly
   * connected components.
   */
  static int run(Digraph g, int txns, Explainer explain, Findings findings) {
    CycleSearch s = new CycleSearch(g, txns, explain, findings);
    int[] comp = g.components(1, (state, e) -> g.dst[e]);
    int count = Arrays.stream(comp).max().orElse(-1) + 1;
    int[] size = new int[count + 1];
    for (int c : comp) {
      size[c + 1]++;
    }
    for (int c = 0; c < count; c++) {
      size[c + 1] += size[c];
    }
    int[] members = new int[g.nodes];
    int[] fill = Arrays.copyOf(size, count);
    for (int v = 0; v < g.nodes; v++) {
      members[fill[comp[v]]++] = v;
    }
    for (int c = 0; c < count; c++) {
      if (size[c + 1] - size[c] > 1) {
        s.components++;
        s.searchComponent(Arrays.copyOfRange(members, size[c], size[c + 1]));
      }
    }
    return s.components;
  }

  private void searchComponent(int[] members) {
    Digraph h = g.induced(members, local);
    // Members are in ascending id order, so hubs (ids >= txns) come last.
    int firstHub = 0;
    while (firstHub < members.length && members[firstHub] < txns) {
      firstHub++;
    }
    List<int[]> found = new ArrayList<>();
    for (int level = 0; level < EXTRA.length; level++) {
      for (int cls = 0; cls < CLASSES.length; cls++) {
        if (dominated(found, cls, level)) {
          continue;
        }
        int extra = EXTRA[level];
        Cycle c = switch (cls) {
          case 0 -> closeRequired(h, firstHub, WW | extra, WW | extra);
          case 1 -> closeRequired(h, firstHub, WW | WR | extra, WR);
          case 2 -> single(h, firstHub, WW | WR | extra);
          case 3 -> nonadjacent(h, firstHub, WW | WR | extra);
          default -> closeRequired(h, firstHub, WW | WR | RW | extra, RW);
        };
        if (c != null) {
          found.add(record(members, c));
        }
      }
    }
    if (found.isEmpty()) {
      record(members, closeRequired(h, firstHub, ALL, ALL));
    }
  }

  private static boolean dominated(List<int[]> found, int cls, int level) {
    for (int[] f : found) {
      if (f[0] <= cls && f[1] <= level) {
        return true;
      }
    }
    return false;
  }

  /** Classifies a cycle by its edges: {class index, level index}, or null if it has no data edge. */
  static int[] classify(int[] labels) {
    int[] count = new int[5];
    boolean adjacentRw = false;
    for (int i = 0; i < labels.length; i++) {
      count[labels[i]]++;
      adjacentRw |= labels[i] == Digraph.RW && labels[(i + 1) % labels.length] == Digraph.RW;
    }
    int rw = count[Digraph.RW];
    int cls = rw == 1 ? 2 : rw > 1 ? (adjacentRw ? 4 : 3) : count[Digraph.WR] > 0 ? 1 : count[Digraph.WW] > 0 ? 0 : -1;
    int level = count[Digraph.REALTIME] > 0 ? 2 : count[Digraph.PROCESS] > 0 ? 1 : 0;
    return cls < 0 ? null : new int[] {cls, level};
  }

  static String typeName(int[] classification) {
    return CLASSES[classification[0]] + SUFFIXES[classification[1]];
  }

  private int[] record(int[] members, Cycle local) {
    Cycle c = collapseHubs(members, local);
    int[] cls = classify(c.labels());
    String type = cls == null ? "cycle" : typeName(cls);
    findings.add(type, c.nodes().length, () -> render(c));
    return cls == null ? new int[] {0, 0} : cls;
  }

  /** Maps a cycle to global ids, replacing each path through hubs by the edge that entered the first hub. */
  private Cycle collapseHubs(int[] members, Cycle local) {
    int n = local.nodes().length;
    int start = 0;
    while (members[local.nodes()[start]] >= txns) {
      start++;
    }
    IntList nodes = new IntList(n);
    IntList labels = new IntList(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      int node = members[local.nodes()[i]];
      if (node < txns) {
        nodes.add(node);
        labels.add(local.labels()[i]);
      }
    }
    return new Cycle(nodes.toArray(), labels.toArray());
  }

  private String render(Cycle c) {
    int n = c.nodes().length;
    StringBuilder out = new StringBuilder("Let:");
    for (int i = 0; i < n; i++) {
      out.append("\n    T").append(i + 1).append(" = ").append(explain.txn(c.nodes()[i]));
    }
    out.append("\n  Then:");
    for (int i = 0; i < n; i++) {
      int j = (i + 1) % n;
      out.append("\n    ").append(explain.edge("T" + (i + 1), c.nodes()[i], "T" + (j + 1), c.nodes()[j], c.labels()[i]));
    }
    return out.append("\n  so T1 < T1: a cycle.").toString();
  }

  /** Builds a cycle from a first edge u → dst[e] and a path of edges from dst[e] back to u. */
  private static Cycle cycle(Digraph h, int u, int e, int[] path) {
    int[] nodes = new int[path.length + 1];
    int[] labels = new int[path.length + 1];
    nodes[0] = u;
    labels[0] = h.label[e];
    for (int i = 0; i < path.length; i++) {
      nodes[i + 1] = h.dst[i == 0 ? e : path[i - 1]];
      labels[i + 1] = h.label[path[i]];
    }
    return new Cycle(nodes, labels);
  }

  private static int txnCount(Cycle c, int firstHub) {
    return (int) Arrays.stream(c.nodes()).filter(v -> v < firstHub).count();
  }

  /** A shortish cycle through the allowed edges that uses at least one required edge, or null. */
  private static Cycle closeRequired(Digraph h, int firstHub, int allowed, int required) {
    Digraph.Step step = h.only(allowed | HUB);
    int[] comp = h.components(1, step);
    Digraph.Search bfs = new Digraph.Search(h, 1, step, firstHub);
    Cycle best = null;
    int tries = 0;
    for (int u = 0; u < h.nodes && tries < CANDIDATES; u++) {
      for (int e = h.off[u]; e < h.off[u + 1] && tries < CANDIDATES; e++) {
        int v = h.dst[e];
        if ((required & allowed & (1 << h.label[e])) == 0 || comp[u] != comp[v]) {
          continue;
        }
        tries++;
        bfs.explore(v, comp, comp[v]);
        Cycle c = cycle(h, u, e, bfs.pathTo(u));
        if (best == null || txnCount(c, firstHub) < txnCount(best, firstHub)) {
          best = c;
        }
      }
    }
    return best;
  }

  /** A cycle with exactly one rw edge and otherwise {@code others} edges, or null. */
  private static Cycle single(Digraph h, int firstHub, int others) {
    Digraph.Step step = h.only(others | HUB);
    int[] comp = h.components(1, step);
    Digraph.Search bfs = new Digraph.Search(h, 1, step, firstHub);
    // Candidates u -rw-> v where v may reach u (comp[v] >= comp[u]), grouped by comp[v] in order of appearance.
    Map<Integer, IntList> groups = new LinkedHashMap<>();
    for (int u = 0; u < h.nodes; u++) {
      for (int e = h.off[u]; e < h.off[u + 1]; e++) {
        int v = h.dst[e];
        if (h.label[e] != Digraph.RW || comp[v] < comp[u]) {
          continue;
        }
        if (comp[v] == comp[u]) {
          // Both ends in one component of the rw-free subgraph: v reaches u inside it.
          bfs.explore(v, comp, comp[u]);
          return cycle(h, u, e, bfs.pathTo(u));
        }
        IntList group = groups.computeIfAbsent(comp[v], c -> new IntList(2));
        group.add(u);
        group.add(e);
      }
    }
    for (IntList group : groups.values()) {
      if (bfs.work > SINGLE_BUDGET) {
        return null;
      }
      // Every candidate in the group targets the same component, so one search serves them all.
      bfs.explore(h.dst[group.get(1)], comp, -1);
      for (int j = 0; j < group.size(); j += 2) {
        int u = group.get(j);
        if (bfs.reached(u)) {
          int e = group.get(j + 1);
          bfs.explore(h.dst[e], comp, -1);
          return cycle(h, u, e, bfs.pathTo(u));
        }
      }
    }
    return null;
  }

  /** A cycle with two or more rw edges, no two adjacent, and otherwise {@code others} edges, or null. */
  private static Cycle nonadjacent(Digraph h, int firstHub, int others) {
    Digraph.Step step = (state, e) -> {
      int label = h.label[e];
      if (label == Digraph.HUB) {
        return h.dst[e] * 2 + (state & 1);
      }
      if ((others & (1 << label)) != 0) {
        return h.dst[e] * 2;
      }
      return label == Digraph.RW && (state & 1) == 0 ? h.dst[e] * 2 + 1 : -1;
    };
    int[] comp = h.components(2, step);
    Digraph.Search bfs = new Digraph.Search(h, 2, step, firstHub);
    int tries = 0;
    for (int u = 0; u < h.nodes && tries < 8 * CANDIDATES; u++) {
      for (int e = h.off[u]; e < h.off[u + 1] && tries < 8 * CANDIDATES; e++) {
        int to = h.dst[e] * 2 + 1;
        if (h.label[e] != Digraph.RW || comp[2 * u] != comp[to]) {
          continue;
        }
        tries++;
        bfs.explore(to, comp, comp[to]);
        Cycle c = cycle(h, u, e, bfs.pathTo(2 * u));
        if (Arrays.stream(c.nodes()).distinct().count() == c.nodes().length) {
          return c;
        }
      }
    }
    return null;
  }
}
