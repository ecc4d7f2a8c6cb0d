package dev.ordo.sqltests.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with the definition of strict serializability on many
 * random tiny histories: a history is strict serializable iff some order of
 * its ok transactions, plus any subset of its info transactions, respects real
 * time and, executed serially, reproduces every read. Histories are generated
 * from a random serial execution, then one read is often corrupted (shortened,
 * missing an element, showing a later element or a failed append), and the
 * timing is a random interleaving, so both verdicts are common.
 */
class BruteForceComparisonTest {
  private static final int HISTORIES = 4000;

  private record Generated(List<Op> ops, boolean strictSerializable) {}

  @Test
  void checkerAgreesWithBruteForce() {
    long seed = System.nanoTime() % 100_000;
    System.out.println("checkerAgreesWithBruteForce: seed " + seed);
    Random random = new Random(seed);
    int valid = 0;
    int invalid = 0;
    for (int i = 0; i < HISTORIES; i++) {
      Generated g = generate(random);
      CheckResult r = ListAppendChecker.check(g.ops());
      if (r.verdict() == CheckResult.Verdict.UNKNOWN) {
        continue;
      }
      boolean checker = r.valid();
      int n = i;
      assertEquals(g.strictSerializable(), checker, () -> "seed " + seed + ", history " + n + ":\n"
          + String.join("\n", g.ops().stream().map(Op::toString).toList()) + "\nanomalies: " + r.anomalies().values());
      if (checker) {
        valid++;
      } else {
        invalid++;
      }
    }
    assertTrue(valid > HISTORIES / 5 && invalid > HISTORIES / 5, "valid " + valid + ", invalid " + invalid);
  }

  private static Generated generate(Random random) {
    int n = 2 + random.nextInt(5);
    int keys = 1 + random.nextInt(3);
    long[] next = new long[keys];
    Op.Type[] type = new Op.Type[n];
    boolean[] happened = new boolean[n];
    List<List<MicroOp>> invoked = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int x = random.nextInt(10);
      type[i] = x < 7 ? Op.Type.OK : x < 8 ? Op.Type.FAIL : Op.Type.INFO;
      happened[i] = type[i] == Op.Type.OK || (type[i] == Op.Type.INFO && random.nextBoolean());
      List<MicroOp> txn = new ArrayList<>();
      for (int j = 1 + random.nextInt(3); j > 0; j--) {
        long k = random.nextInt(keys);
        txn.add(random.nextBoolean() ? MicroOp.append(k, ++next[(int) k]) : MicroOp.read(k));
      }
      invoked.add(txn);
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    Map<Long, List<Long>> state = new HashMap<>();
    List<List<MicroOp>> completed = new ArrayList<>(invoked);
    for (int i : order) {
      if (happened[i]) {
        completed.set(i, execute(invoked.get(i), state, null));
      }
    }
    int victim = random.nextInt(n);
    if (type[victim] == Op.Type.OK && random.nextInt(3) > 0) {
      completed.set(victim, corrupt(completed.get(victim), invoked, type, state, random));
    }
    List<Integer> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(i);
      events.add(i);
    }
    Collections.shuffle(events, random);
    List<Op> ops = new ArrayList<>();
    int[] invokedAt = new int[n];
    int[] completedAt = new int[n];
    boolean[] started = new boolean[n];
    for (int i : events) {
      if (!started[i]) {
        started[i] = true;
        invokedAt[i] = ops.size();
        ops.add(Op.txn(ops.size(), Op.Type.INVOKE, i, invoked.get(i), ops.size()));
      } else {
        completedAt[i] = type[i] == Op.Type.INFO ? Integer.MAX_VALUE : ops.size();
        ops.add(Op.txn(ops.size(), type[i], i, type[i] == Op.Type.OK ? completed.get(i) : invoked.get(i), ops.size()));
      }
    }
    return new Generated(ops, bruteForce(type, completed, invokedAt, completedAt));
  }

  /**
   * Runs a transaction against the state and returns it with its reads filled
   * in; if {@code matches} is given, clears {@code matches[0]} when a read differs.
   */
  private static List<MicroOp> execute(List<MicroOp> txn, Map<Long, List<Long>> state, boolean[] matches) {
    List<MicroOp> out = new ArrayList<>();
    for (MicroOp mop : txn) {
      List<Long> list = state.computeIfAbsent((Long) mop.key(), k -> new ArrayList<>());
      if (mop.f() == MicroOp.Fn.APPEND) {
        list.add(mop.element());
        out.add(mop);
      } else {
        if (matches != null && !list.equals(mop.elements() == null ? List.of() : mop.elements())) {
          matches[0] = false;
        }
        out.add(MicroOp.read(mop.key(), list));
      }
    }
    return out;
  }

  private static List<MicroOp> corrupt(List<MicroOp> txn, List<List<MicroOp>> invoked, Op.Type[] type,
      Map<Long, List<Long>> finalState, Random random) {
    List<MicroOp> out = new ArrayList<>(txn);
    for (int j = 0; j < out.size(); j++) {
      if (out.get(j).f() != MicroOp.Fn.READ) {
        continue;
      }
      long k = (Long) out.get(j).key();
      List<Long> e = new ArrayList<>(out.get(j).elements());
      List<Long> all = finalState.getOrDefault(k, List.of());
      switch (random.nextInt(4)) {
        case 0 -> e.remove(e.isEmpty() ? null : e.get(e.size() - 1));
        case 1 -> e.remove(e.isEmpty() ? null : e.get(random.nextInt(e.size())));
        case 2 -> e.addAll(all.size() > e.size() ? List.of(all.get(e.size())) : List.of());
        default -> {
          for (int t = 0; t < type.length; t++) {
            for (MicroOp m : invoked.get(t)) {
              if (type[t] == Op.Type.FAIL && m.f() == MicroOp.Fn.APPEND && m.key().equals(k)) {
                e.add(m.element());
              }
            }
          }
        }
      }
      out.set(j, MicroOp.read(k, e));
      return out;
    }
    return out;
  }

  /** Whether some real-time-respecting order of ok and some info transactions reproduces every ok read. */
  private static boolean bruteForce(Op.Type[] type, List<List<MicroOp>> txns, int[] invokedAt, int[] completedAt) {
    List<Integer> infos = new ArrayList<>();
    for (int i = 0; i < type.length; i++) {
      if (type[i] == Op.Type.INFO) {
        infos.add(i);
      }
    }
    for (int mask = 0; mask < 1 << infos.size(); mask++) {
      boolean[] in = new boolean[type.length];
      for (int i = 0; i < type.length; i++) {
        in[i] = type[i] == Op.Type.OK || (type[i] == Op.Type.INFO && (mask & (1 << infos.indexOf(i))) != 0);
      }
      if (search(new ArrayList<>(), in, type, txns, invokedAt, completedAt)) {
        return true;
      }
    }
    return false;
  }

  private static boolean search(List<Integer> prefix, boolean[] in, Op.Type[] type, List<List<MicroOp>> txns,
      int[] invokedAt, int[] completedAt) {
    boolean complete = true;
    for (int i = 0; i < in.length; i++) {
      if (!in[i] || prefix.contains(i)) {
        continue;
      }
      complete = false;
      boolean ready = true;
      for (int j = 0; j < in.length; j++) {
        ready &= !(in[j] && j != i && !prefix.contains(j) && completedAt[j] < invokedAt[i]);
      }
      if (ready) {
        prefix.add(i);
        if (search(prefix, in, type, txns, invokedAt, completedAt)) {
          return true;
        }
        prefix.remove(prefix.size() - 1);
      }
    }
    if (!complete) {
      return false;
    }
    Map<Long, List<Long>> state = new HashMap<>();
    boolean[] matches = {true};
    for (int i : prefix) {
      execute(txns.get(i), state, type[i] == Op.Type.OK ? matches : null);
    }
    return matches[0];
  }
}
