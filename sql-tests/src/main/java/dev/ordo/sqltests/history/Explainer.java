package dev.ordo.sqltests.history;

import java.util.List;

/**
 * Renders transactions and dependency edges as text, finding the reason for
 * an edge again from the indices (edges themselves carry only a label, which
 * keeps large graphs small).
 */
final class Explainer {
  private final Versions versions;
  private final List<Txn> txns;

  Explainer(Versions versions) {
    this.versions = versions;
    this.txns = versions.txns;
  }

  static String list(List<Long> elements) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < elements.size(); i++) {
      out.append(i == 0 ? "" : " ").append(elements.get(i));
    }
    return out.append(']').toString();
  }

  static String key(Object k) {
    return Edn.write(k);
  }

  /** The op line of a transaction, with where it was invoked. */
  String txn(int id) {
    Txn t = txns.get(id);
    if (t.completion() == null) {
      return t.invoke() + " (invoked, never completed)";
    }
    return t.completion() + " (invoked at " + where(t.invoke(), t.invokedAt()) + ")";
  }

  private static String where(Op op, int position) {
    return op.index() >= 0 ? ":index " + op.index() : "position " + position;
  }

  /** Why {@code a} precedes {@code b} through an edge with this label, as one sentence. */
  String edge(String aName, int a, String bName, int b, int label) {
    String why = switch (label) {
      case Digraph.WW -> ww(aName, a, bName, b);
      case Digraph.WR -> wr(aName, a, bName, b);
      case Digraph.RW -> rw(aName, a, bName, b);
      case Digraph.PROCESS -> "process " + txns.get(a).process() + " ran " + aName + " and then " + bName;
      case Digraph.REALTIME -> realtime(aName, a, bName, b);
      default -> throw new IllegalArgumentException("label " + label);
    };
    return aName + " < " + bName + " because " + why + " (" + Digraph.LABELS[label] + ")";
  }

  private String ww(String aName, int a, String bName, int b) {
    for (MicroOp mop : txns.get(b).mops()) {
      if (mop.f() != MicroOp.Fn.APPEND) {
        continue;
      }
      Versions.Key k = versions.key(mop.key());
      Long prev = k.previous(mop.element());
      if (prev != null && Integer.valueOf(a).equals(k.writer.get(prev))) {
        String s = bName + " appended " + mop.element() + " to key " + key(k.name) + " after " + aName
            + " appended " + prev;
        return k.position.containsKey(mop.element()) ? s
            : s + " (" + mop.element() + " was never read, so it follows " + prev + ", the last element read)";
      }
    }
    return bName + " appended after " + aName + " to some key";
  }

  private String wr(String aName, int a, String bName, int b) {
    Txn reader = txns.get(b);
    for (MicroOp mop : reader.mops()) {
      List<Long> seen = mop.f() == MicroOp.Fn.READ ? reader.observed(mop) : null;
      if (seen == null || seen.isEmpty()) {
        continue;
      }
      Versions.Key k = versions.key(mop.key());
      long last = seen.get(seen.size() - 1);
      if (Integer.valueOf(a).equals(k.writer.get(last))) {
        return bName + " read " + list(seen) + " of key " + key(k.name) + " and " + aName + " appended " + last;
      }
    }
    return bName + " read what " + aName + " appended";
  }

  private String rw(String aName, int a, String bName, int b) {
    Txn reader = txns.get(a);
    for (MicroOp mop : txns.get(b).mops()) {
      if (mop.f() != MicroOp.Fn.APPEND) {
        continue;
      }
      Versions.Key k = versions.key(mop.key());
      Long prev = k.previous(mop.element());
      for (MicroOp r : reader.mops()) {
        List<Long> seen = r.f() == MicroOp.Fn.READ && r.key().equals(mop.key()) ? reader.observed(r) : null;
        if (seen == null || (prev == null ? !seen.isEmpty() : seen.isEmpty() || !prev.equals(seen.get(seen.size() - 1)))) {
          continue;
        }
        String s = aName + " read " + list(seen) + " of key " + key(k.name) + " and " + bName + " appended ";
        if (k.position.containsKey(mop.element())) {
          return s + (prev == null ? "the first element, " : "the next element, ") + mop.element();
        }
        return s + mop.element() + ", which no read observed, so it comes after the last element read"
            + (prev == null ? "" : ", " + prev);
      }
    }
    return aName + " read a state that " + bName + " overwrote";
  }

  private String realtime(String aName, int a, String bName, int b) {
    Txn ta = txns.get(a);
    Txn tb = txns.get(b);
    String s = aName + " completed (" + where(ta.completion(), ta.completedAt()) + ") before " + bName
        + " was invoked (" + where(tb.invoke(), tb.invokedAt()) + ")";
    if (ta.completion().time() >= 0 && tb.invoke().time() >= 0) {
      s += String.format(", %.6f s earlier", (tb.invoke().time() - ta.completion().time()) / 1e9);
    }
    return s;
  }
}
