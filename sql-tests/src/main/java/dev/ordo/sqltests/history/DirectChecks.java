package dev.ordo.sqltests.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The anomalies visible without a dependency graph, following Elle's
 * list-append checker: aborted and intermediate reads (G1a, G1b), internal
 * inconsistency, future reads, duplicate elements, incompatible orders, lost
 * updates, and reads of elements nobody appended.
 */
final class DirectChecks {
  private final Versions versions;
  private final Explainer explain;
  private final Findings findings;

  private DirectChecks(Versions versions, Explainer explain, Findings findings) {
    this.versions = versions;
    this.explain = explain;
    this.findings = findings;
  }

  static void run(Versions versions, Explainer explain, Findings findings) {
    DirectChecks c = new DirectChecks(versions, explain, findings);
    for (Txn t : versions.txns) {
      if (!t.possible()) {
        continue;
      }
      for (MicroOp mop : t.mops()) {
        List<Long> seen = mop.f() == MicroOp.Fn.READ ? t.observed(mop) : null;
        if (seen != null && !seen.isEmpty()) {
          c.read(t, versions.key(mop.key()), seen);
        }
      }
      if (t.ok()) {
        c.internal(t);
        c.futureRead(t);
      }
    }
    c.lostUpdates();
  }

  private String what(Txn t, Versions.Key k, List<Long> seen) {
    return explain.txn(t.id()) + "\n    read " + Explainer.list(seen) + " of key " + Explainer.key(k.name);
  }

  private void read(Txn t, Versions.Key k, List<Long> seen) {
    List<Long> longest = k.longest;
    boolean prefix = seen.size() <= longest.size() && longest.subList(0, seen.size()).equals(seen);
    if (!prefix) {
      findings.add("incompatible-order", seen.size() + longest.size(), () -> what(t, k, seen)
          + ",\n    which is not a prefix of " + Explainer.list(longest) + ", read by\n    "
          + explain.txn(k.longestReader) + ";\n    no single order of appends to " + Explainer.key(k.name)
          + " explains both reads");
    }
    if (!prefix || seen.size() > k.cleanPrefix) {
      elements(t, k, seen);
    }
    if (!t.ok()) {
      return;
    }
    long last = seen.get(seen.size() - 1);
    Integer writer = k.intermediate.get(last);
    if (writer != null && writer != t.id()) {
      findings.add("G1b", seen.size(), () -> what(t, k, seen) + ", which ends with " + last
          + ", but the transaction that appended " + last + " appended again to " + Explainer.key(k.name)
          + " later:\n    " + explain.txn(writer) + "\n    (intermediate read)");
    }
  }

  /** The element-by-element checks, for the few reads that may fail them. */
  private void elements(Txn t, Versions.Key k, List<Long> seen) {
    Set<Long> distinct = new HashSet<>(seen);
    if (distinct.size() != seen.size()) {
      findings.add("duplicate-elements", seen.size(), () -> what(t, k, seen) + ", which holds "
          + duplicates(seen) + ": an element appended once appears twice");
    }
    for (long e : distinct) {
      if (!k.writer.containsKey(e) && !k.failedWriter.containsKey(e)) {
        findings.add("garbage-read", seen.size(), () -> what(t, k, seen) + ", but no operation appended " + e
            + " to " + Explainer.key(k.name));
      }
      Integer failed = k.failedWriter.get(e);
      if (failed != null && t.ok()) {
        findings.add("G1a", seen.size(), () -> what(t, k, seen) + ", but " + e + " was appended by a transaction that failed:\n    "
            + explain.txn(failed) + "\n    (aborted read)");
      }
    }
  }

  private static String duplicates(List<Long> seen) {
    Map<Long, Integer> counts = new HashMap<>();
    for (long e : seen) {
      counts.merge(e, 1, Integer::sum);
    }
    List<String> out = new ArrayList<>();
    counts.forEach((e, n) -> {
      if (n > 1) {
        out.add(e + " " + n + " times");
      }
    });
    return String.join(", ", out);
  }

  /**
   * Elle's internal-consistency check (Cerone et al.'s INT axiom): replays the
   * transaction, expecting each read to show the previous read of the key plus
   * the transaction's own appends since; if the key was not read before, only
   * the tail of own appends is known.
   */
  private void internal(Txn t) {
    Map<Object, List<Long>> known = new HashMap<>();
    Map<Object, Boolean> prefixUnknown = new HashMap<>();
    for (MicroOp mop : t.mops()) {
      Object key = mop.key();
      if (mop.f() == MicroOp.Fn.APPEND) {
        List<Long> s = known.computeIfAbsent(key, k -> {
          prefixUnknown.put(k, true);
          return new ArrayList<>();
        });
        s.add(mop.element());
        continue;
      }
      List<Long> seen = t.observed(mop);
      List<Long> expected = known.get(key);
      if (expected != null) {
        boolean partial = prefixUnknown.getOrDefault(key, false);
        boolean fine = partial
            ? seen.size() >= expected.size() && seen.subList(seen.size() - expected.size(), seen.size()).equals(expected)
            : seen.equals(expected);
        if (!fine) {
          String want = (partial ? "[... " : "[") + Explainer.list(expected).substring(1);
          findings.add("internal", seen.size(), () -> explain.txn(t.id()) + "\n    read " + Explainer.list(seen)
              + " of key " + Explainer.key(key) + " but, after its own earlier operations on "
              + Explainer.key(key) + ", should have read " + want);
          return;
        }
      }
      known.put(key, new ArrayList<>(seen));
      prefixUnknown.put(key, false);
    }
  }

  /** Elle's future read: a transaction reads an element that it appends only later. */
  private void futureRead(Txn t) {
    Map<Object, Set<Long>> read = new HashMap<>();
    for (MicroOp mop : t.mops()) {
      if (mop.f() == MicroOp.Fn.READ) {
        read.computeIfAbsent(mop.key(), k -> new HashSet<>()).addAll(t.observed(mop));
      } else if (read.getOrDefault(mop.key(), Set.of()).contains(mop.element())) {
        findings.add("future-read", t.mops().size(), () -> explain.txn(t.id()) + "\n    read " + mop.element()
            + " in key " + Explainer.key(mop.key()) + " before appending it");
        return;
      }
    }
  }

  /**
   * Elle's lost update: two committed transactions read the same state of a
   * key and both appended to it, so one of them did not see the other's update.
   */
  private void lostUpdates() {
    record State(Object key, int length, Long last) {}
    Map<State, List<Integer>> byState = new HashMap<>();
    for (Txn t : versions.txns) {
      if (!t.ok()) {
        continue;
      }
      Map<Object, List<Long>> firstRead = new HashMap<>();
      Set<Object> wrote = new HashSet<>();
      for (MicroOp mop : t.mops()) {
        if (mop.f() == MicroOp.Fn.READ) {
          firstRead.putIfAbsent(mop.key(), t.observed(mop));
        } else if (firstRead.containsKey(mop.key()) && wrote.add(mop.key())) {
          List<Long> s = firstRead.get(mop.key());
          State st = new State(mop.key(), s.size(), s.isEmpty() ? null : s.get(s.size() - 1));
          byState.computeIfAbsent(st, x -> new ArrayList<>(2)).add(t.id());
        }
      }
    }
    byState.forEach((st, ids) -> {
      if (ids.size() > 1) {
        findings.add("lost-update", ids.size(), () -> {
          StringBuilder out = new StringBuilder(ids.size() + " transactions read the same state of key "
              + Explainer.key(st.key()) + " (" + st.length() + " elements"
              + (st.last() == null ? "" : ", ending with " + st.last()) + ") and then appended to it:");
          for (int id : ids.subList(0, Math.min(ids.size(), 5))) {
            out.append("\n    ").append(explain.txn(id));
          }
          if (ids.size() > 5) {
            out.append("\n    ... and ").append(ids.size() - 5).append(" more");
          }
          return out.toString();
        });
      }
    });
  }
}
