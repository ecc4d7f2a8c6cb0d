package dev.ordo.sqltests.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ORDO ADD REPLICA}: a new, empty PostgreSQL database joins a running
 * node under write load. It is copied from a healthy replica at one consistent
 * point, then follows the log; afterwards it holds exactly what the others
 * hold, schema and sequences included.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AddReplicaIT {
  @TempDir
  Path dir;

  @Test
  void aNewEmptyReplicaIsCopiedAtOnePointAndThenFollowsTheLog() throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("pg"), 2).withReplicas(PgServers.replicas(2));
    try (OrdoNode node = Nodes.startReady(cfg)) {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE SEQUENCE order_no START WITH 1000 INCREMENT BY 5");
        s.executeUpdate("CREATE TABLE customer (id INT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            + "name VARCHAR(40) NOT NULL UNIQUE, tier TEXT NOT NULL DEFAULT 'basic' CHECK (tier IN ('basic', 'gold')))");
        s.executeUpdate("CREATE TABLE orders (id SERIAL PRIMARY KEY, no BIGINT NOT NULL DEFAULT nextval('order_no'), "
            + "customer INT NOT NULL REFERENCES customer(id), amount NUMERIC(12, 2) NOT NULL, "
            + "total NUMERIC(14, 2) GENERATED ALWAYS AS (amount * 1.2) STORED, note TEXT COLLATE \"C\")");
        s.executeUpdate("CREATE INDEX orders_by_customer ON orders (customer, amount DESC)");
        s.executeUpdate("CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 50");
        s.executeUpdate("CREATE TABLE acked (id BIGINT PRIMARY KEY, writer INT NOT NULL)");
        for (int i = 0; i < 5; i++) {
          s.executeUpdate("INSERT INTO customer (name) VALUES ('c" + i + "')");
        }
      }
      try (LoadOnOrders orders = new LoadOnOrders(node.jdbcUrl())) {
        Thread.sleep(800);
        ReplicaConfig fresh = PgServers.replicas(3).get(2);
        try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("ORDO ADD REPLICA r3 URL '" + fresh.jdbcUrl() + "' USER 'postgres'")) {
          assertTrue(rs.next());
          assertEquals("r3", rs.getString("REPLICA"));
          assertTrue(rs.getInt("TABLES") >= 4, "tables copied: " + rs.getInt("TABLES"));
          System.out.printf("ORDO ADD REPLICA: copied from %s as of %s, %d tables, %d rows%n",
              rs.getString("COPIED_FROM"), rs.getString("AS_OF_LOG_POSITION"), rs.getInt("TABLES"), rs.getLong("ROWS"));
        }
        Thread.sleep(1500);
        orders.close();
        assertTrue(orders.inserted() > 0);
      }
      assertEquals(3, node.replicas().size());
      Replica r3 = node.replicas().get(2);
      Nodes.awaitReplicasCaughtUp(node);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!r3.isHealthy() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(r3.isHealthy(), node.status());

      // After more writes, all three hold the same rows, schema and sequence positions.
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO orders (customer, amount) VALUES (1, 99.5)");
        s.executeUpdate("INSERT INTO customer (name, tier) VALUES ('late', 'gold')");
      }
      Nodes.awaitReplicasCaughtUp(node);
      List<Map<String, List<String>>> contents = new ArrayList<>();
      List<List<String>> schemas = new ArrayList<>();
      for (Replica r : node.replicas()) {
        ReplicaConfig rc = r.config();
        try (Connection c = DriverManager.getConnection(rc.jdbcUrl(), rc.user(), rc.password())) {
          contents.add(Nodes.contents(c));
          schemas.add(schema(c));
        }
      }
      assertEquals(contents.get(0), contents.get(1));
      assertEquals(contents.get(0), contents.get(2), "the added replica holds what the others hold");
      assertEquals(schemas.get(0), schemas.get(2), "the added replica has the same schema");

      try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("ORDO STATUS")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getString("REPLICA") + " " + rs.getString("ENGINE") + " " + rs.getString("STATE"));
        }
        assertEquals(List.of("r1 PostgreSQL HEALTHY", "r2 PostgreSQL HEALTHY", "r3 PostgreSQL HEALTHY"), rows);
      }
    }
  }

  @Test
  void badRequestsAreRefusedClearly() throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("refusals"), 1).withReplicas(PgServers.replicas(1));
    try (OrdoNode node = Nodes.startReady(cfg); Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY)");
      ReplicaConfig notEmpty = cfg.replicas().get(0);
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("ORDO ADD REPLICA r9 URL '"
          + notEmpty.jdbcUrl() + "'"));
      assertEquals("55000", e.getSQLState(), e.getMessage());
      assertTrue(e.getMessage().contains("not empty"), e.getMessage());
      e = assertThrows(SQLException.class, () -> s.executeQuery("ORDO ADD REPLICA r1 URL '" + notEmpty.jdbcUrl()
          + "'"));
      assertEquals("42710", e.getSQLState(), e.getMessage());
      e = assertThrows(SQLException.class, () -> s.executeQuery("ORDO ADD REPLICA"));
      assertEquals("42601", e.getSQLState());
      assertTrue(e.getMessage().contains("ORDO STATUS"), "the message lists the commands: " + e.getMessage());
      c.setAutoCommit(false);
      e = assertThrows(SQLException.class, () -> s.executeQuery("ORDO STATUS"));
      assertEquals("25001", e.getSQLState());
      c.rollback();
    }
    try (OrdoNode h2 = Nodes.startReady(Nodes.embedded(dir.resolve("h2"), 1));
        Connection c = Nodes.connect(h2); Statement s = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery(
          "ORDO ADD REPLICA r2 URL 'jdbc:h2:mem:x'"));
      assertEquals("0A000", e.getSQLState(), e.getMessage());
    }
  }

  /** Columns, constraints, indexes, sequences and views of a PostgreSQL database, as text. */
  static List<String> schema(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    String[] queries = {
        "SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable "
            + "|| ' ' || coalesce(column_default, '') || ' ' || is_identity || ' ' || is_generated || ' ' "
            + "|| coalesce(collation_name, '') FROM information_schema.columns "
            + "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
        "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            + "WHERE connamespace::regnamespace::text NOT LIKE 'pg_%' AND connamespace::regnamespace::text "
            + "<> 'information_schema'",
        "SELECT indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
        "SELECT schemaname || '.' || sequencename || ' ' || start_value || ' ' || increment_by || ' ' "
            + "|| coalesce(last_value, -1) FROM pg_sequences",
        "SELECT schemaname || '.' || viewname || ' ' || definition FROM pg_views "
            + "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"};
    for (String q : queries) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** Two writers: orders (drawing from a SERIAL and an explicit sequence) and plain inserts. */
  static final class LoadOnOrders implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicInteger inserted = new java.util.concurrent.atomic.AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Exception failure;

    LoadOnOrders(String url) {
      for (int w = 0; w < 3; w++) {
        int writer = w;
        threads.add(Thread.ofPlatform().start(() -> {
          try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (int i = 0; running.get(); i++) {
              if (writer == 0) {
                s.executeUpdate("INSERT INTO acked VALUES (" + i + ", 0)");
              } else {
                s.executeUpdate("INSERT INTO orders (customer, amount, note) VALUES (" + (1 + i % 5) + ", "
                    + (i % 100) + ".25, 'w" + writer + "')");
              }
              inserted.incrementAndGet();
            }
          } catch (Exception e) {
            failure = e;
          }
        }));
      }
    }

    int inserted() {
      return inserted.get();
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      for (Thread t : threads) {
        t.join(60_000);
      }
      if (failure != null) {
        throw failure;
      }
    }
  }
}
