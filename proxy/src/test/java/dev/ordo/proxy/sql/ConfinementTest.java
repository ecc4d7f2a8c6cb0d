package dev.ordo.proxy.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What never reaches a replica: text beyond one statement, and anything beyond the replicated data. */
class ConfinementTest {
  private final Analyzer analyzer = new Analyzer();

  private void assertForbidden(String sql, String... fragments) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.FORBIDDEN, a.kind(), sql + ": " + a.reason());
    for (String f : fragments) {
      assertTrue(a.reason().contains(f), "'" + a.reason() + "' lacks '" + f + "'");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1; CREATE ALIAS X FOR \"java.lang.Runtime.getRuntime\"",
      "INSERT INTO t VALUES (1);DELETE FROM t",
      "SELECT 1 ; SELECT 2;",
      "/* one */ SELECT ';'; -- two\n SELECT 2",
      "CREATE TRIGGER tr UPDATE ON t BEGIN SELECT 1; END; DROP TABLE t"})
  void severalStatementsInOneTextAreRefused(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertEquals(Analysis.Kind.REFUSED, a.kind(), sql + ": " + a.reason());
    assertTrue(a.reason().contains("2 statements") && a.reason().contains("addBatch"), a.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT 1;",
      "SELECT 1;;  ",
      "SELECT ';' AS semi",
      "SELECT $$a;b$$",
      "SELECT 1 -- ; DROP TABLE t\n",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN UPDATE t SET v = 1; RETURN 1; END $$",
      "CREATE FUNCTION g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a + 1; END",
      "CREATE TRIGGER t1r1 UPDATE ON t1 BEGIN SELECT 1; END;",
      "CREATE PROCEDURE p() BEGIN IF 1 = 1 THEN SELECT 1; END IF; SELECT CASE WHEN 1 = 1 THEN 2 END; END"})
  void oneStatementWithSemicolonsInsideIsNotRefusedForThem(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.kind() != Analysis.Kind.REFUSED || !a.reason().contains("statements"), sql + ": " + a.reason());
    assertTrue(a.kind() != Analysis.Kind.FORBIDDEN, sql + ": " + a.reason());
  }

  @Test
  void h2FileScriptLinkAndSessionFeaturesAreForbidden() {
    assertForbidden("SELECT FILE_READ('/etc/passwd')", "file_read()");
    assertForbidden("CALL FILE_WRITE('x', '/tmp/ordo-owned')", "file_write()");
    assertForbidden("SELECT * FROM CSVREAD('/etc/hosts')", "csvread()");
    assertForbidden("CALL CSVWRITE('/tmp/x.csv', 'SELECT * FROM t')", "csvwrite()");
    assertForbidden("INSERT INTO t SELECT * FROM csvread('/tmp/in.csv')", "csvread()");
    assertForbidden("CALL LINK_SCHEMA('X', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')", "link_schema()");
    assertForbidden("SELECT \"FILE_READ\"('/etc/passwd')", "file_read()");
    assertForbidden("SELECT U&\"FILE\\005FREAD\"('/etc/passwd')", "file_read()");
    assertForbidden("CALL CANCEL_SESSION(3)", "cancel_session()");
    assertForbidden("RUNSCRIPT FROM '/tmp/evil.sql'", "RUNSCRIPT");
    assertForbidden("SCRIPT TO '/tmp/dump.sql'", "SCRIPT");
    assertForbidden("SCRIPT", "SCRIPT");
    assertForbidden("CREATE LINKED TABLE lt('org.h2.Driver', 'jdbc:h2:mem:x', 'sa', '', 'T')", "LINKED TABLE");
    assertForbidden("CREATE FORCE LINKED TABLE lt('', 'jdbc:h2:mem:x', '', '', 'T')", "LINKED TABLE");
    assertForbidden("CREATE TABLE e (id INT) ENGINE \"com.acme.Engine\"", "ENGINE");
    assertForbidden("SET EXCLUSIVE 1", "EXCLUSIVE");
    assertForbidden("SET LOCK_MODE 0", "LOCK_MODE");
    assertForbidden("SET JAVA_OBJECT_SERIALIZER 'com.acme.S'", "JAVA_OBJECT_SERIALIZER");
    assertForbidden("SET MODE PostgreSQL", "SET MODE", "configure the replicas directly");
    assertForbidden("CREATE USER eve PASSWORD 'x' ADMIN", "CREATE USER");
    assertForbidden("ALTER USER SA SET PASSWORD 'x'", "ALTER USER");
    assertForbidden("GRANT ALTER ANY SCHEMA TO eve", "GRANT");
  }

  @Test
  void postgresqlFileProgramLinkAndServerFeaturesAreForbidden() {
    assertForbidden("SELECT pg_read_file('/etc/passwd')", "pg_read_file()");
    assertForbidden("SELECT pg_catalog.pg_read_binary_file('postgresql.conf')", "pg_read_binary_file()");
    assertForbidden("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir()");
    assertForbidden("SELECT lo_import('/etc/passwd')", "lo_import()");
    assertForbidden("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend()");
    assertForbidden("SELECT query_to_xml('DELETE FROM t RETURNING *', true, false, '')", "query_to_xml()");
    assertForbidden("SELECT * FROM dblink('host=evil', 'SELECT 1') AS x(a int)", "dblink()");
    assertForbidden("DO $$ BEGIN PERFORM 1; END $$", "DO runs a procedural block");
    assertForbidden("do 'BEGIN NULL; END'", "DO");
    assertForbidden("ALTER SYSTEM SET archive_command = 'curl evil'", "ALTER SYSTEM");
    assertForbidden("LOAD '/tmp/evil.so'", "LOAD");
    assertForbidden("CREATE EXTENSION IF NOT EXISTS dblink", "dblink");
    assertForbidden("CREATE EXTENSION adminpack", "adminpack");
    assertForbidden("CREATE SERVER evil FOREIGN DATA WRAPPER postgres_fdw", "CREATE SERVER");
    assertForbidden("CREATE FOREIGN TABLE ft (a int) SERVER s", "CREATE FOREIGN TABLE");
    assertForbidden("CREATE USER MAPPING FOR CURRENT_USER SERVER s", "USER MAPPING");
    assertForbidden("IMPORT FOREIGN SCHEMA public FROM SERVER s INTO x", "IMPORT FOREIGN SCHEMA");
    assertForbidden("CREATE ROLE eve SUPERUSER LOGIN", "CREATE ROLE");
    assertForbidden("GRANT pg_read_server_files TO app", "GRANT");
    assertForbidden("CREATE TABLESPACE t LOCATION '/tmp'", "TABLESPACE");
    assertForbidden("CREATE FUNCTION sh(text) RETURNS text AS 'x' LANGUAGE plpython3u", "plpython3u");
    assertForbidden("CREATE OR REPLACE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT pg_read_file('x') $$",
        "function's body", "pg_read_file()");
    assertForbidden("CREATE FUNCTION f() RETURNS void LANGUAGE 'c' AS 'libevil', 'f'", "language c");
    assertForbidden("SET session_replication_role = replica", "session_replication_role");
  }

  @Test
  void ordosOwnSchemaIsReadOnlyToClients() {
    assertForbidden("DELETE FROM ORDO.APPLIED", "ORDO");
    assertForbidden("UPDATE ordo.applied SET outcome = 'C'", "ORDO");
    assertForbidden("INSERT INTO \"ORDO\".\"APPLIED\" (TXN_ID) VALUES ('x')", "ORDO");
    assertForbidden("DROP TABLE ORDO.APPLIED", "ORDO");
    assertForbidden("DROP SCHEMA ORDO CASCADE", "ORDO");
    assertForbidden("TRUNCATE TABLE ordo.checkpoints", "ORDO");
    assertEquals(Analysis.Kind.READ, analyzer.analyze("SELECT COUNT(*) FROM ORDO.APPLIED").kind());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM t WHERE v = 'FILE_READ(x)'",
      "SELECT file_read_count FROM t",
      "CREATE EXTENSION IF NOT EXISTS pgcrypto",
      "GRANT SELECT ON t TO reporting",
      "REVOKE INSERT ON TABLE t FROM PUBLIC",
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
      "SET search_path TO app, public",
      "SET LOCK_TIMEOUT 1000",
      "CREATE TABLE engines (id INT PRIMARY KEY, engine VARCHAR(10))",
      "SELECT * FROM app.ordo_orders",
      "INSERT INTO app.t SELECT * FROM ORDO.APPLIED"})
  void ordinarySqlIsNotForbidden(String sql) {
    Analysis a = analyzer.analyze(sql);
    assertTrue(a.kind() != Analysis.Kind.FORBIDDEN, sql + ": " + a.reason());
  }
}
