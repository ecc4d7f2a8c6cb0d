package dev.ordo.sqltests.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EdnTest {
  private static Keyword kw(String name) {
    return Keyword.of(name);
  }

  @Test
  void readsTheFormsOfAJepsenOp() {
    Object v = Edn.read("{:index 0, :type :invoke :process 0 :f :txn :value [[:append :x 1] [:r :y nil]] :time 0}");
    Map<Object, Object> expected = new LinkedHashMap<>();
    expected.put(kw("index"), 0L);
    expected.put(kw("type"), kw("invoke"));
    expected.put(kw("process"), 0L);
    expected.put(kw("f"), kw("txn"));
    expected.put(kw("value"), List.of(List.of(kw("append"), kw("x"), 1L), Arrays.asList(kw("r"), kw("y"), null)));
    expected.put(kw("time"), 0L);
    assertEquals(expected, v);
  }

  @Test
  void readsScalars() {
    assertNull(Edn.read(" nil "));
    assertEquals(true, Edn.read("true"));
    assertEquals(false, Edn.read("false"));
    assertEquals(-42L, Edn.read("-42"));
    assertEquals(7L, Edn.read("+7"));
    assertEquals(new BigInteger("123456789012345678901234567890"), Edn.read("123456789012345678901234567890"));
    assertEquals(new BigInteger("5"), Edn.read("5N"));
    assertEquals(1.5, Edn.read("1.5"));
    assertEquals("a \"quoted\"\n\ttab \\ é", Edn.read("\"a \\\"quoted\\\"\\n\\ttab \\\\ \\u00e9\""));
    assertEquals('c', Edn.read("\\c"));
    assertEquals('\n', Edn.read("\\newline"));
    assertEquals(new Edn.Symbol("foo/bar"), Edn.read("foo/bar"));
    assertEquals(kw("ns/name"), Edn.read(":ns/name"));
  }

  @Test
  void readsCollectionsTagsCommentsAndDiscards() {
    assertEquals(List.of(1L, 2L, 3L), Edn.read("(1,2 , 3)"));
    assertEquals(Set.of(1L, kw("a")), Edn.read("#{1 :a}"));
    assertEquals(new Edn.Tagged("inst", "2020-01-01"), Edn.read("#inst \"2020-01-01\""));
    assertEquals(List.of(1L, 3L), Edn.read("[1 #_ 2 3] ; a comment"));
    assertEquals(Map.of(), Edn.read("{}"));
    assertEquals(List.of(List.of()), Edn.read("[[]]"));
  }

  @Test
  void writesWhatItReads() {
    String[] texts = {
      "{:index 3 :type :ok :process 1 :f :txn :value [[:append :x 1] [:r \"k\" [1 2]] [:r 5 nil]] :time 99}",
      "[nil true false -1 \"s\\n\" :k #{1} #tag [1]]",
    };
    for (String text : texts) {
      assertEquals(text, Edn.write(Edn.read(text)));
    }
  }

  @Test
  void malformedInputIsRejectedWithItsColumn() {
    assertError("{:a 1", "not closed with '}'");
    assertError("{:a}", "odd number of forms");
    assertError("{:a 1 :a 2}", "duplicate key :a");
    assertError("[1 2)", "')' does not match the vector opened at column 1");
    assertError("]", "nothing open to close");
    assertError("\"abc", "string opened at column 1 is not closed");
    assertError("12abc", "malformed number '12abc' at column 1");
    assertError("{:a 1} {:b 2}", "at column 8 after a complete value");
    assertError("   ", "found nothing");
    assertError("[1 \"\\q\"]", "unknown escape");
    assertError("[: 1]", "':' must be followed by a keyword name at column 2");
    assertError("#{1 1}", "duplicate element");
  }

  private static void assertError(String text, String expected) {
    Edn.ParseException e = assertThrows(Edn.ParseException.class, () -> Edn.read(text), text);
    assertTrue(e.getMessage().contains(expected), () -> "for " + text + ": " + e.getMessage());
  }
}
