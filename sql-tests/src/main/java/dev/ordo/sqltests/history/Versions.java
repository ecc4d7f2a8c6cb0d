package dev.ordo.sqltests.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-key indices over a list-append history: who appended each element,
 * which elements were appended by failed transactions or were not the last
 * append of their transaction, who observed each state, and the version order
 * inferred from reads (the longest list read, as Elle does: if the database
 * keeps one order of appends per key, every read is a prefix of it).
 */
final class Versions {
  /** What is known about one key. */
  static final class Key {
    final Object name;
    /** Element to the ok or info transaction that appended it. */
    final HashMap<Long, Integer> writer = new HashMap<>();
    /** Element to the failed transaction that appended it. */
    final HashMap<Long, Integer> failedWriter = new HashMap<>();
    /** Element to the transaction that appended it and later appended another element to this key. */
    final HashMap<Long, Integer> intermediate = new HashMap<>();
    /** Last element of a state to the transactions that read that state. */
    final HashMap<Long, IntList> readersOf = new HashMap<>();
    /** Transactions that read the empty list. */
    final IntList emptyReaders = new IntList(2);
    List<Long> longest = List.of();
    int longestReader = -1;
    /** The version order: distinct elements of the longest read. */
    long[] order = {};
    final HashMap<Long, Integer> position = new HashMap<>();
    int possibleAppends;
    long onlyAppend;
    /**
     * Length of the longest prefix of {@link #longest} free of duplicates and
     * of elements not appended by an ok or info transaction: reads that are
     * prefixes this long or shorter need no element-by-element checks.
     */
    int cleanPrefix;

    Key(Object name) {
      this.name = name;
    }

    /**
     * The element appended just before {@code element} in the version order,
     * or {@code null} if it was the first. An element that no read observed
     * comes after every observed one.
     */
    Long previous(long element) {
      Integer pos = position.get(element);
      int before = pos != null ? pos - 1 : order.length - 1;
      return before >= 0 ? order[before] : null;
    }

    /** The transactions that read the state ending with {@code last} ({@code null}: the empty state). */
    IntList readersOf(Long last) {
      return last == null ? emptyReaders : readersOf.get(last);
    }
  }

  final List<Txn> txns;
  private final Map<Object, Key> keys = new HashMap<>();
  private final List<Key> inOrder = new ArrayList<>();

  private Versions(List<Txn> txns) {
    this.txns = txns;
  }

  Key key(Object name) {
    return keys.get(name);
  }

  List<Key> keys() {
    return inOrder;
  }

  private Key keyOrNew(Object name) {
    Key k = keys.get(name);
    if (k == null) {
      k = new Key(name);
      keys.put(name, k);
      inOrder.add(k);
    }
    return k;
  }

  /**
   * Builds the indices.
   *
   * @throws HistoryFormatException if an element is appended to a key twice
   *     (list-append histories need unique elements, or reads are ambiguous)
   */
  static Versions of(List<Txn> txns) {
    Versions v = new Versions(txns);
    for (Txn t : txns) {
      v.indexAppends(t);
    }
    for (Txn t : txns) {
      for (MicroOp mop : t.mops()) {
        List<Long> seen = mop.f() == MicroOp.Fn.READ ? t.observed(mop) : null;
        if (seen == null) {
          continue;
        }
        Key k = v.keyOrNew(mop.key());
        if (seen.isEmpty()) {
          k.emptyReaders.add(t.id());
        } else {
          k.readersOf.computeIfAbsent(seen.get(seen.size() - 1), e -> new IntList(2)).add(t.id());
          if (seen.size() > k.longest.size()) {
            k.longest = seen;
            k.longestReader = t.id();
          }
        }
      }
    }
    for (Key k : v.inOrder) {
      if (!k.longest.isEmpty()) {
        k.order = new LinkedHashSet<>(k.longest).stream().mapToLong(Long::longValue).toArray();
      } else if (k.possibleAppends == 1) {
        k.order = new long[] {k.onlyAppend};
      }
      for (int i = 0; i < k.order.length; i++) {
        k.position.put(k.order[i], i);
      }
      Set<Long> seen = new HashSet<>();
      for (long e : k.longest) {
        if (!seen.add(e) || !k.writer.containsKey(e)) {
          break;
        }
        k.cleanPrefix++;
      }
    }
    return v;
  }

  private void indexAppends(Txn t) {
    Map<Object, Long> lastAppend = null;
    for (MicroOp mop : t.mops()) {
      if (mop.f() != MicroOp.Fn.APPEND) {
        continue;
      }
      Key k = keyOrNew(mop.key());
      long e = mop.element();
      Integer other = k.writer.containsKey(e) ? k.writer.get(e) : k.failedWriter.get(e);
      if (other != null) {
        throw new HistoryFormatException("element " + e + " is appended to key " + Edn.write(k.name)
            + " twice, by " + txns.get(other).op() + " and by " + t.op()
            + "; list-append histories need unique elements per key");
      }
      (t.possible() ? k.writer : k.failedWriter).put(e, t.id());
      if (t.possible()) {
        k.possibleAppends++;
        k.onlyAppend = e;
      }
      if (lastAppend == null) {
        lastAppend = new HashMap<>();
      }
      Long before = lastAppend.put(mop.key(), e);
      if (before != null) {
        k.intermediate.put(before, t.id());
      }
    }
  }
}
