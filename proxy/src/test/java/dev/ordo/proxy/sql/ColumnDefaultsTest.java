package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.config.Backend;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ColumnDefaultsTest {
  /** ev(id PK, at DEFAULT CURRENT_TIMESTAMP, note DEFAULT 'x', u DEFAULT gen_random_uuid()); log (Flyway-like). */
  static final Map<String, TableSchema> TABLES = Map.of(
      "PUBLIC.EV", new TableSchema("ev", List.of(
          new TableSchema.Column("id", null, false),
          new TableSchema.Column("at", "CURRENT_TIMESTAMP", false),
          new TableSchema.Column("note", "'x'::text", false),
          new TableSchema.Column("u", "gen_random_uuid()", false)), List.of(Set.of("ID"))),
      "PUBLIC.LOG", new TableSchema("log", List.of(
          new TableSchema.Column("n", null, false),
          new TableSchema.Column("installed_on", "now()", false)), List.of()),
      "PUBLIC.CLK", new TableSchema("clk", List.of(
          new TableSchema.Column("n", null, false),
          new TableSchema.Column("c", "clock_timestamp()", false)), List.of()),
      "PUBLIC.SEQ", new TableSchema("seq", List.of(
          new TableSchema.Column("id", "nextval('seq_id_seq'::regclass)", false),
          new TableSchema.Column("v", null, false)), List.of()));
  static final TableSchema.Lookup SCHEMA = name -> TABLES.get(name.contains(".") ? name : "PUBLIC." + name);
  static final Pattern UUID = Pattern.compile(
      "CAST\\('([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})' AS UUID\\)");

  static String rewrite(String sql) throws SQLException {
    return ColumnDefaults.rewrite(sql, SCHEMA, Backend.POSTGRESQL, "node1/7/42/0");
  }

  @Test
  void omittedColumnsAreAddedToTheListAndEveryRow() throws SQLException {
    String out = rewrite("INSERT INTO ev (id) VALUES (1)");
    Matcher m = UUID.matcher(out);
    assertTrue(m.find(), out);
    assertEquals("INSERT INTO ev (id, \"at\", \"u\") VALUES (1, (CURRENT_TIMESTAMP), (" + m.group() + "))", out);
    assertEquals(out, rewrite("INSERT INTO ev (id) VALUES (1)"), "the same seed gives the same literal");
    assertNotEquals(out, ColumnDefaults.rewrite("INSERT INTO ev (id) VALUES (1)", SCHEMA, Backend.POSTGRESQL,
        "node1/7/43/0"), "another entry, another UUID");
  }

  @Test
  void multiRowValuesGetOneLiteralPerRow() throws SQLException {
    String out = rewrite("INSERT INTO ev (id, note) VALUES (1, 'a'), (2, DEFAULT) RETURNING id");
    Matcher m = UUID.matcher(out);
    assertTrue(m.find());
    String first = m.group(1);
    assertTrue(m.find());
    assertNotEquals(first, m.group(1));
    assertTrue(out.startsWith("INSERT INTO ev (id, note, \"at\", \"u\") VALUES (1, 'a', (CURRENT_TIMESTAMP), ("),
        out);
    assertTrue(out.contains("(2, DEFAULT, (CURRENT_TIMESTAMP), ("), out);
    assertTrue(out.endsWith(")) RETURNING id"), out);
  }

  @Test
  void explicitDefaultAndNoColumnList() throws SQLException {
    String out = rewrite("INSERT INTO ev VALUES (1, DEFAULT)");
    assertTrue(out.matches("INSERT INTO ev VALUES \\(1, \\(CURRENT_TIMESTAMP\\), DEFAULT, \\(CAST\\('[-0-9a-f]+'"
        + " AS UUID\\)\\)\\)"), out);
    String dv = rewrite("INSERT INTO log DEFAULT VALUES");
    assertEquals("INSERT INTO log (\"installed_on\") VALUES ((now()))", dv);
  }

  @Test
  void timeLiteralsAreTheStatementsOwn() throws SQLException {
    String out = rewrite("INSERT INTO log (n) VALUES (now())");
    Instant t = Instant.parse("2026-01-02T03:04:05.123456Z");
    String rewritten = TimeFunctions.rewrite(out, t, t.plusNanos(1000), ZoneOffset.UTC, Backend.POSTGRESQL);
    assertEquals("INSERT INTO log (n, \"installed_on\") VALUES (TIMESTAMP WITH TIME ZONE"
        + " '2026-01-02 03:04:05.123456+00:00', (TIMESTAMP WITH TIME ZONE '2026-01-02 03:04:05.123456+00:00'))",
        rewritten);
  }

  @Test
  void insertSelectGetsClockDefaultsInItsSelectList() throws SQLException {
    assertEquals("INSERT INTO log (n, \"installed_on\") SELECT id, (now()) FROM ev WHERE id > 1",
        rewrite("INSERT INTO log (n) SELECT id FROM ev WHERE id > 1"));
    SQLException e = assertThrows(SQLException.class, () -> rewrite("INSERT INTO ev (id) SELECT n FROM log"));
    assertEquals("0A000", e.getSQLState());
    assertTrue(e.getMessage().contains("ev.u is left to its DEFAULT gen_random_uuid()"), e.getMessage());
    assertTrue(e.getMessage().contains("supply u explicitly"), e.getMessage());
  }

  @Test
  void perRowClock() throws SQLException {
    assertEquals("INSERT INTO clk (n, \"c\") VALUES (1, (clock_timestamp()))",
        rewrite("INSERT INTO clk (n) VALUES (1)"));
    SQLException e = assertThrows(SQLException.class, () -> rewrite("INSERT INTO clk (n) VALUES (1), (2)"));
    assertEquals("0A000", e.getSQLState());
  }

  @Test
  void untouched() throws SQLException {
    for (String sql : List.of("INSERT INTO seq (v) VALUES (1)", "INSERT INTO ev (id, at, u) VALUES (1, ?, ?)",
        "UPDATE ev SET note = 'y'", "INSERT INTO unknown (a) VALUES (1)",
        "INSERT INTO ev SELECT * FROM ev")) {
      assertSame(sql, rewrite(sql), sql);
    }
  }

  @Test
  void randomLiterals() {
    String d = ColumnDefaults.doubleLiteral(ColumnDefaults.bits("a"));
    double v = Double.parseDouble(d.substring(5, d.indexOf(" AS")));
    assertTrue(v >= 0 && v < 1, d);
    assertTrue(UUID.matcher(ColumnDefaults.uuidLiteral(ColumnDefaults.bits("a"))).matches());
  }
}
