package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.txn.TxnEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing beyond the replicated data is reached through Ordo, on H2 replicas that run with full rights (H2's
 * {@code sa}) and on PostgreSQL replicas reached as a role that owns its database but is not a superuser (what
 * docs/configuration.md advises; the rules below hold for a superuser too): files, programs, script and link
 * features, server accounts and
 * configuration, Ordo's bookkeeping, and a second statement hidden after the first are refused before any replica
 * sees them (42501, or 0A000 for several statements), and an entry that holds one anyway — written straight into
 * the Raft log — is refused where it is applied, alike on every replica, and never run.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConfinementIT {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void whatReachesBeyondTheDataIsRefusedAndNothingHappens(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve(backend.name()), 3, backend);
    Path outside = Files.createDirectories(dir.resolve("outside-" + backend));
    OrdoNode node = Nodes.startReady(cfg);
    try {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE kept (id INT PRIMARY KEY, v VARCHAR(20))");
        s.executeUpdate("INSERT INTO kept VALUES (1, 'one')");
      }
      Nodes.awaitReplicasCaughtUp(node);
      Map<String, List<String>> before = Nodes.replicaContents(cfg).get(0);
      Path written = outside.resolve("written.txt");
      String path = written.toString().replace("'", "''");

      Map<String, String> forbidden = new LinkedHashMap<>(); // statement → what the refusal names
      forbidden.put("DELETE FROM ORDO.APPLIED", "bookkeeping");
      forbidden.put("UPDATE ordo.applied SET outcome = 'C'", "bookkeeping");
      forbidden.put("DROP SCHEMA ORDO CASCADE", "bookkeeping");
      if (backend == Backend.H2) {
        forbidden.put("CALL CSVWRITE('" + path + "', 'SELECT * FROM kept')", "csvwrite()");
        forbidden.put("SELECT FILE_WRITE('x', '" + path + "')", "file_write()");
        forbidden.put("SELECT FILE_READ('" + cfg.dataDir().toString().replace("'", "''") + "')", "file_read()");
        forbidden.put("SELECT * FROM CSVREAD('/etc/hosts')", "csvread()");
        forbidden.put("RUNSCRIPT FROM '" + path + "'", "RUNSCRIPT");
        forbidden.put("SCRIPT TO '" + path + "'", "SCRIPT");
        forbidden.put("SCRIPT", "SCRIPT");
        forbidden.put("CREATE LINKED TABLE lt('org.h2.Driver', 'jdbc:h2:mem:other', 'sa', '', 'T')", "LINKED");
        forbidden.put("CALL LINK_SCHEMA('L', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')", "link_schema()");
        forbidden.put("CREATE USER eve PASSWORD 'eve' ADMIN", "accounts");
        forbidden.put("SET EXCLUSIVE 1", "EXCLUSIVE");
      } else {
        forbidden.put("SELECT pg_read_file('postgresql.conf')", "pg_read_file()");
        forbidden.put("SELECT * FROM pg_ls_dir('.')", "pg_ls_dir()");
        forbidden.put("DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch " + path.replace("'", "''")
            + "'''; END $$", "DO");
        forbidden.put("CREATE ROLE eve SUPERUSER LOGIN PASSWORD 'eve'", "accounts");
        forbidden.put("ALTER SYSTEM SET log_statement = 'none'", "ALTER SYSTEM");
        forbidden.put("SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend()");
        forbidden.put("CREATE FUNCTION rf() RETURNS text LANGUAGE sql AS $$ SELECT pg_read_file('PG_VERSION') $$",
            "function's body");
      }
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        for (Map.Entry<String, String> f : forbidden.entrySet()) {
          SQLException e = assertThrows(SQLException.class, () -> s.execute(f.getKey()), f.getKey());
          assertEquals("42501", e.getSQLState(), f.getKey() + ": " + e.getMessage());
          assertTrue(e instanceof SQLSyntaxErrorException, e.getClass().getName());
          assertTrue(e.getMessage().contains("Ordo refuses this statement") && e.getMessage().contains(f.getValue()),
              f.getKey() + ": " + e.getMessage());
        }
        // A second statement after the first: refused whole, neither runs.
        SQLException two = assertThrows(SQLException.class,
            () -> s.execute("UPDATE kept SET v = 'two' WHERE id = 1; DROP TABLE kept"));
        assertEquals("0A000", two.getSQLState(), two.getMessage());
        assertTrue(two.getMessage().contains("2 statements"), two.getMessage());
        // In a batch, the item is named.
        s.addBatch("UPDATE kept SET v = 'batch' WHERE id = 1");
        s.addBatch("DELETE FROM ORDO.APPLIED");
        SQLException batch = assertThrows(SQLException.class, s::executeBatch);
        assertEquals("42501", batch.getSQLState(), batch.getMessage());
        assertTrue(batch.getMessage().contains("batch item 1"), batch.getMessage());
        if (backend == Backend.H2) {
          // The second wall on H2: client SQL runs as a least-privilege account, which H2 itself refuses files.
          try (Connection replica = node.replicas().get(0).readConnection(); Statement r = replica.createStatement()) {
            try (ResultSet rs = r.executeQuery("SELECT CURRENT_USER")) {
              assertTrue(rs.next());
              assertEquals("ORDO_CLIENT", rs.getString(1));
            }
            SQLException denied = assertThrows(SQLException.class,
                () -> r.executeQuery("SELECT FILE_READ('/etc/hostname')"));
            assertEquals("90040", denied.getSQLState(), denied.getMessage());
          }
        }
        if (backend == Backend.POSTGRESQL) {
          // SQL built at run time is out of Ordo's sight; the replicas' role is the wall: PostgreSQL refuses
          // it the same way on every replica, and that refusal is the answer.
          s.execute("CREATE FUNCTION sneaky() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'CO' || 'PY (SELECT"
              + " 1) TO PROGRAM ''touch " + path.replace("'", "''") + "'''; END $$");
          SQLException denied = assertThrows(SQLException.class, () -> s.execute("SELECT sneaky()"));
          assertEquals("42501", denied.getSQLState(), denied.getMessage());
          assertFalse(denied.getMessage().contains("Ordo refuses"), denied.getMessage());
        }
        // Reading Ordo's bookkeeping is allowed.
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ORDO.APPLIED")) {
          assertTrue(rs.next() && rs.getLong(1) > 0);
        }
      }

      // Entries written straight into the log, as a peer-port attacker would: refused where applied.
      String forged = backend == Backend.H2 ? "CALL CSVWRITE('" + path + "', 'SELECT * FROM kept')"
          : "DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch " + path.replace("'", "''") + "'''; END $$";
      node.sequencer().append(entry(1, forged).encode()).get(30, TimeUnit.SECONDS);
      node.sequencer().append(entry(2, "DELETE FROM ORDO.APPLIED").encode()).get(30, TimeUnit.SECONDS);
      node.sequencer().append(entry(3, "UPDATE kept SET v = 'x' WHERE id = 1; DROP TABLE kept").encode())
          .get(30, TimeUnit.SECONDS);
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE kept SET v = 'after' WHERE id = 1"));
      }
      Nodes.awaitReplicasCaughtUp(node);

      assertFalse(Files.exists(written), "nothing was written outside the data: " + written);
      List<Map<String, List<String>>> contents = Nodes.replicaContents(cfg);
      for (int i = 0; i < contents.size(); i++) {
        assertEquals(contents.get(0), contents.get(i), "replica r" + (i + 1) + " is identical to r1");
      }
      Map<String, List<String>> after = contents.get(0);
      String kept = after.keySet().stream().filter(k -> k.toUpperCase(java.util.Locale.ROOT).endsWith("\"KEPT\""))
          .findFirst().orElseThrow();
      assertEquals(List.of("1|after|"), after.get(kept), "the table is there, changed only by the allowed write");
      String applied = after.keySet().stream()
          .filter(k -> k.toUpperCase(java.util.Locale.ROOT).endsWith("\"APPLIED\"")).findFirst().orElseThrow();
      assertTrue(after.get(applied).size() > before.get(applied).size(), "the bookkeeping was not emptied");
      long refusedHere = after.get(applied).stream().filter(r -> r.startsWith("forger:")).count();
      assertEquals(3, refusedHere, "each forged entry is recorded as applied (refused): " + after.get(applied));
      assertTrue(after.get(applied).stream().filter(r -> r.startsWith("forger:"))
          .allMatch(r -> r.contains("|E|") && (r.contains("42501") || r.contains("0A000"))), after.get(applied)
          .toString());
    } finally {
      node.close();
    }
  }

  private static TxnEntry entry(long requestId, String sql) {
    return new TxnEntry(TxnEntry.Kind.ONE_SHOT, "forger", 1, requestId, "", false,
        System.currentTimeMillis() * 1000, false, KeyRequest.NONE, List.of(new TxnEntry.Statement(sql, List.of())));
  }
}
