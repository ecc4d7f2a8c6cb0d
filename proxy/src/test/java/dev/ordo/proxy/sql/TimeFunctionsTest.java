package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.config.Backend;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeFunctionsTest {
  private static final Instant TXN = Instant.parse("2026-11-27T20:17:00.123456Z");
  private static final Instant STMT = Instant.parse("2026-11-27T20:17:05.654321Z");
  private static final String TZ = "TIMESTAMP WITH TIME ZONE '2026-11-27 20:17:00.123456+00:00'";

  private static String pg(String sql) {
    return TimeFunctions.rewrite(sql, TXN, STMT, ZoneOffset.UTC, Backend.POSTGRESQL);
  }

  private static String h2(String sql) {
    return TimeFunctions.rewrite(sql, TXN, STMT, ZoneOffset.UTC, Backend.H2);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT CURRENT_TIMESTAMP | SELECT " + TZ,
      "select current_timestamp | select " + TZ,
      "SELECT CURRENT_TIMESTAMP() | SELECT " + TZ,
      "SELECT CURRENT_TIMESTAMP(3) | SELECT TIMESTAMP WITH TIME ZONE '2026-11-27 20:17:00.123+00:00'",
      "SELECT CURRENT_TIMESTAMP ( 0 ) | SELECT TIMESTAMP WITH TIME ZONE '2026-11-27 20:17:00+00:00'",
      "SELECT now() | SELECT " + TZ,
      "SELECT NOW ( ) | SELECT " + TZ,
      "SELECT pg_catalog.now() | SELECT " + TZ,
      "SELECT transaction_timestamp() | SELECT " + TZ,
      "SELECT LOCALTIMESTAMP | SELECT TIMESTAMP '2026-11-27 20:17:00.123456'",
      "SELECT LOCALTIMESTAMP(2) | SELECT TIMESTAMP '2026-11-27 20:17:00.12'",
      "SELECT CURRENT_DATE | SELECT DATE '2026-11-27'",
      "SELECT CURRENT_TIME | SELECT TIME WITH TIME ZONE '20:17:00.123456+00:00'",
      "SELECT LOCALTIME | SELECT TIME '20:17:00.123456'",
      "SELECT statement_timestamp() | SELECT TIMESTAMP WITH TIME ZONE '2026-11-27 20:17:05.654321+00:00'",
      "SELECT clock_timestamp() | SELECT TIMESTAMP WITH TIME ZONE '2026-11-27 20:17:05.654321+00:00'",
      "SELECT now()::date | SELECT " + TZ + "::date",
  })
  void everyFormBecomesALiteralOnPostgres(String sql, String expected) {
    assertEquals(expected, pg(sql));
  }

  @Test
  void h2TypesFollowH2() {
    assertEquals("SELECT TIMESTAMP '2026-11-27 20:17:00.123456'", h2("SELECT NOW()"));
    assertEquals("SELECT " + TZ, h2("SELECT CURRENT_TIMESTAMP"));
    assertEquals("SELECT TIME WITH TIME ZONE '20:17:00+00:00'", h2("SELECT CURRENT_TIME"));
    assertEquals("SELECT TIME '20:17:00'", h2("SELECT LOCALTIME"));
    assertEquals("SELECT TIME '20:17:00.123'", h2("SELECT LOCALTIME(3)"));
  }

  @Test
  void onlyTheCallsChange() {
    String sql = "INSERT INTO t(a, b, c)\n  VALUES (now(),  'now()', -- CURRENT_DATE\n"
        + " /* CURRENT_TIMESTAMP /* nested now() */ LOCALTIME */ \"now\", CURRENT_DATE)";
    String want = "INSERT INTO t(a, b, c)\n  VALUES (" + TZ + ",  'now()', -- CURRENT_DATE\n"
        + " /* CURRENT_TIMESTAMP /* nested now() */ LOCALTIME */ \"now\", DATE '2026-11-27')";
    assertEquals(want, pg(sql));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 'CURRENT_TIMESTAMP' FROM t",
      "SELECT 'it''s now()' FROM t",
      "SELECT E'\\' now()' FROM t",
      "SELECT $$ now() $$, $tag$ CURRENT_DATE $tag$ FROM t",
      "SELECT \"CURRENT_DATE\", \"now\"() FROM t",
      "SELECT t.now, t.now() FROM t",
      "SELECT now FROM t",
      "SELECT my_now(), nowhere, current_dates FROM t",
      "SELECT x FROM t -- now()",
      "SELECT x /* now() */ FROM t",
      "SELECT U&'now()' FROM t",
      "SELECT now(1, 2) FROM t",
  })
  void textThatIsNotACallStays(String sql) {
    assertSame(sql, pg(sql));
    assertFalse(TimeFunctions.hasCalls(sql, Backend.POSTGRESQL));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE t (id INT, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
      "ALTER TABLE t ALTER COLUMN at SET DEFAULT now()",
      "CREATE VIEW v AS SELECT now()",
  })
  void ddlKeepsItsCalls(String sql) {
    assertSame(sql, pg(sql));
  }

  @Test
  void literalsAreShownInTheReplicasZone() {
    String sql = "SELECT now(), LOCALTIMESTAMP, CURRENT_DATE";
    String got = TimeFunctions.rewrite(sql, TXN, STMT, ZoneId.of("Asia/Tokyo"), Backend.POSTGRESQL);
    assertEquals("SELECT TIMESTAMP WITH TIME ZONE '2026-11-28 05:17:00.123456+09:00', "
        + "TIMESTAMP '2026-11-28 05:17:00.123456', DATE '2026-11-28'", got);
    assertTrue(TimeFunctions.hasCalls(sql, Backend.H2));
  }

  @Test
  void callsInsideOtherExpressionsAndAfterStrings() {
    assertEquals("UPDATE t SET at = " + TZ + " WHERE note = 'x' AND d < DATE '2026-11-27'",
        pg("UPDATE t SET at = now() WHERE note = 'x' AND d < CURRENT_DATE"));
    assertEquals("SELECT $1, " + TZ, pg("SELECT $1, now()"));
  }
}
