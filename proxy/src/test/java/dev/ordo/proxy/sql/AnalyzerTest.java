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
    Analysis a = analyzer.analyze("CREATE ALIAS my_abs FOR 'java.lang.Math.abs' -- not in Calcite's grammar");
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

  @Test
  void firstKeywordsSkipCommentsAndParentheses() {
    assertEquals("SELECT X", Lexer.firstKeywords(" -- c\n /* d */ ( select x from t)", 2));
    assertEquals("", Lexer.firstKeywords("", 2));
  }
}
