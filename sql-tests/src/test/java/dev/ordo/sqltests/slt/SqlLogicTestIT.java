package dev.ordo.sqltests.slt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The curated sqllogictest subset ({@link SltFiles#CI}) through Ordo
 * ({@code jdbc:ordo://}, an in-JVM node with three replicas of the backend)
 * and on the backend directly: Ordo must pass exactly what the backend passes,
 * every record must do the same on both sides, and the replicas must stay
 * identical. On failure the message lists each differing record (file, line,
 * SQL, both results). {@code sql-tests/slt} runs the same comparison on any
 * part of the suite.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SqlLogicTestIT {
  /** Part of the subset's queries the backend alone must pass, so that an empty or broken run cannot pass. */
  private static final double BARE_PASS_FLOOR = 0.95;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.Kind.class)
  void ordoPassesExactlyWhatTheBackendPasses(Backend.Kind kind) throws Exception {
    Report report = new Report(kind.label());
    int queries = 0;
    for (String f : SltFiles.CI) {
      ParsedFile p = ParsedFile.load(f);
      queries += p.queries();
    }
    long t0 = System.nanoTime();
    SideBySide run;
    try {
      run = SideBySide.start(kind, dir, SideBySide.Sides.BOTH, 3, true);
    } catch (Exception e) {
      throw new AssertionError("the " + kind.label() + " backend and an Ordo node over it did not start: " + e, e);
    }
    StringBuilder table = new StringBuilder(report.header());
    try (run) {
      run.run(SltFiles.CI, new SideBySide.Listener() {
        @Override
        public void finished(SideBySide.FileResult result) {
          report.add(result);
          table.append(report.line(result));
        }
      });
    }
    table.append(report.totals());
    String details = report.details(200, 12);
    System.out.printf("sqllogictest on %s, %d files, %d queries kept, %.1f s%n%s%s", kind.label(),
        SltFiles.CI.size(), queries, (System.nanoTime() - t0) / 1e9, table, details);

    assertTrue(report.bare().passed() >= BARE_PASS_FLOOR * queries, kind.label() + " alone passed only "
        + report.bare().passed() + " of " + queries + " queries; the run is broken\n" + table);
    if (report.ordo().passed() != report.bare().passed() || !report.differences().isEmpty()
        || !report.problems().isEmpty()) {
      fail("Ordo passed " + report.ordo().passed() + " queries, " + kind.label() + " alone "
          + report.bare().passed() + "; " + report.differences().size() + " records differ, "
          + report.problems().size() + " problems:\n" + details + "\n" + table);
    }
    assertEquals(report.bare().failed(), report.ordo().failed(), "failed queries\n" + table);
  }
}
