package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.config.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Random-value calls become literals on replicas; where they cannot, the analyzer refuses the write. */
class NondeterminismTest {
  private static final Pattern DOUBLE = Pattern.compile("CAST\\(([0-9.]+) AS DOUBLE PRECISION\\)");
  private static final Pattern UUID_LITERAL = Pattern.compile("CAST\\('([0-9a-f-]{36})' AS UUID\\)");
  private final Analyzer analyzer = new Analyzer();

  private static List<String> all(Pattern p, String s, int group) {
    List<String> out = new ArrayList<>();
    Matcher m = p.matcher(s);
    while (m.find()) {
      out.add(m.group(group));
    }
    return out;
  }

  @Test
  void randomBecomesADoubleInTheUnitInterval() {
    long seed = Nondeterminism.seed("n1", 7, 42, 0);
    String out = Nondeterminism.rewrite("INSERT INTO t VALUES (1, random(), RAND())", seed, Backend.H2);
    List<String> values = all(DOUBLE, out, 1);
    assertEquals(2, values.size(), out);
    for (String v : values) {
      double d = Double.parseDouble(v);
      assertTrue(d >= 0 && d < 1, v);
    }
    assertNotEquals(values.get(0), values.get(1), "each call draws its own value");
    assertTrue(out.startsWith("INSERT INTO t VALUES (1, CAST("), out);
  }

  @Test
  void uuidsAreVersion4() {
    String sql = "INSERT INTO t VALUES (gen_random_uuid(), uuid_generate_v4(), RANDOM_UUID(), UUID(), uuidv4())";
    String out = Nondeterminism.rewrite(sql, Nondeterminism.seed("n1", 1, 1, 0), Backend.POSTGRESQL);
    List<String> uuids = all(UUID_LITERAL, out, 1);
    assertEquals(5, uuids.size(), out);
    for (String u : uuids) {
      UUID parsed = UUID.fromString(u);
      assertEquals(4, parsed.version(), u);
      assertEquals(2, parsed.variant(), u);
    }
    assertEquals(5, uuids.stream().distinct().count());
  }

  @Test
  void theSameSeedGivesTheSameLiterals() {
    String sql = "INSERT INTO t VALUES (random(), gen_random_uuid(), SECURE_RAND(8), random_normal(5, 2))";
    long seed = Nondeterminism.seed("node-a", 1_700_000_000_000L, 99, 2);
    String a = Nondeterminism.rewrite(sql, seed, Backend.H2);
    String b = Nondeterminism.rewrite(sql, Nondeterminism.seed("node-a", 1_700_000_000_000L, 99, 2), Backend.H2);
    assertEquals(a, b);
    assertNotEquals(a, Nondeterminism.rewrite(sql, Nondeterminism.seed("node-a", 1_700_000_000_000L, 99, 3),
        Backend.H2), "another statement index");
    assertNotEquals(a, Nondeterminism.rewrite(sql, Nondeterminism.seed("node-a", 1_700_000_000_000L, 100, 2),
        Backend.H2), "another request");
    assertNotEquals(a, Nondeterminism.rewrite(sql, Nondeterminism.seed("node-b", 1_700_000_000_000L, 99, 2),
        Backend.H2), "another origin");
    assertNotEquals(a, Nondeterminism.rewrite(sql, Nondeterminism.seed("node-a", 1_700_000_000_001L, 99, 2),
        Backend.H2), "another incarnation");
  }

  @Test
  void onlyTheCallSpansChange() {
    String sql = "INSERT INTO t /* random() */ VALUES ('random()', E'it\\'s random()', $x$ gen_random_uuid() $x$,"
        + " \"random\", t.random(), myschema.gen_random_uuid(), random(), -- random()\n pg_catalog.random())";
    String out = Nondeterminism.rewrite(sql, 5, Backend.POSTGRESQL);
    String expectedPrefix = "INSERT INTO t /* random() */ VALUES ('random()', E'it\\'s random()', $x$ gen_random_uuid()"
        + " $x$, \"random\", t.random(), myschema.gen_random_uuid(), CAST(";
    assertTrue(out.startsWith(expectedPrefix), out);
    assertEquals(2, all(DOUBLE, out, 1).size(), out);
    assertTrue(out.contains("-- random()\n CAST("), "pg_catalog.random() is rewritten with its qualifier: " + out);
    assertTrue(!out.contains("pg_catalog"), out);
  }

  @Test
  void argumentsDecideWhatIsRewritten() {
    assertSame("SELECT RAND(42)", Nondeterminism.rewrite("SELECT RAND(42)", 1, Backend.H2), "seeded: deterministic");
    String bytes = Nondeterminism.rewrite("INSERT INTO t VALUES (SECURE_RAND(4))", 1, Backend.H2);
    assertTrue(bytes.matches("INSERT INTO t VALUES \\(X'[0-9a-f]{8}'\\)"), bytes);
    String pg = Nondeterminism.rewrite("INSERT INTO t VALUES (gen_random_bytes(3))", 1, Backend.POSTGRESQL);
    assertTrue(pg.matches("INSERT INTO t VALUES \\(decode\\('[0-9a-f]{6}', 'hex'\\)\\)"), pg);
    String normal = Nondeterminism.rewrite("INSERT INTO t VALUES (random_normal(10, random()))", 1, Backend.POSTGRESQL);
    assertTrue(normal.matches("INSERT INTO t VALUES \\(\\(CAST\\(\\(10\\) AS DOUBLE PRECISION\\) \\+ CAST\\(\\("
        + "CAST\\([0-9.]+ AS DOUBLE PRECISION\\)\\) AS DOUBLE PRECISION\\) \\* CAST\\(-?[0-9.]+ AS DOUBLE PRECISION\\)"
        + "\\)\\)"), normal);
  }

  @Test
  void theLiteralReadsBackAsTheSameDouble() {
    Nondeterminism.Rng rng = new Nondeterminism.Rng(123);
    for (int i = 0; i < 10_000; i++) {
      double d = i == 0 ? 1.0E-9 : rng.nextDouble();
      String literal = Nondeterminism.doubleLiteral(d);
      String digits = literal.substring("CAST(".length(), literal.indexOf(' '));
      assertTrue(digits.matches("[0-9]+\\.[0-9]+"), literal);
      assertEquals(d, Double.parseDouble(digits));
    }
  }

  // ---- analysis ----

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT random()",
      "SELECT random() FROM t",
      "SELECT id FROM t ORDER BY random() LIMIT 1",
      "SELECT gen_random_uuid(), uuid_generate_v4(), RANDOM_UUID(), SECURE_RAND(4)",
      "SELECT pg_backend_pid(), SESSION_ID(), inet_server_addr()",
      "CALL RANDOM_UUID()",
  })
  void readsAreUntouched(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.READ, a.kind(), a.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT INTO t VALUES (1, random())",
      "INSERT INTO t VALUES (1, random()), (2, random())",
      "INSERT INTO t (id, u) VALUES (?, gen_random_uuid()) ON CONFLICT DO NOTHING",
      "INSERT INTO t SELECT 1, random()",
      "INSERT INTO t VALUES (1, (SELECT random()))",
      "INSERT INTO t VALUES (SECURE_RAND(16))",
      "MERGE INTO t KEY (id) VALUES (1, RANDOM_UUID())",
      "SELECT nextval('s'), random()",
      "INSERT INTO t VALUES (1, RAND(7))",
  })
  void onceAStatementIsAWrite(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.WRITE, a.kind(), a.reason());
    assertTrue(a.parsed(), sql);
  }

  private void assertRefused(String sql, String... fragments) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.REFUSED, a.kind(), sql + ": " + a.reason());
    for (String f : fragments) {
      assertTrue(a.reason().contains(f), "'" + a.reason() + "' lacks '" + f + "'");
    }
  }

  @Test
  void perRowCallsInWritesAreRefused() {
    String perRow = "would be evaluated once per row, differently on each replica";
    assertRefused("INSERT INTO t SELECT id, random() FROM s", "random() in INSERT … SELECT … FROM", perRow,
        "pass it as a parameter");
    assertRefused("UPDATE t SET x = random()", "random() in UPDATE", perRow);
    assertRefused("UPDATE t SET u = gen_random_uuid() WHERE id = 1", "gen_random_uuid() in UPDATE");
    assertRefused("DELETE FROM t WHERE random() < 0.5", "random() in DELETE");
    assertRefused("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = random()",
        "random() in MERGE");
    assertRefused("INSERT INTO t (id, x) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET x = random()",
        "random() in ON CONFLICT DO UPDATE");
    assertRefused("INSERT INTO t VALUES (1, 2) RETURNING random()", "random() in RETURNING");
    assertRefused("INSERT INTO t VALUES (1, (SELECT max(x) * random() FROM s))", "random() in a query with FROM");
    assertRefused("SELECT id FROM t ORDER BY random() LIMIT 1 FOR UPDATE", "random()", perRow);
    assertRefused("SELECT nextval('s'), random() FROM t", "random() in a query with FROM");
    assertRefused("INSERT INTO t SELECT id FROM s ORDER BY random()", "random()", perRow);
  }

  @Test
  void callsWhoseValueIsNotFixedAreRefusedInWrites() {
    assertRefused("INSERT INTO t VALUES (uuid_generate_v1())", "uuid_generate_v1()", "gen_random_uuid()");
    assertRefused("INSERT INTO t VALUES (random(1, 10))", "random(min, max)");
    assertRefused("INSERT INTO t VALUES (SECURE_RAND(?))", "secure_rand()", "literal");
    assertRefused("INSERT INTO t VALUES (timeofday())", "timeofday()", "clock_timestamp()");
    assertRefused("INSERT INTO t VALUES (pg_backend_pid())", "pg_backend_pid() in a write", "parameter");
    assertRefused("INSERT INTO t VALUES (SESSION_ID())", "session_id() in a write");
    assertRefused("INSERT INTO t VALUES (txid_current())", "txid_current() in a write");
    assertRefused("SELECT txid_current()", "txid_current() in a write");
  }

  @Test
  void functionBodiesThatReadTheClockOrARandomGeneratorAreRefused() {
    assertRefused("CREATE FUNCTION stamp() RETURNS timestamptz AS $$ SELECT now() $$ LANGUAGE sql",
        "CREATE FUNCTION STAMP", "now()", "parameter");
    assertRefused("CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN "
        + "NEW.at := CURRENT_TIMESTAMP; RETURN NEW; END $f$", "current_timestamp");
    assertRefused("CREATE PROCEDURE p() LANGUAGE sql AS 'INSERT INTO t VALUES (random())'", "random()");
    // DO blocks are refused whatever they hold (ConfinementTest).
    assertEquals(Analysis.Kind.FORBIDDEN, analyzer.analyze("DO $$ BEGIN INSERT INTO t VALUES (gen_random_uuid()); END $$").kind());
    Analysis pure = analyzer.analyze("CREATE FUNCTION add1(i int) RETURNS int AS $$ SELECT i + 1 $$ LANGUAGE sql");
    assertTrue(pure.kind() != Analysis.Kind.REFUSED, pure.reason());
  }

  @Test
  void perReplicaFeaturesAreRefused() {
    assertRefused("CREATE TEMP TABLE x (id INT)", "CREATE TEMP TABLE", "ordinary table");
    assertRefused("CREATE TEMPORARY TABLE x (id INT)", "CREATE TEMPORARY TABLE");
    assertRefused("CREATE LOCAL TEMPORARY TABLE x (id INT)", "CREATE LOCAL TEMPORARY TABLE");
    assertRefused("CREATE GLOBAL TEMPORARY TABLE x (id INT)", "CREATE GLOBAL TEMPORARY TABLE");
    assertRefused("CREATE CACHED LOCAL TEMPORARY TABLE x (id INT)", "TEMPORARY");
    assertRefused("create temporary sequence s", "TEMPORARY SEQUENCE");
    assertRefused("CREATE UNLOGGED TABLE x (id INT)", "CREATE UNLOGGED TABLE", "ordinary table");
    assertRefused("ALTER TABLE x SET UNLOGGED", "SET UNLOGGED");
    assertRefused("SELECT lo_create(0)", "large objects (lo_create())", "bytea");
    assertEquals(Analysis.Kind.FORBIDDEN, analyzer.analyze("SELECT lo_import('/etc/passwd')").kind()); // a file
    assertRefused("INSERT INTO t VALUES (lo_from_bytea(0, 'x'))", "lo_from_bytea()");
    assertRefused("COPY t FROM '/tmp/t.csv'", "server-side COPY", "JDBC batch");
    assertRefused("COPY t TO PROGRAM 'gzip > /tmp/x'", "server-side COPY");
    assertRefused("COPY t FROM STDIN", "copy protocol");
    assertRefused("COPY (SELECT * FROM t) TO STDOUT WITH CSV", "copy protocol");
    assertRefused("LISTEN order_events", "LISTEN", "poll");
    assertRefused("NOTIFY order_events, 'created'", "NOTIFY");
    assertRefused("UNLISTEN *", "UNLISTEN");
    assertRefused("SELECT pg_notify('c', 'x')", "pg_notify()");
    assertRefused("SELECT pg_advisory_lock(1)", "pg_advisory_lock()", "pg_advisory_xact_lock()");
    assertRefused("SELECT pg_try_advisory_lock(77431708279161)", "pg_try_advisory_lock()");
    assertRefused("SELECT pg_advisory_unlock(1)", "pg_advisory_unlock()");
    assertRefused("SELECT pg_advisory_unlock_all()", "pg_advisory_unlock_all()");
    assertRefused("SELECT pg_advisory_lock_shared(1)", "pg_advisory_lock_shared()");
    assertRefused("SELECT currval('users_id_seq')", "currval()", "RETURNING", "nextval()");
    assertRefused("SELECT lastval()", "lastval()");
    assertRefused("INSERT INTO child VALUES (currval('parent_seq'))", "currval()");
    assertRefused("SELECT CURRENT VALUE FOR s", "CURRENT VALUE FOR");
    assertRefused("CREATE ALIAS MY_SQRT FOR \"java.lang.Math.sqrt\"", "CREATE ALIAS", "Java");
    assertRefused("CREATE ALIAS F AS $$ String f(String s) { return s; } $$", "CREATE ALIAS");
    assertRefused("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW CALL \"com.acme.Trig\"", "CREATE TRIGGER",
        "Java");
    assertRefused("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW AS $$ org.h2.api.Trigger create() { return null; }"
        + " $$", "CREATE TRIGGER");
    assertRefused("CREATE SEQUENCE s CACHE 20", "CACHE 20", "CACHE 1");
    assertRefused("ALTER SEQUENCE s CACHE 10", "CACHE 10");
    assertRefused("CREATE SEQUENCE customer_seq2 START WITH 100 INCREMENT BY 10 MINVALUE 1 MAXVALUE 100000 CACHE 32",
        "CACHE 32");
    assertRefused("CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 1 CACHE 50) PRIMARY KEY)",
        "CACHE 50");
    assertRefused("CREATE TABLE t2 AS SELECT id, random() AS r FROM t", "CREATE TABLE … AS calls random()");
    assertRefused("INSERT INTO t SELECT * FROM s WHERE x = random() FOR UPDATE OF s", "random()");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT pg_advisory_xact_lock(1)",
      "SELECT pg_try_advisory_xact_lock_shared(1)",
      "SET ROLE app",
      "RESET ROLE",
      "CREATE SEQUENCE s CACHE 1",
      "CREATE SEQUENCE s NO CACHE",
      "CREATE SEQUENCE s START WITH 1 INCREMENT BY 50",
      "CREATE TABLE cache (cache INT)",
      "CREATE TABLE t (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), note VARCHAR(20) DEFAULT 'CACHE 20')",
      "CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch_updated_at()",
      "CREATE MEMORY TABLE cache_entries (k VARCHAR(100) PRIMARY KEY)",
      "INSERT INTO t VALUES ('temp', 'random()', 'CACHE 5')",
      "UPDATE t SET note = 'random()' WHERE id = 1",
      "UPDATE t SET r = t.random WHERE id = 1",
      "INSERT INTO random (a, b) VALUES (1, 2)",
      "INSERT INTO uuid (a) VALUES (1)",
  })
  void notRefused(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.kind() != Analysis.Kind.REFUSED, sql + ": " + a.reason());
  }

  @Test
  void unparsedStatementsWithRandomCallsAreRefused() {
    // DISTINCT ON does not parse: without a random call it runs under the global lock.
    String plain = "INSERT INTO t SELECT DISTINCT ON (a) a, b FROM s ORDER BY a, b";
    Analysis a = analyzer.analyze(plain);
    assertEquals(Analysis.Kind.WRITE, a.kind(), a.reason());
    assertTrue(!a.parsed());
    assertRefused("INSERT INTO t SELECT DISTINCT ON (a) a, random() FROM s ORDER BY a, b", "random()",
        "cannot parse");
    assertRefused("WITH d AS (DELETE FROM s RETURNING id) INSERT INTO t SELECT id, gen_random_uuid() FROM d",
        "gen_random_uuid()");
  }
}
