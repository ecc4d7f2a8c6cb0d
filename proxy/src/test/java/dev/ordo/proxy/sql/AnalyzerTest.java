package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyzerTest {
  private final Analyzer analyzer = new Analyzer();

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1",
      "select * from accounts where id = ?",
      "SELECT a.id, b.x FROM a JOIN b ON a.id = b.id ORDER BY a.id",
      "WITH t AS (SELECT * FROM users) SELECT count(*) FROM t",
      "SELECT name FROM users UNION SELECT name FROM admins",
      "VALUES (1, 2)",
      "  /* comment */ SELECT lower(name) FROM users LIMIT 10",
  })
  void pureQueriesAreReads(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.READ, a.kind(), a.reason());
    assertTrue(a.parsed());
    assertFalse(a.globalLock());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "EXPLAIN SELECT * FROM users WHERE id = 1",
      "explain verbose select name from users",
      "EXPLAIN (COSTS false, FORMAT JSON) SELECT * FROM users",
      "EXPLAIN (ANALYZE false) SELECT * FROM users",
      "EXPLAIN UPDATE users SET name = 'x' WHERE id = 1",
      "EXPLAIN DELETE FROM users WHERE id = 3;",
      "EXPLAIN SELECT nextval('s') FROM users",
  })
  void explainWithoutAnalyzeIsARead(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.READ, a.kind(), a.reason());
    assertTrue(a.parsed());
    assertFalse(a.globalLock());
    assertEquals(Set.of("USERS"), a.tablesRead());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "EXPLAIN ANALYZE SELECT * FROM users",
      "EXPLAIN (ANALYZE, BUFFERS) UPDATE users SET name = 'x'",
      "EXPLAIN (analyze on) SELECT 1",
      "EXPLAIN VERBOSE ANALYZE SELECT 1",
      "EXPLAIN not sql at all",
  })
  void explainThatRunsOrCannotBeReadIsNotARead(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.kind() != Analysis.Kind.READ, sql + ": " + a.reason());
  }

  @Test
  void readsKnowTheirTables() {
    Analysis a = analyzer.analyze("SELECT * FROM users u JOIN orders o ON u.id = o.user_id");
    assertEquals(Set.of("USERS", "ORDERS"), a.tablesRead());
    Analysis cte = analyzer.analyze("WITH t AS (SELECT * FROM users) SELECT * FROM t");
    assertEquals(Set.of("USERS"), cte.tablesRead());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT INTO users(name) VALUES (?)",
      "UPDATE accounts SET balance = balance - 1 WHERE id = 1",
      "DELETE FROM users WHERE id = 3",
      "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = s.x",
  })
  void dmlIsAWriteWithItsTarget(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.WRITE, a.kind());
    assertTrue(a.parsed());
    assertFalse(a.globalLock(), a.reason());
    assertEquals(1, a.tablesWritten().size(), a.tablesWritten().toString());
  }

  @Test
  void ddlTakesTheGlobalLock() {
    Analysis a = analyzer.analyze("DROP TABLE t CASCADE");
    assertEquals(Analysis.Kind.WRITE, a.kind());
    assertTrue(a.globalLock());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT nextval('seq')",
      "SELECT NEXT VALUE FOR seq",
      "SELECT my_user_function(1)",
  })
  void queriesThatMayChangeStateAreWrites(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.WRITE, a.kind(), a.reason());
  }

  @Test
  void unparseableStatementsAreGlobalWritesNotErrors() {
    Analysis a = analyzer.analyze("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql");
    assertEquals(Analysis.Kind.WRITE, a.kind());
    assertFalse(a.parsed());
    assertTrue(a.globalLock());
    Analysis garbage = analyzer.analyze("SELEC broken FROM");
    assertEquals(Analysis.Kind.WRITE, garbage.kind());
    assertTrue(garbage.globalLock());
  }

  @ParameterizedTest
  @ValueSource(strings = {"BEGIN", "commit", "ROLLBACK", "START TRANSACTION", "SAVEPOINT a", "SET AUTOCOMMIT FALSE"})
  void transactionControlIsRecognised(String sql) {
    assertEquals(Analysis.Kind.TRANSACTION_CONTROL, analyzer.analyze(sql).kind());
  }

  @Test
  void replicaLocalCommandsAreRefused() {
    assertEquals(Analysis.Kind.REFUSED, analyzer.analyze("SHUTDOWN").kind());
    assertEquals(Analysis.Kind.REFUSED, analyzer.analyze("CHECKPOINT").kind());
  }

  // ---- precise classification of the PostgreSQL and H2 forms applications send ----

  /** Asserts a statement parsed, with this kind, tables read and tables written. */
  private Analysis assertTables(String sql, Analysis.Kind kind, Set<String> read, Set<String> written) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.parsed(), () -> "not parsed: " + sql);
    assertEquals(kind, a.kind(), () -> sql + ": " + a.reason());
    assertEquals(read, a.tablesRead(), () -> "tables read by " + sql);
    assertEquals(written, a.tablesWritten(), () -> "tables written by " + sql);
    return a;
  }

  private Analysis assertWrite(String sql, Set<String> read, Set<String> written) {
    Analysis a = assertTables(sql, Analysis.Kind.WRITE, read, written);
    assertFalse(a.globalLock(), () -> sql + " takes the global lock: " + a.reason());
    assertFalse(a.ddl(), sql);
    return a;
  }

  /**
   * Asserts a statement is parsed DDL whose locks cover the tables it reads and
   * writes: either the global lock with those tables known (the parser's
   * classification), or X locks on exactly what it names ({@link DdlScope}),
   * which include the tables it references.
   */
  private Analysis assertDdl(String sql, Set<String> read, Set<String> written) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.parsed(), () -> "not parsed: " + sql);
    assertEquals(Analysis.Kind.WRITE, a.kind(), () -> sql + ": " + a.reason());
    assertTrue(a.ddl(), sql);
    if (a.globalLock()) {
      assertEquals(read, a.tablesRead(), () -> "tables read by " + sql);
      assertEquals(written, a.tablesWritten(), () -> "tables written by " + sql);
    } else {
      Set<String> expected = new java.util.TreeSet<>(read);
      expected.addAll(written);
      Set<String> locked = new java.util.TreeSet<>(a.tablesWritten());
      locked.addAll(a.tablesRead());
      assertEquals(expected, locked, () -> "tables locked by " + sql + ": " + a.reason());
    }
    return a;
  }

  @Test
  void insertReturningAndOnConflictWriteTheirTargetAndReadTheirSource() {
    assertWrite("INSERT INTO users (email, name) VALUES (?, ?) RETURNING id", Set.of(), Set.of("USERS"));
    assertWrite("INSERT INTO \"users\" (\"email\") VALUES (?) RETURNING *", Set.of(), Set.of("USERS"));
    assertWrite("INSERT INTO events DEFAULT VALUES RETURNING id", Set.of(), Set.of("EVENTS"));
    assertWrite("INSERT INTO tags (name) VALUES (?) ON CONFLICT DO NOTHING", Set.of(), Set.of("TAGS"));
    assertWrite("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) "
        + "DO UPDATE SET value = counters.value + EXCLUDED.value RETURNING value", Set.of(), Set.of("COUNTERS"));
    assertWrite("INSERT INTO m (user_id, team_id) VALUES (?, ?) ON CONFLICT ON CONSTRAINT m_pkey DO NOTHING",
        Set.of(), Set.of("M"));
    assertWrite("INSERT INTO daily_stats (day, hits) SELECT day, count(*) FROM hits GROUP BY day "
        + "ON CONFLICT (day) DO UPDATE SET hits = EXCLUDED.hits WHERE daily_stats.hits < EXCLUDED.hits",
        Set.of("HITS"), Set.of("DAILY_STATS"));
    assertWrite("INSERT INTO archive SELECT * FROM orders WHERE id IN (SELECT order_id FROM refunds)",
        Set.of("ORDERS", "REFUNDS"), Set.of("ARCHIVE"));
    assertWrite("INSERT INTO prices (sku, price) VALUES (?, ?) ON CONFLICT (sku) "
        + "DO UPDATE SET price = (SELECT max(p) FROM offers)", Set.of("OFFERS"), Set.of("PRICES"));
  }

  @Test
  void updateFromAndDeleteUsingReadTheJoinedTables() {
    assertWrite("UPDATE accounts a SET balance = a.balance + t.amount FROM transfers t "
        + "WHERE t.account_id = a.id AND t.applied = false", Set.of("TRANSFERS"), Set.of("ACCOUNTS"));
    assertWrite("UPDATE inventory i SET qty = i.qty - s.qty FROM shipments s JOIN lines l ON l.sid = s.id "
        + "WHERE l.sku = i.sku RETURNING i.sku", Set.of("SHIPMENTS", "LINES"), Set.of("INVENTORY"));
    assertWrite("UPDATE users SET last_login = now() WHERE id = ? RETURNING last_login", Set.of(), Set.of("USERS"));
    assertWrite("UPDATE users SET updated_at = DEFAULT WHERE id = ?", Set.of(), Set.of("USERS"));
    assertWrite("DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.disabled",
        Set.of("USERS"), Set.of("SESSIONS"));
    assertWrite("DELETE FROM jobs WHERE id = ? RETURNING payload", Set.of(), Set.of("JOBS"));
    assertWrite("DELETE FROM jobs RETURNING *", Set.of(), Set.of("JOBS"));
  }

  @Test
  void lockingQueriesAreWritesWithExclusiveLocksOnTheRowsTheyLockForUpdate() {
    Analysis a = assertWrite("SELECT * FROM accounts WHERE id = ? FOR UPDATE", Set.of(), Set.of("ACCOUNTS"));
    assertFalse(a.isRead());
    assertWrite("SELECT * FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
        Set.of(), Set.of("JOBS"));
    assertWrite("select a1_0.id,a1_0.balance from accounts a1_0 where a1_0.id=? for update nowait",
        Set.of(), Set.of("ACCOUNTS"));
    assertWrite("SELECT * FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ? FOR UPDATE OF o",
        Set.of("USERS"), Set.of("ORDERS"));
    assertWrite("SELECT * FROM t WHERE a IN (SELECT b FROM u) FOR NO KEY UPDATE", Set.of("U"), Set.of("T"));
    assertWrite("WITH c AS (SELECT id FROM accounts) SELECT * FROM c JOIN ledger l ON l.id = c.id FOR UPDATE",
        Set.of("ACCOUNTS"), Set.of("LEDGER"));
    // Share locks keep writers out, as Ordo's shared table locks already do; still not a pure read.
    assertWrite("SELECT * FROM accounts WHERE id IN (?, ?) FOR SHARE", Set.of("ACCOUNTS"), Set.of());
    assertWrite("SELECT * FROM parents WHERE id = ? FOR KEY SHARE", Set.of("PARENTS"), Set.of());
  }

  @Test
  void h2MergeKeyIsAnUpsertOfItsTarget() {
    assertEquals("merge of CUSTOMERS",
        assertWrite("MERGE INTO customers KEY (id) VALUES (?, ?, ?)", Set.of(), Set.of("CUSTOMERS")).reason());
    assertWrite("MERGE INTO customers (id, name) KEY (id) SELECT id, name FROM staging",
        Set.of("STAGING"), Set.of("CUSTOMERS"));
    assertWrite("MERGE INTO settings (k, v) VALUES ('theme', 'dark')", Set.of(), Set.of("SETTINGS"));
    assertWrite("MERGE INTO stock s USING deliveries d ON s.sku = d.sku WHEN MATCHED THEN UPDATE SET qty = d.qty",
        Set.of("DELIVERIES"), Set.of("STOCK"));
  }

  @Test
  void sequencesAreKnownByName() {
    assertEquals(Set.of("USERS_ID_SEQ"), assertWrite("INSERT INTO users (id, email) VALUES (nextval('users_id_seq'), ?)",
        Set.of(), Set.of("USERS")).sequences());
    assertEquals(Set.of("S"), assertWrite("SELECT setval('s', (SELECT max(id) FROM users))",
        Set.of("USERS"), Set.of()).sequences());
    assertEquals(Set.of("ORDER_SEQ"), assertWrite("SELECT NEXT VALUE FOR order_seq", Set.of(), Set.of()).sequences());
  }

  @Test
  void postgresExpressionsParse() {
    assertTables("SELECT id::text, amount::numeric(12, 2), tags::text[] FROM payments WHERE created_at::date = ?::date",
        Analysis.Kind.READ, Set.of("PAYMENTS"), Set.of());
    assertTables("SELECT payload->>'type', payload->'user'->>'id', data #>> '{a,b}' FROM webhooks "
        + "WHERE tags @> ARRAY['x'] AND NOT tags && ARRAY['y']", Analysis.Kind.READ, Set.of("WEBHOOKS"), Set.of());
    assertTables("SELECT * FROM events WHERE created_at > now() - interval '1 day'",
        Analysis.Kind.READ, Set.of("EVENTS"), Set.of());
    assertTables("SELECT created_at AT TIME ZONE 'UTC' FROM events WHERE created_at AT TIME ZONE 'UTC' > ?",
        Analysis.Kind.READ, Set.of("EVENTS"), Set.of());
    assertTables("SELECT * FROM users WHERE email ~* '^admin@' AND id = ANY (?)",
        Analysis.Kind.READ, Set.of("USERS"), Set.of());
    assertTables("SELECT i FROM generate_series(1, 10) AS g(i)", Analysis.Kind.READ, Set.of(), Set.of());
    assertTables("SELECT now(), gen_random_uuid(), CURRENT_TIMESTAMP", Analysis.Kind.READ, Set.of(), Set.of());
    assertTables("TABLE users", Analysis.Kind.READ, Set.of("USERS"), Set.of());
    assertTables("SELECT * FROM t TABLESAMPLE BERNOULLI(10)", Analysis.Kind.READ, Set.of("T"), Set.of());
  }

  @Test
  void ddlIsParsedAndLocksWhatItTouches() {
    assertDdl("CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id) "
        + "ON DELETE CASCADE, total NUMERIC(12, 2) CHECK (total >= 0), created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        Set.of("USERS"), Set.of("ORDERS"));
    assertDdl("CREATE TABLE IF NOT EXISTS items (id INT GENERATED ALWAYS AS IDENTITY (START WITH 10), "
        + "label VARCHAR(40) DEFAULT 'x' NOT NULL, tags TEXT[], PRIMARY KEY (id), "
        + "CONSTRAINT fk FOREIGN KEY (label) REFERENCES labels (name))", Set.of("LABELS"), Set.of("ITEMS"));
    assertDdl("CREATE TABLE customers (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL)",
        Set.of(), Set.of("CUSTOMERS"));
    // Creating the table draws nothing from t_seq: only the table is locked.
    assertDdl("CREATE TABLE t (id BIGINT DEFAULT nextval('t_seq') PRIMARY KEY)", Set.of(), Set.of("T"));
    assertDdl("CREATE TABLE archive AS SELECT * FROM orders WHERE false", Set.of("ORDERS"), Set.of("ARCHIVE"));
    assertDdl("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS idx ON public.users (lower(email)) "
        + "WHERE deleted_at IS NULL", Set.of(), Set.of("PUBLIC.USERS"));
    assertDdl("CREATE INDEX idx_events ON events USING btree (created_at DESC NULLS LAST) INCLUDE (kind)",
        Set.of(), Set.of("EVENTS"));
    assertDdl("DROP INDEX IF EXISTS idx", Set.of(), Set.of());
    assertDdl("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id)",
        Set.of("USERS"), Set.of("ORDERS"));
    assertDdl("ALTER TABLE users ADD COLUMN IF NOT EXISTS locale VARCHAR(10) NOT NULL DEFAULT 'en', "
        + "ALTER COLUMN name SET NOT NULL, DROP COLUMN IF EXISTS legacy", Set.of(), Set.of("USERS"));
    assertDdl("ALTER TABLE orders ALTER COLUMN status TYPE TEXT USING status::text", Set.of(), Set.of("ORDERS"));
    assertDdl("ALTER TABLE users RENAME TO app_users", Set.of(), Set.of("USERS", "APP_USERS"));
    assertDdl("ALTER TABLE customers ALTER COLUMN id RESTART WITH 1000", Set.of(), Set.of("CUSTOMERS"));
    assertDdl("DROP TABLE IF EXISTS x, y CASCADE", Set.of(), Set.of("X", "Y"));
    assertDdl("TRUNCATE TABLE sessions RESTART IDENTITY", Set.of(), Set.of("SESSIONS"));
    assertDdl("CREATE OR REPLACE VIEW v AS SELECT * FROM users", Set.of("USERS"), Set.of("V"));
    assertDdl("COMMENT ON COLUMN users.email IS 'login'", Set.of(), Set.of("USERS"));
  }

  @Test
  void sequenceDdlNamesItsSequences() {
    assertEquals(Set.of("INVOICE_SEQ"), assertDdl("CREATE SEQUENCE IF NOT EXISTS invoice_seq START WITH 1000 "
        + "INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1 NO CYCLE", Set.of(), Set.of()).sequences());
    // X on the sequence, S on the owning table; later entries see the new catalog.
    assertEquals(Set.of("USERS_ID_SEQ"), assertDdl("ALTER SEQUENCE users_id_seq OWNED BY users.id",
        Set.of("USERS"), Set.of()).sequences());
    assertEquals(Set.of("S"), assertDdl("ALTER SEQUENCE s RESTART WITH 1", Set.of(), Set.of()).sequences());
    assertEquals(Set.of("A", "B"), assertDdl("DROP SEQUENCE IF EXISTS a, b", Set.of(), Set.of()).sequences());
  }

  @Test
  void lockTableLocksItsTablesExclusively() {
    assertWrite("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE", Set.of(), Set.of("ACCOUNTS"));
    assertWrite("LOCK TABLE \"public\".\"flyway_schema_history\" IN ACCESS EXCLUSIVE MODE",
        Set.of(), Set.of("PUBLIC.FLYWAY_SCHEMA_HISTORY"));
  }

  @Test
  void sessionSettingsKeepTheGlobalLock() {
    for (String sql : new String[] {"SET search_path TO app, public", "SET TIME ZONE 'UTC'",
        "SET statement_timeout = 0", "SET LOCAL lock_timeout = '5s'", "RESET statement_timeout",
        "SET LOCK_TIMEOUT 1000"}) {
      Analysis a = analyzer.analyze(sql);
      assertTrue(a.parsed(), sql);
      assertEquals(Analysis.Kind.WRITE, a.kind(), sql);
      assertTrue(a.globalLock(), sql);
      assertFalse(a.ddl(), sql);
    }
  }

  @Test
  void setSessionIsTransactionControlOnlyForCharacteristics() {
    assertEquals(Analysis.Kind.TRANSACTION_CONTROL,
        analyzer.analyze("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE").kind());
    assertEquals(Analysis.Kind.TRANSACTION_CONTROL,
        analyzer.analyze("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").kind());
    Analysis setting = analyzer.analyze("SET SESSION search_path TO app, public");
    assertEquals(Analysis.Kind.WRITE, setting.kind(), "a session setting runs on the replicas, not ignored");
    assertTrue(setting.globalLock());
  }

  @Test
  void aTerminatingSemicolonDoesNotChangeTheAnalysis() {
    // Flyway sends this one as written, semicolon included, from every instance as it starts.
    Analysis read = analyzer.analyze("SELECT rolname FROM pg_roles WHERE rolname ILIKE 'rds_superuser';");
    assertEquals(Analysis.Kind.READ, read.kind(), read.reason());
    assertEquals(Set.of("PG_ROLES"), read.tablesRead());
    Analysis write = analyzer.analyze("INSERT INTO t VALUES (1) ;\n");
    assertFalse(write.globalLock(), write.reason());
    assertEquals(Set.of("T"), write.tablesWritten());
    assertEquals(Analysis.Kind.READ, analyzer.analyze("SELECT 1 -- the end;").kind());
    Analysis two = analyzer.analyze("SELECT 1; SELECT 2;");
    assertEquals(Analysis.Kind.REFUSED, two.kind(), "two statements are refused (ConfinementTest)");
    assertTrue(analyzer.analyze("CREATE TABLE t (id INT);").ddl());
  }

  @Test
  void showIsARead() {
    for (String sql : new String[] {"SHOW search_path", "SHOW server_version", "SHOW ALL", "SHOW TIME ZONE",
        "SHOW TRANSACTION ISOLATION LEVEL"}) {
      Analysis a = analyzer.analyze(sql);
      assertTrue(a.parsed(), sql);
      assertEquals(Analysis.Kind.READ, a.kind(), sql);
      assertFalse(a.globalLock(), sql);
    }
  }

  @Test
  void setRoleTakesNoLocks() {
    for (String sql : new String[] {"SET ROLE 'ordo'", "SET ROLE ordo", "SET SESSION ROLE 'ordo'", "RESET ROLE"}) {
      Analysis a = analyzer.analyze(sql);
      assertTrue(a.parsed(), sql);
      assertEquals(Analysis.Kind.WRITE, a.kind(), sql);
      assertFalse(a.globalLock(), sql + ": " + a.reason());
      assertEquals(Set.of(), a.tablesRead(), sql);
      assertEquals(Set.of(), a.tablesWritten(), sql);
    }
  }

  @Test
  void transactionLevelAdvisoryLocksTakeOrdosAdvisoryLockOnly() {
    for (String sql : new String[] {"SELECT pg_try_advisory_xact_lock(77433833903597)",
        "SELECT pg_advisory_xact_lock(?)", "SELECT pg_advisory_xact_lock_shared(1, 2)",
        "select pg_try_advisory_xact_lock_shared(3)"}) {
      Analysis a = analyzer.analyze(sql);
      assertEquals(Analysis.Kind.WRITE, a.kind(), sql);
      assertFalse(a.globalLock(), sql + ": " + a.reason());
      assertTrue(a.advisoryLock(), sql);
      assertTrue(a.reason().contains("advisory lock"), a.reason());
    }
    Analysis withTable = analyzer.analyze("SELECT id, pg_advisory_xact_lock(id) FROM jobs WHERE id = 1");
    assertTrue(withTable.advisoryLock());
    assertEquals(Set.of("JOBS"), withTable.tablesRead());
    assertFalse(analyzer.analyze("SELECT pg_advisory_lock(1)").advisoryLock(), "session-level: not transactional");
    assertFalse(analyzer.analyze("SELECT 1").advisoryLock());
  }

  @Test
  void firstKeywordsSkipCommentsAndParentheses() {
    assertEquals("SELECT X", Lexer.firstKeywords(" -- c\n /* d */ ( select x from t)", 2));
    assertEquals("", Lexer.firstKeywords("", 2));
  }
}
