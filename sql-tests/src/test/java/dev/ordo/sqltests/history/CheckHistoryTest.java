package dev.ordo.sqltests.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's output and exit status. */
class CheckHistoryTest {
  @TempDir
  Path dir;

  private record Run(int status, String out, String err) {}

  private Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = CheckHistory.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path file(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void validHistoryExitsZero() throws IOException {
    Path f = dir.resolve("valid.edn.gz");
    HistoryWriter.write(f, SyntheticHistory.generate(SyntheticHistory.Options.of(200, 1)));
    Run r = run(f.toString());
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("transactions: 200 ("), r.out());
    assertTrue(r.out().contains("anomalies: none"), r.out());
    assertTrue(r.out().contains("verdict: VALID"), r.out());
    assertTrue(r.out().contains("time: checked in"), r.out());
  }

  @Test
  void anomaliesExitOneWithAnExample() throws IOException {
    Path f = file("stale.edn", new Hist().txn(0, "[[:append :x 1]]").txn(1, "[[:r :x []]]").text());
    Run r = run(f.toString());
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("anomalies: G-single-realtime (1)"), r.out());
    assertTrue(r.out().contains("T1 < T2 because"), r.out());
    assertTrue(r.out().contains("verdict: INVALID: not strict serializable (G-single-realtime)"), r.out());
  }

  @Test
  void unreadableOrMalformedHistoriesExitTwo() throws IOException {
    Run missing = run(dir.resolve("missing.edn").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.err().contains("cannot read"), missing.err());

    Run malformed = run(file("bad.edn", "{:type :invoke :process 0 :f :txn :value [[:append :x 1]]}\n{:type :ok\n").toString());
    assertEquals(2, malformed.status());
    assertTrue(malformed.err().contains("line 2:"), malformed.err());

    Run unpaired = run(file("unpaired.edn", new Hist().ok(0, "[[:append :x 1]]").text()).toString());
    assertEquals(2, unpaired.status());
    assertTrue(unpaired.err().contains("without an invocation"), unpaired.err());

    Run nothingOk = run(file("nothing.edn", "").toString());
    assertEquals(2, nothingOk.status());
    assertTrue(nothingOk.out().contains("verdict: UNKNOWN"), nothingOk.out());

    assertEquals(2, run().status());
  }
}
