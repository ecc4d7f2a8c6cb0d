package dev.ordo.sqltests.history;

import java.util.Arrays;

/**
 * A directed multigraph with labelled edges in compressed sparse row form,
 * and the two algorithms the cycle search needs: Tarjan's strongly connected
 * components (iterative, so deep graphs do not overflow the stack) and
 * breadth-first shortest paths. Both run over a <em>state graph</em>: each
 * node is split into {@code s} states, and a {@link Step} decides, per edge,
 * which state (if any) the edge leads to. With {@code s = 1} and a step that
 * filters by label this is just a subgraph; with {@code s = 2} it can remember
 * whether the previous edge was an anti-dependency.
 */
final class Digraph {
  /** Edge labels. */
  static final int WW = 0;
  static final int WR = 1;
  static final int RW = 2;
  static final int PROCESS = 3;
  static final int REALTIME = 4;
  /**
   * An edge out of a hub: a node that stands for no transaction but relays
   * the edge that entered it, so that n x m relations take n + m edges.
   */
  static final int HUB = 5;
  static final String[] LABELS = {"ww", "wr", "rw", "process", "realtime", "hub"};

  /** Decides where an edge leads from a state: the target state, or -1 if it may not be taken. */
  @FunctionalInterface
  interface Step {
    int next(int state, int edge);
  }

  final int nodes;
  /** Edges of node {@code v} are {@code off[v] .. off[v + 1] - 1}. */
  final int[] off;
  final int[] dst;
  final byte[] label;

  private Digraph(int nodes, int[] off, int[] dst, byte[] label) {
    this.nodes = nodes;
    this.off = off;
    this.dst = dst;
    this.label = label;
  }

  int edges() {
    return dst.length;
  }

  /** A step over single-state nodes that takes exactly the edges whose label is in {@code mask}. */
  Step only(int mask) {
    return (state, e) -> (mask & (1 << label[e])) != 0 ? dst[e] : -1;
  }

  /** Collects edges, then builds the graph with duplicate (target, label) pairs removed. */
  static final class Builder {
    private int nodes;
    private final IntList src = new IntList(1024);
    private final IntList dst = new IntList(1024);
    private final IntList label = new IntList(1024);

    Builder(int nodes) {
      this.nodes = nodes;
    }

    void link(int from, int to, int edgeLabel) {
      if (from != to) {
        src.add(from);
        dst.add(to);
        label.add(edgeLabel);
      }
    }

    int size() {
      return src.size();
    }

    /** Adds a node (a hub) and returns its id. */
    int addNode() {
      return nodes++;
    }

    int src(int i) {
      return src.get(i);
    }

    Digraph build() {
      int m = src.size();
      int[] count = new int[nodes + 1];
      for (int i = 0; i < m; i++) {
        count[src.get(i) + 1]++;
      }
      for (int v = 0; v < nodes; v++) {
        count[v + 1] += count[v];
      }
      long[] packed = new long[m];
      int[] fill = Arrays.copyOf(count, nodes);
      for (int i = 0; i < m; i++) {
        packed[fill[src.get(i)]++] = ((long) dst.get(i) << 3) | label.get(i);
      }
      int[] off = new int[nodes + 1];
      IntList outDst = new IntList(m);
      IntList outLabel = new IntList(m);
      for (int v = 0; v < nodes; v++) {
        Arrays.sort(packed, count[v], count[v + 1]);
        off[v] = outDst.size();
        for (int i = count[v]; i < count[v + 1]; i++) {
          if (i == count[v] || packed[i] != packed[i - 1]) {
            outDst.add((int) (packed[i] >>> 3));
            outLabel.add((int) (packed[i] & 7));
          }
        }
      }
      off[nodes] = outDst.size();
      int[] labels = outLabel.toArray();
      byte[] bytes = new byte[labels.length];
      for (int i = 0; i < labels.length; i++) {
        bytes[i] = (byte) labels[i];
      }
      return new Digraph(nodes, off, outDst.toArray(), bytes);
    }
  }

  /**
   * Returns the subgraph induced by {@code members} (global node ids), with
   * local ids {@code 0 .. members.length - 1} in the order given.
   *
   * @param local scratch array of size {@link #nodes}, all -1; restored on return
   */
  Digraph induced(int[] members, int[] local) {
    for (int i = 0; i < members.length; i++) {
      local[members[i]] = i;
    }
    int[] newOff = new int[members.length + 1];
    IntList newDst = new IntList();
    IntList newLabel = new IntList();
    for (int i = 0; i < members.length; i++) {
      newOff[i] = newDst.size();
      int v = members[i];
      for (int e = off[v]; e < off[v + 1]; e++) {
        int w = local[dst[e]];
        if (w >= 0) {
          newDst.add(w);
          newLabel.add(label[e]);
        }
      }
    }
    newOff[members.length] = newDst.size();
    for (int v : members) {
      local[v] = -1;
    }
    int[] labels = newLabel.toArray();
    byte[] bytes = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      bytes[i] = (byte) labels[i];
    }
    return new Digraph(members.length, newOff, newDst.toArray(), bytes);
  }

  /**
   * Tarjan's algorithm over the state graph with {@code s} states per node
   * (state {@code v * s + i} belongs to node {@code v}).
   *
   * @return the component of every state; components are numbered in reverse
   *     topological order, so if state a reaches state b then comp[a] >= comp[b]
   */
  int[] components(int s, Step step) {
    int n = nodes * s;
    int[] index = new int[n];
    Arrays.fill(index, -1);
    int[] low = new int[n];
    int[] comp = new int[n];
    Arrays.fill(comp, -1);
    int[] stack = new int[n];
    int[] callState = new int[n];
    int[] callEdge = new int[n];
    int sp = 0;
    int counter = 0;
    int comps = 0;
    for (int root = 0; root < n; root++) {
      if (index[root] >= 0) {
        continue;
      }
      int csp = 0;
      index[root] = low[root] = counter++;
      stack[sp++] = root;
      callState[csp] = root;
      callEdge[csp++] = off[root / s];
      while (csp > 0) {
        int v = callState[csp - 1];
        int e = callEdge[csp - 1];
        if (e < off[v / s + 1]) {
          callEdge[csp - 1] = e + 1;
          int w = step.next(v, e);
          if (w < 0) {
            continue;
          }
          if (index[w] < 0) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            callState[csp] = w;
            callEdge[csp++] = off[w / s];
          } else if (comp[w] < 0 && index[w] < low[v]) {
            low[v] = index[w];
          }
        } else {
          if (low[v] == index[v]) {
            int w;
            do {
              w = stack[--sp];
              comp[w] = comps;
            } while (w != v);
            comps++;
          }
          csp--;
          if (csp > 0) {
            int u = callState[csp - 1];
            if (low[v] < low[u]) {
              low[u] = low[v];
            }
          }
        }
      }
    }
    return comp;
  }

  /**
   * Reusable breadth-first search over a state graph, counting only steps into
   * nodes below {@code firstHub}: hubs cost nothing, so the shortest path is
   * the one through the fewest transactions (a 0-1 BFS, by levels).
   */
  static final class Search {
    private final Digraph g;
    private final int s;
    private final Step step;
    private final int firstHub;
    private final int[] parentEdge;
    private final int[] parentState;
    private final int[] seen;
    private final int[] dist;
    private IntList level = new IntList();
    private IntList nextLevel = new IntList();
    private int stamp;
    /** Edges examined so far, for callers that bound their work. */
    long work;

    Search(Digraph g, int s, Step step, int firstHub) {
      this.g = g;
      this.s = s;
      this.step = step;
      this.firstHub = firstHub;
      int n = g.nodes * s;
      parentEdge = new int[n];
      parentState = new int[n];
      seen = new int[n];
      dist = new int[n];
    }

    /**
     * Explores every state reachable from {@code from} (restricted to states
     * whose component is {@code onlyComp}, unless that is -1).
     */
    void explore(int from, int[] comp, int onlyComp) {
      stamp++;
      seen[from] = stamp;
      dist[from] = 0;
      parentEdge[from] = -1;
      level.truncate(0);
      nextLevel.truncate(0);
      level.add(from);
      for (int d = 0; level.size() > 0; d++) {
        for (int q = 0; q < level.size(); q++) {
          int v = level.get(q);
          if (dist[v] != d) {
            continue;
          }
          int node = v / s;
          for (int e = g.off[node]; e < g.off[node + 1]; e++) {
            work++;
            int w = step.next(v, e);
            if (w < 0 || (onlyComp >= 0 && comp[w] != onlyComp)) {
              continue;
            }
            int cost = w / s >= firstHub ? 0 : 1;
            if (seen[w] == stamp && dist[w] <= d + cost) {
              continue;
            }
            seen[w] = stamp;
            dist[w] = d + cost;
            parentEdge[w] = e;
            parentState[w] = v;
            (cost == 0 ? level : nextLevel).add(w);
          }
        }
        IntList done = level;
        level = nextLevel;
        nextLevel = done;
        nextLevel.truncate(0);
      }
    }

    boolean reached(int state) {
      return seen[state] == stamp;
    }

    /** The edges of the path found by the last {@link #explore} to {@code to}, in order. */
    int[] pathTo(int to) {
      IntList rev = new IntList();
      for (int v = to; parentEdge[v] >= 0; v = parentState[v]) {
        rev.add(parentEdge[v]);
      }
      int[] path = new int[rev.size()];
      for (int i = 0; i < path.length; i++) {
        path[i] = rev.get(path.length - 1 - i);
      }
      return path;
    }
  }
}
