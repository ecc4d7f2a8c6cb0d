package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OrderRulesTest {
  private final Analyzer analyzer = new Analyzer();

  /** src(id PK, k NOT NULL UNIQUE, v, grp), dst(id IDENTITY, v, note), tgt(id PK, v), pair(a, b: key (a, b)). */
  static final Map<String, TableSchema> TABLES = Map.of(
      "PUBLIC.SRC", new TableSchema("SRC", List.of(col("ID"), col("K"), col("V"), col("GRP")),
          List.of(Set.of("ID"), Set.of("K"))),
      "PUBLIC.DST", new TableSchema("DST", List.of(new TableSchema.Column("ID", null, true), col("V"), col("NOTE")),
          List.of(Set.of("ID"))),
      "PUBLIC.SER", new TableSchema("SER", List.of(new TableSchema.Column("ID", "nextval('ser_id_seq'::regclass)",
          false), col("V")), List.of(Set.of("ID"))),
      "PUBLIC.TGT", new TableSchema("TGT", List.of(col("ID"), col("V")), List.of(Set.of("ID"))),
      "PUBLIC.PAIR", new TableSchema("PAIR", List.of(col("A"), col("B"), col("V")), List.of(Set.of("A", "B"))),
      "PUBLIC.NOKEY", new TableSchema("NOKEY", List.of(col("X"), col("Y")), List.of()));
  static final TableSchema.Lookup SCHEMA = name -> TABLES.get(name.contains(".") ? name : "PUBLIC." + name);

  static TableSchema.Column col(String name) {
    return new TableSchema.Column(name, null, false);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "INSERT INTO tgt SELECT id, v FROM src LIMIT 10|LIMIT without ORDER BY",
      "INSERT INTO tgt SELECT id, v FROM src OFFSET 5|OFFSET without ORDER BY",
      "INSERT INTO tgt SELECT id, v FROM src FETCH FIRST 3 ROWS ONLY|FETCH without ORDER BY",
      "INSERT INTO tgt SELECT TOP 3 id, v FROM src|TOP without ORDER BY",
      "DELETE FROM tgt WHERE id IN (SELECT id FROM tgt LIMIT 3)|LIMIT without ORDER BY",
      "UPDATE tgt SET v = 0 WHERE id IN (SELECT id FROM src WHERE v > 1 LIMIT 2)|LIMIT without ORDER BY",
      "CREATE TABLE t2 AS SELECT * FROM src LIMIT 5|LIMIT without ORDER BY in a write (CREATE TABLE … AS)",
      "UPDATE tgt SET v = 1 WHERE v < 0 LIMIT 5|WHERE pk IN (SELECT pk FROM t WHERE … ORDER BY pk LIMIT n)",
      "DELETE FROM tgt WHERE v < 0 LIMIT 5|WHERE pk IN (SELECT pk FROM t WHERE … ORDER BY pk LIMIT n)",
      "INSERT INTO tgt SELECT DISTINCT ON (grp) id, v FROM src|DISTINCT ON without ORDER BY",
      "INSERT INTO tgt SELECT 1, string_agg(v, ',') FROM src|string_agg() without ORDER BY",
      "UPDATE tgt SET v = (SELECT array_agg(v) FROM src) WHERE id = 1|array_agg() without ORDER BY",
      "INSERT INTO tgt SELECT 1, LISTAGG(v, ',') FROM src|listagg() without ORDER BY",
      "INSERT INTO tgt SELECT row_number() OVER (), v FROM src|row_number() OVER (…) without ORDER BY",
      "INSERT INTO tgt SELECT id, lag(v) OVER (PARTITION BY grp) FROM src|lag() OVER (…) without ORDER BY",
      "DELETE FROM tgt WHERE ctid = '(0,1)'|system column ctid",
      "INSERT INTO tgt SELECT id, xmin FROM src|system column xmin",
      "UPDATE tgt SET v = 1 WHERE _ROWID_ = 3|system column _rowid_",
  })
  void refusedAtTheOrigin(String sql, String fragment) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.REFUSED, a.kind(), sql + ": " + a.reason());
    assertTrue(a.reason().contains(fragment), a.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM src LIMIT 10",
      "SELECT id FROM src FOR UPDATE",
      "SELECT string_agg(v, ',') FROM src",
      "SELECT row_number() OVER () FROM src",
      "INSERT INTO tgt SELECT id, v FROM src ORDER BY id LIMIT 10",
      "INSERT INTO tgt SELECT 1, string_agg(v, ',' ORDER BY id) FROM src",
      "INSERT INTO tgt SELECT 1, LISTAGG(v, ',') WITHIN GROUP (ORDER BY id) FROM src",
      "INSERT INTO tgt SELECT rank() OVER (ORDER BY v), v FROM src",
      "DELETE FROM tgt WHERE EXISTS (SELECT 1 FROM src WHERE src.id = tgt.id LIMIT 1)",
      "INSERT INTO tgt VALUES (1, 'limit')",
      "UPDATE tgt SET v = 'ctid' WHERE id = 1",
      "INSERT INTO tgt SELECT TOP 3 id, v FROM src ORDER BY id",
      "WITH x AS (SELECT * FROM src) SELECT replace(v, 'a', 'b') FROM x LIMIT 3 FOR UPDATE",
  })
  void allowedAtTheOrigin(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.kind() != Analysis.Kind.REFUSED, a.reason());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "INSERT INTO tgt SELECT id, v FROM src ORDER BY v LIMIT 10|does not order the rows totally",
      "INSERT INTO tgt SELECT id, v FROM src ORDER BY grp, v DESC LIMIT 10|does not order the rows totally",
      "INSERT INTO tgt SELECT a, v FROM pair ORDER BY a LIMIT 1|does not order the rows totally",
      "INSERT INTO tgt SELECT x, y FROM nokey ORDER BY x, y LIMIT 1|does not order the rows totally",
      "DELETE FROM tgt WHERE id IN (SELECT s.id FROM src s JOIN tgt t ON t.id = s.id ORDER BY s.id LIMIT 2)"
          + "|does not order the rows totally",
      "INSERT INTO tgt SELECT DISTINCT ON (grp) id, v FROM src ORDER BY grp, v|DISTINCT ON",
      "INSERT INTO tgt SELECT row_number() OVER (ORDER BY v), v FROM src|row_number() OVER (…)",
      "INSERT INTO dst (v) SELECT v FROM src|leaves its generated column ID (identity)",
      "INSERT INTO ser (v) SELECT v FROM src ORDER BY v|DEFAULT nextval('ser_id_seq'::regclass)",
      "INSERT INTO dst (v) SELECT v FROM src UNION SELECT v FROM tgt|leaves its generated column ID",
      "UPDATE tgt SET v = s.v FROM src s WHERE s.grp = tgt.id|UPDATE … FROM",
      "UPDATE tgt SET v = s.v FROM src s WHERE s.id > tgt.id|UPDATE … FROM",
      "UPDATE tgt SET v = p.v FROM pair p WHERE p.a = tgt.id|UPDATE … FROM",
      "UPDATE tgt SET v = q.v FROM (SELECT * FROM src) q WHERE q.id = tgt.id|UPDATE … FROM",
      "INSERT INTO tgt SELECT oid, 'x' FROM pg_class|system column oid",
      "INSERT INTO tgt SELECT TOP 3 id, v FROM src ORDER BY v|does not order the rows totally",
  })
  void refusedAtTheReplica(String sql, String fragment) {
    assertNull(OrderRules.refusal(sql), "needs the schema: " + sql);
    String why = OrderRules.refusal(sql, SCHEMA);
    assertNotNull(why, sql);
    assertTrue(why.contains(fragment), why);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT INTO tgt SELECT id, v FROM src ORDER BY id LIMIT 10",
      "INSERT INTO tgt SELECT id, v FROM src ORDER BY v, k DESC LIMIT 10",
      "INSERT INTO tgt SELECT src.id, v FROM src ORDER BY src.id FETCH FIRST 2 ROWS ONLY",
      "INSERT INTO tgt SELECT a, v FROM pair p ORDER BY p.b, p.a LIMIT 1",
      "DELETE FROM tgt WHERE id IN (SELECT s.id FROM src s JOIN tgt t ON t.id = s.id ORDER BY s.id, t.id LIMIT 2)",
      "INSERT INTO tgt SELECT DISTINCT ON (grp) id, v FROM src ORDER BY grp, id",
      "INSERT INTO tgt SELECT row_number() OVER (PARTITION BY grp ORDER BY id), v FROM src",
      "INSERT INTO dst (v) SELECT v FROM src ORDER BY id",
      "INSERT INTO dst (v) VALUES (1), (2)",
      "INSERT INTO dst (v) SELECT 1",
      "INSERT INTO dst (id, v) SELECT id, v FROM src",
      "UPDATE tgt SET v = s.v FROM src s WHERE s.id = tgt.id",
      "UPDATE tgt SET v = s.v FROM src s WHERE tgt.id = s.k AND s.v > 0",
      "UPDATE tgt SET v = p.v FROM pair p WHERE p.a = tgt.id AND p.b = 7",
      "UPDATE tgt SET v = s.v FROM src s, pair p WHERE s.id = tgt.id AND p.a = s.grp AND p.b = s.v",
      "UPDATE tgt SET v = 1 WHERE id = 3",
      "INSERT INTO tgt (id, v) VALUES (1, 'oid')",
  })
  void allowedAtTheReplica(String sql) {
    assertNull(OrderRules.refusal(sql));
    assertNull(OrderRules.refusal(sql, SCHEMA));
  }
}
