package dev.ordo.proxy.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.replica.DivergenceMonitor.Found;
import dev.ordo.proxy.replica.DivergenceMonitor.Key;
import dev.ordo.proxy.replica.DivergenceMonitor.Verdict;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the reports at a checkpoint decide, and how repeated reports are told apart. */
class DivergenceMonitorTest {
  private static final String ENV = "H2 2.3.232, UTF-8, UTC";
  private static final Key R1 = new Key("n1", "r1");
  private static final Key R2 = new Key("n1", "r2");
  private static final Key R3 = new Key("n1", "r3");

  private static Map<Key, Found> reports(Object... keysAndFound) {
    Map<Key, Found> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndFound.length; i += 2) {
      out.put((Key) keysAndFound[i], (Found) keysAndFound[i + 1]);
    }
    return out;
  }

  private static Verdict judge(Map<Key, Found> reports) {
    return DivergenceMonitor.judge("281.0", reports, reports.keySet());
  }

  @Test
  void theSameDigestWithAndWithoutATableHashAgrees() {
    long digest = 0xf8cd7e40a9fb2746L;
    Verdict v = judge(reports(R1, new Found(digest, 0L, ENV), R2, new Found(digest, null, ENV),
        R3, new Found(digest, null, ENV)));
    assertEquals(Map.of(), v.minority(), "a missing table hash differs from nothing");
    assertNull(v.noMajority());

    v = judge(reports(R1, new Found(digest, 7L, ENV), R2, new Found(digest, 7L, ENV),
        R3, new Found(digest, null, ENV)));
    assertEquals(Map.of(), v.minority());
    assertNull(v.noMajority());
  }

  @Test
  void twoReportsWithTheSameDigestOneWithATableHashAgree() {
    Verdict v = judge(reports(R1, new Found(1L, 99L, ENV), R2, new Found(1L, null, ENV)));
    assertEquals(Map.of(), v.minority());
    assertNull(v.noMajority(), "nothing differs, so there is nothing to refuse writes over");
  }

  @Test
  void differingTableHashesFenceTheMinorityOfThoseThatHaveOne() {
    Verdict v = judge(reports(R1, new Found(1L, 10L, ENV), R2, new Found(1L, 11L, ENV),
        R3, new Found(1L, 10L, ENV)));
    assertEquals(Set.of(R2), v.minority().keySet());
    String why = v.minority().get(R2);
    assertTrue(why.contains("checkpoint 281.0") && why.contains("tables' hash")
        && why.contains("tables " + Digests.hex(11L)) && why.contains("[n1/r1, n1/r3]"), why);
    assertNull(v.noMajority());
  }

  @Test
  void aTableHashMinorityIsFencedEvenWhenSomeReportsHaveNone() {
    Map<Key, Found> all = reports(R1, new Found(1L, 10L, ENV), R2, new Found(1L, 11L, ENV),
        R3, new Found(1L, 10L, ENV), new Key("n2", "r1"), new Found(1L, null, ENV));
    Verdict v = judge(all);
    assertEquals(Set.of(R2), v.minority().keySet());
  }

  @Test
  void withFiveReplicasTwoAgainstOneDecidesNothingUntilAMajorityHasReported() {
    Key r4 = new Key("n2", "r1");
    Key r5 = new Key("n2", "r2");
    Set<Key> five = Set.of(R1, R2, R3, r4, r5);
    Map<Key, Found> some = reports(R1, new Found(1L, null, ENV), R2, new Found(1L, null, ENV),
        R3, new Found(2L, null, ENV));
    Verdict v = DivergenceMonitor.judge("281.0", some, five);
    assertEquals(Map.of(), v.minority(), "two of five are no majority: r3 may yet be on the larger side");
    assertNull(v.noMajority(), "two replicas have not reported yet");

    some.put(r4, new Found(2L, null, ENV));
    some.put(r5, new Found(2L, null, ENV));
    v = DivergenceMonitor.judge("281.0", some, five);
    assertEquals(Set.of(R1, R2), v.minority().keySet(), "three of five agree: the other two are the minority");
    assertNull(v.noMajority());
  }

  @Test
  void twoDifferingTableHashesAndNoThirdRefuseWrites() {
    Verdict v = judge(reports(R1, new Found(1L, 10L, ENV), R2, new Found(1L, 11L, ENV),
        R3, new Found(1L, null, ENV)));
    assertEquals(Map.of(), v.minority(), "no majority among the table hashes: nobody to fence");
    assertNotNull(v.noMajority());
    assertTrue(v.noMajority().contains("no majority") && v.noMajority().contains("tables' hash"), v.noMajority());
  }

  @Test
  void differingDigestsFenceTheMinority() {
    Verdict v = judge(reports(R1, new Found(1L, null, ENV), R2, new Found(2L, null, ENV),
        R3, new Found(1L, null, ENV)));
    assertEquals(Set.of(R2), v.minority().keySet());
    String why = v.minority().get(R2);
    assertTrue(why.contains("running digest") && why.contains(Digests.hex(2L)) && why.contains(Digests.hex(1L)),
        why);
  }

  @Test
  void aDifferentEnvironmentIsADifference() {
    Verdict v = judge(reports(R1, new Found(1L, null, ENV), R2, new Found(1L, null, "H2 2.3.232, UTF-8, CET"),
        R3, new Found(1L, null, ENV)));
    assertEquals(Set.of(R2), v.minority().keySet());
  }

  @Test
  void aDigestMinorityWithAMatchingTableHashIsStillFenced() {
    // r2's tables hash like the others', but its digest differs: the comparisons are made one by one.
    Verdict v = judge(reports(R1, new Found(1L, 10L, ENV), R2, new Found(2L, 10L, ENV),
        R3, new Found(1L, null, ENV)));
    assertEquals(Set.of(R2), v.minority().keySet());
  }

  @Test
  void twoReplicasThatDisagreeWithNoMajorityRefuseWrites() {
    Verdict v = judge(reports(R1, new Found(1L, null, ENV), R2, new Found(2L, null, ENV)));
    assertEquals(Map.of(), v.minority());
    assertNotNull(v.noMajority());
    assertTrue(v.noMajority().contains("no majority") && v.noMajority().contains("[n1/r1]")
        && v.noMajority().contains("[n1/r2]"), v.noMajority());
  }

  @Test
  void noMajorityWaitsUntilEveryKnownReplicaHasReported() {
    Map<Key, Found> two = reports(R1, new Found(1L, null, ENV), R2, new Found(2L, null, ENV));
    Verdict v = DivergenceMonitor.judge("5.0", two, Set.of(R1, R2, R3));
    assertEquals(Map.of(), v.minority());
    assertNull(v.noMajority(), "r3 may yet break the tie");
  }

  @Test
  void agreementDecidesNothing() {
    Verdict v = judge(reports(R1, new Found(1L, 3L, ENV), R2, new Found(1L, 3L, ENV), R3, new Found(1L, 3L, ENV)));
    assertEquals(Map.of(), v.minority());
    assertNull(v.noMajority());
  }

  // ---- the monitor itself, with no local replicas: repeats ----

  private final List<String> refused = new ArrayList<>();
  private final DivergenceMonitor monitor = new DivergenceMonitor("n1", List.of(), r -> {}, refused::add);

  private static TxnEntry.DigestReport report(String replica, long cp, long digest, Long tables) {
    return new TxnEntry.DigestReport("n1", replica, cp, 0, digest, tables, ENV);
  }

  @Test
  void theSameEntryReadByEveryLocalReplicaIsNoRepeat() {
    LogPosition at = new LogPosition(12, 0);
    for (int i = 0; i < 3; i++) {
      monitor.logged(at, report("r1", 10, 1L, null));
    }
    assertEquals(new CheckpointReports(0, 0, List.of()), monitor.reports());
  }

  @Test
  void aReReportThatSaysTheSameIsCountedAsARepeat() {
    monitor.logged(new LogPosition(12, 0), report("r1", 10, 1L, 5L));
    monitor.logged(new LogPosition(40, 1), report("r1", 10, 1L, 5L));
    monitor.logged(new LogPosition(40, 1), report("r1", 10, 1L, 5L)); // read by a second local replica
    assertEquals(new CheckpointReports(1, 0, List.of()), monitor.reports());
  }

  @Test
  void aReReportThatContradictsTheFirstIsCountedAndDescribed() {
    monitor.logged(new LogPosition(12, 0), report("r1", 10, 1L, null));
    monitor.logged(new LogPosition(40, 1), report("r1", 10, 2L, null));
    CheckpointReports seen = monitor.reports();
    assertEquals(1, seen.repeats());
    assertEquals(1, seen.conflictingRepeats());
    String what = seen.conflicts().get(0);
    assertTrue(what.contains("n1/r1") && what.contains("checkpoint 10.0") && what.contains(Digests.hex(1L))
        && what.contains(Digests.hex(2L)) && what.contains("12.0") && what.contains("40.1"), what);
  }

  @Test
  void aReReportWithATableHashTheFirstLackedContradictsIt() {
    // What a replica recorded without a table hash and read back as hash 0 (the same replica at the same
    // checkpoint either hashed its tables or did not).
    monitor.logged(new LogPosition(12, 0), report("r1", 10, 1L, null));
    monitor.logged(new LogPosition(40, 1), report("r1", 10, 1L, 0L));
    assertEquals(1, monitor.reports().conflictingRepeats());
    String what = monitor.reports().conflicts().get(0);
    assertTrue(what.contains("no table hash (log position 12.0)")
        && what.contains("tables " + Digests.hex(0L) + " (log position 40.1)")
        && what.contains("both in environment [" + ENV + "]"), what);
  }

  @Test
  void aRepeatIsNotCompared() {
    monitor.logged(new LogPosition(12, 0), report("r1", 10, 1L, null));
    monitor.logged(new LogPosition(12, 1), report("r2", 10, 1L, null));
    monitor.logged(new LogPosition(40, 0), report("r2", 10, 2L, null));
    assertEquals(List.of(), refused, "the first reports agree; a contradicting repeat refuses nothing");
    assertEquals(Map.of("n1/r1", "digest " + Digests.hex(1L) + ", environment [" + ENV + "]",
        "n1/r2", "digest " + Digests.hex(1L) + ", environment [" + ENV + "]"), monitor.snapshot().get("10.0"));
  }

  @Test
  void twoFirstReportsThatDisagreeRefuseWrites() {
    monitor.logged(new LogPosition(12, 0), report("r1", 10, 1L, null));
    monitor.logged(new LogPosition(12, 1), report("r2", 10, 2L, null));
    assertEquals(1, refused.size());
    assertTrue(refused.get(0).contains("no majority"), refused.get(0));
  }
}
