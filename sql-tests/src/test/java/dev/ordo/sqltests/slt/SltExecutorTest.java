package dev.ordo.sqltests.slt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.hydromatic.sqllogictest.SltTestFile;
import net.hydromatic.sqllogictest.TestStatistics;
import net.hydromatic.sqllogictest.executors.JdbcExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The executor against in-memory H2 databases: its verdicts are sqllogictest's, and it records every record. */
class SltExecutorTest {
  private static final AtomicInteger DBS = new AtomicInteger();

  @TempDir
  Path dir;

  private static Database freshH2() {
    return new Database("mem", "jdbc:h2:mem:slt" + DBS.incrementAndGet(), "sa", "");
  }

  /** sqllogictest's own loop over the same file (its JdbcExecutor, clean-up left out). */
  private static TestStatistics library(String file, Database db) throws Exception {
    var options = ParsedFile.quietOptions();
    SltTestFile f = new SltTestFile(SltFiles.resource(file));
    f.parse(options);
    // Its table clean-up lists H2's INFORMATION_SCHEMA tables as droppable; the database is new anyway.
    JdbcExecutor plain = new JdbcExecutor(options, db.url(), db.user(), db.password()) {
      @Override
      public void dropAllTables() {}

      @Override
      public void dropAllViews() {}
    };
    try {
      return plain.execute(f, options);
    } finally {
      if (!plain.getConnection().isClosed()) {
        plain.getConnection().close(); // it returns without closing when a statement abandons the file
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"evidence/in1.test", "evidence/slt_lang_update.test", "select1.test"})
  void countsAreTheLibrarysOwn(String file) throws Exception {
    TestStatistics expected = library(file, freshH2());
    FileRun run = new SltExecutor(freshH2(), null).run(ParsedFile.load(file), "h2", null);
    assertEquals(expected.getPassedTestCount(), run.passed(), "passed");
    assertEquals(expected.getFailedTestCount(), run.failed(), "failed");
    assertTrue(run.passed() > 0, "something ran");
    assertEquals(file.contains("update"), run.abortedBy() != null, "abandoned: " + run.abortedBy());
  }

  private static final String SAMPLE = """
      statement ok
      CREATE TABLE t(a INTEGER, b VARCHAR(10))

      statement ok
      INSERT INTO t VALUES(1,'x'),(2,'y')

      query IT rowsort
      SELECT a, b FROM t
      ----
      1
      x
      2
      y

      query I nosort
      SELECT a FROM t ORDER BY a
      ----
      1
      3

      skipif postgresql
      query I nosort
      SELECT 42
      ----
      42

      statement error
      SELECT * FROM nowhere

      statement error
      INSERT INTO t VALUES(3,'z')

      statement ok
      INSERT INTO nowhere VALUES(1)

      query I nosort
      SELECT 1
      ----
      1

      halt

      query I nosort
      SELECT 2
      ----
      2
      """;

  @Test
  void everyRecordIsRecordedWithItsLineAndOutcome() throws Exception {
    Files.createDirectories(dir.resolve("test"));
    Files.writeString(dir.resolve("test").resolve("sample.test"), SAMPLE);
    Thread t = Thread.currentThread();
    ClassLoader old = t.getContextClassLoader();
    FileRun run;
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, old)) {
      t.setContextClassLoader(cl);
      run = new SltExecutor(freshH2(), null).run(ParsedFile.load("sample.test"), "h2", null);
    } finally {
      t.setContextClassLoader(old);
    }
    List<Step> s = run.steps();
    assertEquals(List.of(1, 4, 7, 15, 27, 30, 33, 36), s.stream().map(Step::line).toList());
    assertEquals(List.of(Step.Outcome.OK, Step.Outcome.OK, Step.Outcome.PASSED, Step.Outcome.FAILED,
        Step.Outcome.ERROR, Step.Outcome.OK, Step.Outcome.ERROR, Step.Outcome.NOT_RUN),
        s.stream().map(Step::outcome).toList());
    assertEquals(List.of("1", "x", "2", "y"), s.get(2).values());
    assertEquals(List.of("1", "2"), s.get(3).values());
    assertNotNull(s.get(3).message(), "sqllogictest's reason");
    assertNull(s.get(3).sqlState());
    assertEquals("42S02", s.get(4).sqlState(), "the expected error is kept: " + s.get(4));
    assertEquals(s.get(6), run.abortedBy());
    assertEquals(1, run.passed());
    assertEquals(1, run.failed());
    assertEquals(1, run.notRun());
    assertEquals(2, run.excluded(), "skipif postgresql, and after halt");
    assertEquals(3, run.skipped());
  }

  @Test
  void theStatusSupplierStopsTheFile() throws Exception {
    FileRun run = new SltExecutor(freshH2(), null).run(ParsedFile.load("evidence/in1.test"), "h2",
        () -> "the database is gone");
    assertEquals(0, run.passed());
    assertNotNull(run.abortedBy());
    assertTrue(run.abortedBy().message().contains("the database is gone"), run.abortedBy().message());
    assertTrue(run.steps().stream().allMatch(x -> x.outcome() == Step.Outcome.NOT_RUN));
  }
}
