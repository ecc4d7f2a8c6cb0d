package dev.ordo.sqltests.slt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record-by-record comparison of two runs of a file. */
class SideBySideTest {
  private static Step query(int i, Step.Outcome o, String... values) {
    return new Step(i, 10 + i, true, "SELECT " + i, o, List.of(values), null, null);
  }

  private static Step statement(int i, Step.Outcome o, String state) {
    return new Step(i, 10 + i, false, "INSERT " + i, o, List.of(), state, state == null ? null : "boom");
  }

  private static FileRun run(String side, Step abortedBy, Step... steps) {
    return new FileRun("f.test", side, List.of(steps), 0, 0, 0, 0, 0, abortedBy, 0, List.of());
  }

  @Test
  void identicalRunsHaveNoDifferences() {
    Step[] steps = {statement(0, Step.Outcome.OK, null), query(1, Step.Outcome.PASSED, "1", "2"),
        query(2, Step.Outcome.ERROR)};
    assertTrue(SideBySide.compare(run("ordo", null, steps), run("h2", null, steps)).isEmpty());
  }

  @Test
  void aDifferentValueOutcomeOrSqlStateIsADifference() {
    FileRun ordo = run("ordo", null, query(0, Step.Outcome.PASSED, "1", "2"), query(1, Step.Outcome.FAILED, "3"),
        statement(2, Step.Outcome.ERROR, "08007"), query(3, Step.Outcome.PASSED, "x"));
    FileRun bare = run("h2", null, query(0, Step.Outcome.PASSED, "1", "3"), query(1, Step.Outcome.PASSED, "3"),
        statement(2, Step.Outcome.ERROR, "HYC00"), query(3, Step.Outcome.PASSED, "x"));
    List<Difference> d = SideBySide.compare(ordo, bare);
    assertEquals(List.of(0, 1, 2), d.stream().map(x -> x.ordo().index()).toList());
    String text = d.get(0).describe(5);
    assertTrue(text.startsWith("f.test:10 query"), text);
    assertTrue(text.contains("SELECT 0") && text.contains("1 2") && text.contains("1 3"), text);
    assertTrue(d.get(2).describe(5).contains("[08007]") && d.get(2).describe(5).contains("[HYC00]"));
  }

  @Test
  void recordsAfterOneSideAbandonedTheFileAreSummedUpOnce() {
    List<Step> o = new ArrayList<>();
    List<Step> b = new ArrayList<>();
    o.add(statement(0, Step.Outcome.ERROR, "42S02"));
    b.add(statement(0, Step.Outcome.OK, null));
    for (int i = 1; i < 5; i++) {
      o.add(query(i, Step.Outcome.NOT_RUN));
      b.add(query(i, Step.Outcome.PASSED, "1"));
    }
    List<Difference> d = SideBySide.compare(run("ordo", o.get(0), o.toArray(Step[]::new)),
        run("h2", null, b.toArray(Step[]::new)));
    assertEquals(2, d.size(), d.toString());
    assertTrue(d.get(1).note().contains("3 records after it ran on h2 only"), d.get(1).note());
  }
}
