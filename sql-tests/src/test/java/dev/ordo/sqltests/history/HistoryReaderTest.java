package dev.ordo.sqltests.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryReaderTest {
  @TempDir
  Path dir;

  private static List<Op> read(String text) throws IOException {
    return HistoryReader.read(new BufferedReader(new StringReader(text)));
  }

  @Test
  void readsInvocationsAndCompletions() throws IOException {
    List<Op> ops = read("""
        {:index 0 :type :invoke :process 0 :f :txn :value [[:append :x 1] [:r :y nil]] :time 0}

        ; a comment line
        {:index 1, :type :ok, :process 0, :f :txn, :value [[:append :x 1] [:r :y [1 2]]], :time 12345}
        {:index 2 :type :info :process :nemesis :f :kill :value {:n1 :killed}}
        {:index 3 :type :invoke :process 1 :f :txn :value [[:append 7 1] [:r "s" nil]]}
        {:index 4 :type :fail :process 1 :f :txn :value nil :error [:conflict "retry"]}
        """);
    assertEquals(5, ops.size());
    Op ok = ops.get(1);
    assertEquals(Op.Type.OK, ok.type());
    assertEquals(0L, ok.process());
    assertEquals(12345L, ok.time());
    assertEquals(List.of(MicroOp.append(Keyword.of("x"), 1), MicroOp.read(Keyword.of("y"), List.of(1L, 2L))), ok.txn());
    assertEquals(Keyword.of("nemesis"), ops.get(2).process());
    assertEquals(List.of(MicroOp.append(7L, 1), MicroOp.read("s")), ops.get(3).txn());
    assertEquals(-1, ops.get(3).time());
    assertNull(ops.get(4).value());
    assertEquals(List.of(Keyword.of("conflict"), "retry"), ops.get(4).error());
  }

  @Test
  void malformedLinesAreReportedWithTheirLineNumber() {
    assertError("{:index 0 :type :invoke :process 0 :f :txn :value [[:append :x 1]]}\n{:type :ok :process 0",
        "line 2: not valid EDN: the map opened at column 1 is not closed");
    assertError("\n\n[1 2 3]", "line 3: expected an op map");
    assertError("{:type :done :process 0 :f :txn :value []}", "line 1: :type must be :invoke, :ok, :fail or :info, not :done");
    assertError("{:type :ok :f :txn :value []}", "line 1: the op has no :process");
    assertError("{:type :ok :process 0 :value []}", "line 1: :f must be a keyword");
    assertError("{:type :ok :process 0 :f :txn :value [[:w :x 1]]}", "line 1: unsupported micro-op :w");
    assertError("{:type :ok :process 0 :f :txn :value [[:append :x \"one\"]]}", "line 1: bad micro-op");
    assertError("{:type :ok :process 0 :f :txn :value [[:r :x [1 :two]]]}", "line 1: bad micro-op");
    assertError("{:type :ok :process 0 :f :txn :value [[:append :x]]}", "line 1: a micro-op must be");
    assertError("{:type :ok :process 0 :f :txn :value nil}", "line 1: the :value of a :txn op must be");
    assertError("{:index -3 :type :ok :process 0 :f :txn :value []}", "line 1: :index must be a non-negative integer");
  }

  private static void assertError(String text, String expected) {
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> read(text));
    assertTrue(e.getMessage().startsWith(expected), () -> "expected \"" + expected + "\" but got: " + e.getMessage());
  }

  @Test
  void intKeysAndProcessesAreLongs() {
    assertEquals(MicroOp.append(3L, 1), MicroOp.append(3, 1));
    assertEquals(MicroOp.read(3L), MicroOp.read(3));
    assertEquals(5L, new Op(0, Op.Type.INVOKE, 5, Op.TXN, List.of(), 0, null).process());
  }

  @Test
  void gzipRoundTripThroughWriterAndReader() throws IOException {
    List<Op> ops = SyntheticHistory.generate(SyntheticHistory.Options.of(500, 7));
    Path file = dir.resolve("history.edn.gz");
    HistoryWriter.write(file, ops);
    try (InputStream in = Files.newInputStream(file)) {
      assertEquals(0x1f, in.read());
      assertEquals(0x8b, in.read());
    }
    assertEquals(ops, HistoryReader.read(file));
    assertTrue(ListAppendChecker.check(HistoryReader.read(file)).valid());
  }

  @Test
  void plainRoundTripKeepsEveryField() throws IOException {
    Op op = new Op(5, Op.Type.INFO, 3L, Op.TXN,
        List.of(MicroOp.append("k", 2), MicroOp.read(Keyword.of("x"), List.of(1L)), MicroOp.read(9L)),
        77, List.of(Keyword.of("timeout"), "no answer in 5 s"));
    Path file = dir.resolve("history.edn");
    try (HistoryWriter w = HistoryWriter.open(file)) {
      w.write(op);
    }
    String line = Files.readString(file);
    assertEquals("{:index 5 :type :info :process 3 :f :txn :value [[:append \"k\" 2] [:r :x [1]] [:r 9 nil]] "
        + ":time 77 :error [:timeout \"no answer in 5 s\"]}\n", line);
    assertEquals(List.of(op), HistoryReader.read(file));
  }
}
