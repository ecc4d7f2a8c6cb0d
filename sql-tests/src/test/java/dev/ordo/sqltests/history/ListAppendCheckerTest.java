package dev.ordo.sqltests.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** One small hand-written history per anomaly class, and valid histories that must pass. */
class ListAppendCheckerTest {

  private static String describe(CheckResult r) {
    StringBuilder out = new StringBuilder("verdict " + r.verdict());
    r.anomalies().values().forEach(a -> out.append("\n").append(a.type()).append(": ").append(a.example()));
    return out.toString();
  }

  private static CheckResult assertAnomalies(Hist h, String... expected) {
    CheckResult r = h.check();
    assertEquals(new TreeSet<>(Set.of(expected)), new TreeSet<>(r.anomalies().keySet()), () -> describe(r));
    assertEquals(CheckResult.Verdict.INVALID, r.verdict());
    return r;
  }

  private static void assertValid(Hist h) {
    CheckResult r = h.check();
    assertEquals(CheckResult.Verdict.VALID, r.verdict(), () -> describe(r));
  }

  @Test
  void g0WriteCycle() {
    // T1 and T2 interleave their appends: x = [1 2] puts T1 first, y = [1 2] puts T2 first.
    CheckResult r = assertAnomalies(new Hist()
        .invoke(0, "[[:append :x 1] [:append :y 2]]")
        .invoke(1, "[[:append :x 2] [:append :y 1]]")
        .ok(0, "[[:append :x 1] [:append :y 2]]")
        .ok(1, "[[:append :x 2] [:append :y 1]]")
        .txn(2, "[[:r :x [1 2]] [:r :y [1 2]]]"), "G0");
    String example = r.anomalies().get("G0").example();
    assertTrue(example.contains("T1 < T2 because T2 appended") && example.contains("(ww)"), example);
  }

  @Test
  void g1aAbortedRead() {
    assertAnomalies(new Hist()
        .invoke(0, "[[:append :x 1]]")
        .fail(0, "[[:append :x 1]]")
        .txn(1, "[[:r :x [1]]]"), "G1a");
  }

  @Test
  void g1bIntermediateRead() {
    // Reading T1's first of two appends to x is G1b, and also a G-single (wr one way, rw back).
    assertAnomalies(new Hist()
        .invoke(0, "[[:append :x 1] [:append :x 2]]")
        .invoke(1, "[[:r :x nil]]")
        .ok(0, "[[:append :x 1] [:append :x 2]]")
        .ok(1, "[[:r :x [1]]]")
        .txn(2, "[[:r :x [1 2]]]"), "G1b", "G-single");
  }

  @Test
  void g1cCircularInformationFlow() {
    CheckResult r = assertAnomalies(new Hist()
        .invoke(0, "[[:append :x 1] [:r :y nil]]")
        .invoke(1, "[[:append :y 1] [:r :x nil]]")
        .ok(0, "[[:append :x 1] [:r :y [1]]]")
        .ok(1, "[[:append :y 1] [:r :x [1]]]"), "G1c");
    String example = r.anomalies().get("G1c").example();
    assertTrue(example.contains("read [1] of key :y and T2 appended 1 (wr)")
        || example.contains("read [1] of key :x and T2 appended 1 (wr)"), example);
  }

  @Test
  void gSingleReadSkew() {
    CheckResult r = assertAnomalies(new Hist()
        .invoke(0, "[[:append :x 1] [:append :y 1]]")
        .invoke(1, "[[:r :x nil] [:r :y nil]]")
        .ok(0, "[[:append :x 1] [:append :y 1]]")
        .ok(1, "[[:r :x []] [:r :y [1]]]"), "G-single");
    String example = r.anomalies().get("G-single").example();
    assertTrue(example.contains("(rw)") && example.contains("(wr)"), example);
  }

  @Test
  void gNonadjacent() {
    // T1 -rw-> T2 -wr-> T3 -rw-> T4 -wr-> T1: two anti-dependencies, never adjacent.
    assertAnomalies(new Hist()
        .invoke(0, "[[:r :x nil] [:r :z nil]]")
        .invoke(1, "[[:append :x 1]]")
        .invoke(2, "[[:r :x nil] [:r :y nil]]")
        .invoke(3, "[[:append :y 1] [:append :z 1]]")
        .ok(0, "[[:r :x []] [:r :z [1]]]")
        .ok(1, "[[:append :x 1]]")
        .ok(2, "[[:r :x [1]] [:r :y []]]")
        .ok(3, "[[:append :y 1] [:append :z 1]]"), "G-nonadjacent");
  }

  @Test
  void g2ItemWriteSkew() {
    assertAnomalies(new Hist()
        .invoke(0, "[[:r :x nil] [:r :y nil] [:append :x 1]]")
        .invoke(1, "[[:r :x nil] [:r :y nil] [:append :y 1]]")
        .ok(0, "[[:r :x []] [:r :y []] [:append :x 1]]")
        .ok(1, "[[:r :x []] [:r :y []] [:append :y 1]]")
        .txn(2, "[[:r :x [1]] [:r :y [1]]]"), "G2-item");
  }

  @Test
  void internalInconsistency() {
    CheckResult r = assertAnomalies(new Hist()
        .txn(1, "[[:append :x 1]]")
        .txn(0, "[[:r :x [1]] [:append :x 2] [:r :x [1 3]]]"), "internal", "garbage-read");
    assertTrue(r.anomalies().get("internal").example().contains("should have read [1 2]"), describe(r));
    assertAnomalies(new Hist().txn(0, "[[:append :x 1] [:r :x []]]"), "internal");
  }

  @Test
  void futureRead() {
    assertAnomalies(new Hist().txn(0, "[[:r :x [1]] [:append :x 1]]"), "future-read");
  }

  @Test
  void manyStaleReadersOfManyUnobservedAppends() {
    // 20 appends nobody reads, then 20 reads of the empty list: 400 rw pairs, linked through hubs.
    Hist h = new Hist();
    for (int i = 1; i <= 20; i++) {
      h.txn(0, "[[:append :x " + i + "]]");
    }
    for (int i = 0; i < 20; i++) {
      h.txn(1, "[[:r :x []]]");
    }
    CheckResult r = assertAnomalies(h, "G-single-realtime");
    String example = r.anomalies().get("G-single-realtime").example();
    assertTrue(example.contains("T1 read [] of key :x and T2 appended") && example.contains("which no read observed"),
        example);
    Hist fine = new Hist();
    for (int i = 0; i < 20; i++) {
      fine.txn(1, "[[:r :x []]]");
    }
    for (int i = 1; i <= 20; i++) {
      fine.txn(0, "[[:append :x " + i + "]]");
    }
    assertValid(fine);
  }

  @Test
  void incompatibleOrder() {
    // All concurrent, so the only problem is that [1 2] and [2 1] cannot both be states of x.
    assertAnomalies(new Hist()
        .invoke(0, "[[:append :x 1]]")
        .invoke(1, "[[:append :x 2]]")
        .invoke(2, "[[:r :x nil]]")
        .invoke(3, "[[:r :x nil]]")
        .ok(0, "[[:append :x 1]]")
        .ok(1, "[[:append :x 2]]")
        .ok(2, "[[:r :x [1 2]]]")
        .ok(3, "[[:r :x [2 1]]]"), "incompatible-order");
  }

  @Test
  void duplicateElements() {
    assertAnomalies(new Hist()
        .txn(0, "[[:append :x 1]]")
        .txn(1, "[[:r :x [1 1]]]"), "duplicate-elements");
  }

  @Test
  void staleReadIsRealtimeOnly() {
    // T1 completed its append before T2 began, yet T2 saw the empty list: serializable, but not strictly.
    CheckResult r = assertAnomalies(new Hist()
        .txn(0, "[[:append :x 1]]")
        .txn(1, "[[:r :x []]]"), "G-single-realtime");
    String example = r.anomalies().get("G-single-realtime").example();
    assertTrue(example.contains("(realtime)") && example.contains("(rw)"), example);
  }

  @Test
  void staleReadWithinOneProcessIsAProcessAnomaly() {
    assertAnomalies(new Hist()
        .txn(0, "[[:append :x 1]]")
        .txn(0, "[[:r :x []]]"), "G-single-process");
  }

  @Test
  void lostUpdate() {
    assertAnomalies(new Hist()
        .invoke(0, "[[:r :x nil] [:append :x 1]]")
        .invoke(1, "[[:r :x nil] [:append :x 2]]")
        .ok(0, "[[:r :x []] [:append :x 1]]")
        .ok(1, "[[:r :x []] [:append :x 2]]")
        .txn(2, "[[:r :x [1 2]]]"), "lost-update", "G-single");
  }

  @Test
  void garbageRead() {
    assertAnomalies(new Hist().txn(0, "[[:r :x [7]]]"), "garbage-read");
  }

  @Test
  void serialHistoryIsValid() {
    assertValid(new Hist()
        .txn(0, "[[:append :x 1]]")
        .txn(1, "[[:r :x [1]] [:append :x 2] [:r :x [1 2]]]")
        .txn(0, "[[:r :x [1 2]] [:r :y nil] [:append :y 1]]")
        .txn(2, "[[:r :y [1]] [:r :x [1 2]]]"));
  }

  @Test
  void concurrentTransactionsMayTakeEffectInEitherOrder() {
    // T2 overlaps T1 and misses its append: fine, T2 serializes first.
    assertValid(new Hist()
        .invoke(0, "[[:append :x 1]]")
        .invoke(1, "[[:r :x nil] [:append :y 1]]")
        .ok(0, "[[:append :x 1]]")
        .ok(1, "[[:r :x []] [:append :y 1]]")
        .txn(2, "[[:r :x [1]] [:r :y [1]]]"));
  }

  @Test
  void failedTransactionsLeaveNoTrace() {
    assertValid(new Hist()
        .invoke(0, "[[:append :x 1]]")
        .fail(0, "[[:append :x 1]]")
        .txn(1, "[[:r :x nil]]")
        .txn(1, "[[:append :x 2]]")
        .txn(2, "[[:r :x [2]]]"));
  }

  @Test
  void crashedTransactionsMayOrMayNotHaveHappened() {
    // The :info append to x shows up later, even after a read that missed it (it has no end in real time);
    // the :info append to y never does; process 3 never completes at all; process 2's :info has no value.
    assertValid(new Hist()
        .invoke(0, "[[:append :x 1]]")
        .info(0, "[[:append :x 1]]")
        .invoke(5, "[[:append :y 5]]")
        .info(5, "[[:append :y 5]]")
        .invoke(3, "[[:append :z 1]]")
        .txn(1, "[[:r :x nil] [:r :z nil]]")
        .txn(1, "[[:r :x [1]] [:append :y 6]]")
        .invoke(2, "[[:append :x 2]]")
        .info(2, "nil")
        .txn(4, "[[:r :y [6]] [:r :x [1]]]"));
  }

  @Test
  void committedCrashedTransactionIsAtomic() {
    // Process 0's :info transaction took effect (x = [1] was read), so its append to y must be visible
    // wherever x = [1] was: y = [6] without 5 after reading x = [1] is a cycle.
    CheckResult r = new Hist()
        .invoke(0, "[[:append :x 1] [:append :y 5]]")
        .info(0, "[[:append :x 1] [:append :y 5]]")
        .txn(1, "[[:r :x [1]] [:append :y 6]]")
        .txn(4, "[[:r :y [6]]]")
        .check();
    assertEquals(CheckResult.Verdict.INVALID, r.verdict(), () -> describe(r));
  }

  @Test
  void historyWithoutOkTransactionsIsUndecided() {
    CheckResult r = new Hist().invoke(0, "[[:append :x 1]]").fail(0, "[[:append :x 1]]").check();
    assertEquals(CheckResult.Verdict.UNKNOWN, r.verdict());
  }

  @Test
  void malformedHistoriesAreRejected() {
    HistoryFormatException twice = assertThrows(HistoryFormatException.class,
        () -> new Hist().invoke(0, "[[:append :x 1]]").invoke(0, "[[:append :x 2]]").check());
    assertTrue(twice.getMessage().contains("before completing its previous invocation"), twice.getMessage());
    HistoryFormatException orphan = assertThrows(HistoryFormatException.class,
        () -> new Hist().ok(0, "[[:append :x 1]]").check());
    assertTrue(orphan.getMessage().contains("without an invocation"), orphan.getMessage());
    HistoryFormatException dup = assertThrows(HistoryFormatException.class,
        () -> new Hist().txn(0, "[[:append :x 1]]").txn(1, "[[:append :x 1]]").check());
    assertTrue(dup.getMessage().contains("appended to key :x twice"), dup.getMessage());
  }

  @Test
  void opsWrittenOutOfOrderAreOrderedByIndex() {
    Hist h = new Hist().txn(0, "[[:append :x 1]]").txn(1, "[[:r :x [1]]]");
    java.util.List<Op> ops = new java.util.ArrayList<>(h.ops());
    java.util.Collections.reverse(ops);
    assertTrue(ListAppendChecker.check(ops).valid());
  }

  @Test
  void syntheticHistoryOf20000TransactionsIsValidAndQuick() {
    long seed = 20_000L + System.nanoTime() % 1000;
    System.out.println("syntheticHistoryOf20000TransactionsIsValidAndQuick: seed " + seed);
    var ops = SyntheticHistory.generate(SyntheticHistory.Options.of(20_000, seed));
    long start = System.nanoTime();
    CheckResult r = ListAppendChecker.check(ops);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertEquals(CheckResult.Verdict.VALID, r.verdict(), () -> "seed " + seed + ": " + describe(r));
    assertEquals(20_000, r.txns());
    assertTrue(seconds < 10, "checking took " + seconds + " s");
  }
}
