package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Classifies every statement of {@code corpus/statements.sql} — SQL as PostgreSQL
 * and H2 applications, ORMs and migration tools send it — and reports the share
 * the analyzer parses precisely rather than running under the global lock by
 * fallback. The share may only go up: raise {@link #FLOOR} when it does.
 */
class CorpusTest {
  /** The share of the corpus parsed precisely, in percent (rounded down), when last raised. */
  static final double FLOOR = 95.2;

  @Test
  void coverageDoesNotDrop() throws IOException {
    List<String> statements = load();
    assertTrue(statements.size() >= 200, "corpus has only " + statements.size() + " statements");
    Analyzer analyzer = new Analyzer();
    List<String> fallbacks = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String sql : statements) {
      Analysis a = analyzer.analyze(sql);
      assertNotNull(a.kind(), sql);
      if (!a.parsed()) {
        fallbacks.add(sql);
      }
      if (a.kind() == Analysis.Kind.REFUSED) {
        refused.add(sql + " (" + (a.parsed() ? "parsed" : "not parsed") + ")");
      }
    }
    int parsed = statements.size() - fallbacks.size();
    double share = 100.0 * parsed / statements.size();
    System.out.printf(Locale.ROOT, "corpus: %d of %d statements parsed precisely (%.1f %%), %d by fallback%n",
        parsed, statements.size(), share, fallbacks.size());
    for (String sql : fallbacks) {
      System.out.println("  fallback: " + sql.replaceAll("\\s+", " "));
    }
    // Refused statements count as parsed precisely only when the parser read them (a refusal of a statement it
    // cannot read, such as LISTEN, is made by its first keywords and stays a fallback here).
    System.out.printf(Locale.ROOT, "corpus: %d statements refused%n", refused.size());
    for (String sql : refused) {
      System.out.println("  refused: " + sql.replaceAll("\\s+", " "));
    }
    assertTrue(share >= FLOOR, String.format(Locale.ROOT,
        "corpus coverage dropped to %.1f %% (floor %.1f %%); statements that fall back: %s", share, FLOOR,
        fallbacks));
  }

  /** The corpus: statements end with a semicolon at the end of a line; "--" lines between them are comments. */
  static List<String> load() throws IOException {
    String text;
    try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/statements.sql")) {
      assertNotNull(in, "corpus/statements.sql is missing from the test resources");
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (current.isEmpty() && (line.isBlank() || line.startsWith("--"))) {
        continue;
      }
      String trimmed = line.stripTrailing();
      if (trimmed.endsWith(";")) {
        current.append(trimmed, 0, trimmed.length() - 1);
        statements.add(current.toString());
        current.setLength(0);
      } else {
        current.append(line).append('\n');
      }
    }
    assertTrue(current.toString().isBlank(), "corpus ends inside a statement: " + current);
    return statements;
  }
}
