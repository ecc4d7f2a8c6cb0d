package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random-value calls in writes leave the three H2 or PostgreSQL replicas of a node identical; writes that would
 * evaluate them per row, and features that live in one replica's session or server, are refused with 0A000 and
 * change nothing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ParameterizedClass
@EnumSource(Backend.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NondeterminismIT {
  @TempDir
  static Path dir;
  @Parameter
  Backend backend;
  static OrdoNode node;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE rnd (id INT PRIMARY KEY, r DOUBLE PRECISION, u UUID, b "
          + (backend == Backend.H2 ? "VARBINARY(16)" : "BYTEA") + ", note VARCHAR(40))");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  private String rand() {
    return backend == Backend.H2 ? "RAND()" : "random()";
  }

  private String uuid() {
    return backend == Backend.H2 ? "RANDOM_UUID()" : "gen_random_uuid()";
  }

  private String bytes() {
    return backend == Backend.H2 ? "SECURE_RAND(8)" : "gen_random_bytes(8)";
  }

  private static void assertReplicasIdentical() throws Exception {
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> replicas = Nodes.replicaContents(node.config());
    assertEquals(replicas.get(0), replicas.get(1));
    assertEquals(replicas.get(0), replicas.get(2));
  }

  @Test
  @Order(1)
  void onceAStatementCallsBecomeTheSameLiteralOnEveryReplica() throws Exception {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO rnd VALUES (1, " + rand() + ", " + uuid() + ", " + bytes() + ", 'random()')");
      s.executeUpdate("INSERT INTO rnd VALUES (2, " + rand() + ", " + uuid() + ", NULL, 'a'), (3, " + rand() + ", "
          + uuid() + ", NULL, 'b')");
      s.executeUpdate("INSERT INTO rnd (id, r, u) SELECT 4, " + rand() + ", " + uuid());
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rnd (id, r, u, note) VALUES (?, " + rand() + ", "
          + uuid() + ", ?)")) {
        ps.setInt(1, 5);
        ps.setString(2, "prepared");
        ps.executeUpdate();
        ps.setInt(1, 6);
        ps.addBatch();
        ps.setInt(1, 7);
        ps.addBatch();
        ps.executeBatch();
      }
      if (backend == Backend.POSTGRESQL) {
        // Rewritten even where the server lacks the function (uuid-ossp is not installed) or is older.
        s.executeUpdate("INSERT INTO rnd (id, r, u) VALUES (8, random_normal(0.5, 0.01), uuid_generate_v4())");
      } else {
        s.executeUpdate("INSERT INTO rnd (id, r, u) VALUES (8, RANDOM(), UUID())");
      }
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO rnd (id, r, u, note) VALUES (10, " + rand() + ", " + uuid() + ", 'txn')");
      s.executeUpdate("INSERT INTO rnd (id, r, u, note) VALUES (11, " + rand() + ", " + uuid() + ", 'txn')");
      c.commit();
      c.setAutoCommit(true);

      Set<Double> rs = new HashSet<>();
      Set<UUID> us = new HashSet<>();
      int rows = 0;
      try (ResultSet q = s.executeQuery("SELECT id, r, u, b, note FROM rnd ORDER BY id")) {
        while (q.next()) {
          rows++;
          double r = q.getDouble(2);
          assertTrue(r >= 0 && r < 1, "row " + q.getInt(1) + ": " + r);
          rs.add(r);
          UUID u = UUID.fromString(q.getString(3));
          assertEquals(4, u.version(), u.toString());
          us.add(u);
          if (q.getInt(1) == 1) {
            assertEquals(8, q.getBytes(4).length);
            assertEquals("random()", q.getString(5), "text in strings stays");
          }
        }
      }
      assertEquals(10, rows);
      assertEquals(10, rs.size(), "every call draws its own value: " + rs);
      assertEquals(10, us.size(), "every call draws its own value: " + us);

      try (ResultSet q = s.executeQuery("EXPLAIN ORDO INSERT INTO rnd (id, r) VALUES (99, " + rand() + ")")) {
        String rewrites = null;
        while (q.next()) {
          if (q.getString(1).equals("rewrites")) {
            rewrites = q.getString(2);
          }
        }
        assertNotNull(rewrites);
        assertTrue(rewrites.contains("VALUES (99, CAST("), rewrites);
      }
    }
    assertReplicasIdentical();
  }

  @Test
  @Order(2)
  void readsKeepTheEnginesRandomValues() throws Exception {
    String rows = backend == Backend.H2 ? "SYSTEM_RANGE(1, 20)" : "generate_series(1, 20)";
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      for (boolean autocommit : new boolean[] {true, false}) {
        c.setAutoCommit(autocommit);
        try (ResultSet q = s.executeQuery("SELECT count(DISTINCT x) FROM (SELECT " + rand() + " AS x FROM " + rows
            + ") v")) {
          assertTrue(q.next());
          assertEquals(20, q.getInt(1), "a read is not rewritten (autocommit " + autocommit + ")");
        }
        if (!autocommit) {
          c.commit();
        }
      }
    }
  }

  private void assertRefused(Statement s, String sql, String fragment) {
    SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
    assertEquals("0A000", e.getSQLState(), sql + ": " + e.getMessage());
    assertTrue(e.getMessage().startsWith("Ordo refuses this statement: "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' lacks '" + fragment + "'");
  }

  @Test
  @Order(3)
  void perRowCallsAndPerReplicaFeaturesAreRefused() throws Exception {
    Nodes.awaitReplicasCaughtUp(node);
    Map<String, List<String>> before = Nodes.replicaContents(node.config()).get(0);
    String perRow = "would be evaluated once per row, differently on each replica";
    String r = rand().toLowerCase(java.util.Locale.ROOT);
    String u = uuid().toLowerCase(java.util.Locale.ROOT);
    List<String[]> cases = new ArrayList<>(List.of(
        new String[] {"UPDATE rnd SET r = " + rand(), r + " in UPDATE"},
        new String[] {"UPDATE rnd SET u = " + uuid() + " WHERE id = 1", u + " in UPDATE"},
        new String[] {"DELETE FROM rnd WHERE " + rand() + " < 2", r + " in DELETE"},
        new String[] {"INSERT INTO rnd (id, r) SELECT id + 100, " + rand() + " FROM rnd",
            r + " in INSERT … SELECT … FROM"},
        new String[] {"INSERT INTO rnd (id, r) SELECT id + 100, r FROM rnd ORDER BY " + rand(), perRow},
        new String[] {"SELECT id FROM rnd ORDER BY " + rand() + " LIMIT 1 FOR UPDATE", perRow},
        new String[] {"CREATE TEMPORARY TABLE tmp (id INT)", "CREATE TEMPORARY TABLE"},
        new String[] {"CREATE SEQUENCE cached_seq CACHE 20", "use CACHE 1"},
        new String[] {"LISTEN events", "LISTEN"},
        new String[] {"SELECT currval('some_seq')", "RETURNING"}));
    if (backend == Backend.POSTGRESQL) {
      cases.addAll(List.of(
          new String[] {"INSERT INTO rnd (id, r) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET r = random()",
              "random() in ON CONFLICT DO UPDATE"},
          new String[] {"CREATE UNLOGGED TABLE unl (id INT)", "CREATE UNLOGGED TABLE"},
          new String[] {"CREATE TEMP TABLE tmp (id INT)", "CREATE TEMP TABLE"},
          new String[] {"SELECT pg_advisory_lock(1)", "pg_advisory_xact_lock()"},
          new String[] {"SELECT lo_create(0)", "large objects"},
          new String[] {"COPY rnd FROM STDIN", "copy protocol"},
          new String[] {"COPY rnd TO '/tmp/rnd.csv'", "server-side COPY"},
          new String[] {"NOTIFY events, 'x'", "NOTIFY"},
          new String[] {"SELECT pg_notify('events', 'x')", "pg_notify()"},
          new String[] {"INSERT INTO rnd (id, note) VALUES (50, pg_backend_pid()::text)", "pg_backend_pid() in a write"},
          new String[] {"INSERT INTO rnd (id, r) VALUES (51, random(1, 10))", "random(min, max)"}));
    } else {
      cases.addAll(List.of(
          new String[] {"MERGE INTO rnd USING (SELECT 1 AS id) s ON rnd.id = s.id WHEN MATCHED THEN UPDATE SET r = RAND()",
              "rand() in MERGE"},
          new String[] {"CREATE LOCAL TEMPORARY TABLE tmp (id INT)", "CREATE LOCAL TEMPORARY TABLE"},
          new String[] {"CREATE GLOBAL TEMPORARY TABLE tmp (id INT)", "CREATE GLOBAL TEMPORARY TABLE"},
          new String[] {"CREATE ALIAS MY_SQRT FOR \"java.lang.Math.sqrt\"", "CREATE ALIAS"},
          new String[] {"CREATE TRIGGER trg BEFORE INSERT ON rnd FOR EACH ROW CALL \"org.example.Trigger\"",
              "CREATE TRIGGER"},
          new String[] {"INSERT INTO rnd (id, note) VALUES (50, CAST(SESSION_ID() AS VARCHAR))",
              "session_id() in a write"},
          new String[] {"SELECT CURRENT VALUE FOR some_seq", "CURRENT VALUE FOR"}));
    }
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      for (String[] k : cases) {
        assertRefused(s, k[0], k[1]);
      }
      // Inside an interactive transaction too; the transaction's own work is kept.
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO rnd (id, r, u, note) VALUES (20, " + rand() + ", " + uuid() + ", 'kept')");
      assertRefused(s, "UPDATE rnd SET r = " + rand() + " WHERE id = 20", perRow);
      c.rollback();
      c.setAutoCommit(true);
      try (ResultSet q = s.executeQuery("SELECT count(*) FROM rnd")) {
        assertTrue(q.next());
        assertEquals(10, q.getInt(1));
      }
    }
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> after = Nodes.replicaContents(node.config());
    Map<String, List<String>> data = new java.util.TreeMap<>(after.get(0));
    Map<String, List<String>> expected = new java.util.TreeMap<>(before);
    data.keySet().removeIf(t -> t.toUpperCase(java.util.Locale.ROOT).contains("\"ORDO\""));
    expected.keySet().removeIf(t -> t.toUpperCase(java.util.Locale.ROOT).contains("\"ORDO\""));
    assertEquals(expected, data, "a refused statement changes nothing");
    for (String table : data.keySet()) {
      assertFalse(table.toUpperCase(java.util.Locale.ROOT).contains("TMP")
          || table.toUpperCase(java.util.Locale.ROOT).contains("UNL"), table);
    }
    assertReplicasIdentical();
  }
}
