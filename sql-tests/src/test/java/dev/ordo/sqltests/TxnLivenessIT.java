package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Locks of transactions whose owner is gone are released by a logged decision. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TxnLivenessIT {
  @TempDir
  Path dir;

  @Test
  void anIdleTransactionIsRolledBackAfterTheTimeout() throws Exception {
    NodeConfig cfg = Nodes.embedded(dir, 2).withIdleInTransactionTimeout(Duration.ofSeconds(2));
    try (OrdoNode node = Nodes.startReady(cfg);
        Connection idle = Nodes.connect(node);
        Connection other = Nodes.connect(node)) {
      try (Statement s = other.createStatement()) {
        s.executeUpdate("CREATE TABLE a (id INT PRIMARY KEY, v INT)");
        s.executeUpdate("INSERT INTO a VALUES (1, 0)");
      }
      idle.setAutoCommit(false);
      idle.createStatement().executeUpdate("UPDATE a SET v = 1 WHERE id = 1");
      long start = System.nanoTime();
      // Waits for the idle transaction's lock, which the timeout releases.
      assertEquals(1, other.createStatement().executeUpdate("UPDATE a SET v = 2 WHERE id = 1"));
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waitedMs >= 1000, "the write waited for the idle transaction's lock (" + waitedMs + " ms)");
      SQLException e = assertThrows(SQLException.class, () -> idle.createStatement().executeQuery("SELECT 1"));
      assertEquals("25P02", e.getSQLState());
      assertTrue(e.getMessage().contains("idle"), e.getMessage());
      idle.rollback();
      try (ResultSet rs = other.createStatement().executeQuery("SELECT v FROM a WHERE id = 1")) {
        rs.next();
        assertEquals(2, rs.getInt(1), "the idle transaction's update was rolled back");
      }
    }
  }

  @Test
  void aRestartedNodeAbortsTheTransactionsItLeftOpen() throws Exception {
    NodeConfig cfg = Nodes.embedded(dir, 2);
    OrdoNode node = Nodes.startReady(cfg);
    Connection open = null;
    try {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE b (id INT PRIMARY KEY, v INT)");
        s.executeUpdate("INSERT INTO b VALUES (1, 0)");
      }
      open = Nodes.connect(node);
      open.setAutoCommit(false);
      open.createStatement().executeUpdate("UPDATE b SET v = 1 WHERE id = 1");
      // The node stops with the transaction open: its rollback never reaches the log from this session.
      node.close();
      node = Nodes.startReady(cfg);
      OrdoNode restarted = node;
      CompletableFuture<Integer> write = CompletableFuture.supplyAsync(() -> {
        try (Connection c = DriverManager.getConnection(restarted.jdbcUrl())) {
          return c.createStatement().executeUpdate("UPDATE b SET v = 2 WHERE id = 1");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals(1, write.get(30, TimeUnit.SECONDS), "the old incarnation's locks were released");
      try (Connection c = Nodes.connect(node);
          ResultSet rs = c.createStatement().executeQuery("SELECT v FROM b WHERE id = 1")) {
        rs.next();
        assertEquals(2, rs.getInt(1));
      }
      Nodes.awaitReplicasCaughtUp(node);
      var contents = Nodes.replicaContents(cfg);
      assertEquals(contents.get(0), contents.get(1));
    } finally {
      InsertLoad.closeQuietly(open);
      node.close();
    }
  }

  @Test
  void savepointsAndExplainOrdo() throws Exception {
    try (OrdoNode node = Nodes.startReady(Nodes.embedded(dir.resolve("sp"), 2));
        Connection c = Nodes.connect(node)) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE sp (id INT PRIMARY KEY)");
      }
      c.setAutoCommit(false);
      c.createStatement().executeUpdate("INSERT INTO sp VALUES (1)");
      var sp = c.setSavepoint();
      c.createStatement().executeUpdate("INSERT INTO sp VALUES (2)");
      var named = c.setSavepoint("after_two");
      c.createStatement().executeUpdate("INSERT INTO sp VALUES (3)");
      c.rollback(named);
      c.rollback(sp);
      c.createStatement().executeUpdate("INSERT INTO sp VALUES (4)");
      c.releaseSavepoint(sp);
      c.commit();
      c.setAutoCommit(true);
      try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*), sum(id) FROM sp")) {
        rs.next();
        assertEquals(2, rs.getInt(1));
        assertEquals(5, rs.getInt(2), "rows 1 and 4 remain");
      }
      Nodes.awaitReplicasCaughtUp(node);
      var contents = Nodes.replicaContents(node.config());
      assertEquals(contents.get(0), contents.get(1));

      try (ResultSet rs = c.createStatement().executeQuery("EXPLAIN ORDO UPDATE sp SET id = id + 1 WHERE id > 3")) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString("PROPERTY")).append('=').append(rs.getString("VALUE")).append('\n');
        }
        String p = plan.toString();
        assertTrue(p.contains("parsed=true"), p);
        assertTrue(p.contains("kind=WRITE"), p);
        assertTrue(p.contains("X SP"), p);
      }
      try (ResultSet rs = c.createStatement().executeQuery("EXPLAIN ORDO CREATE INDEX i ON sp(id)")) {
        StringBuilder plan = new StringBuilder();
        while (rs.next()) {
          plan.append(rs.getString(1)).append('=').append(rs.getString(2)).append('\n');
        }
        // DDL that names everything it changes locks those names, not the whole database.
        assertTrue(plan.toString().contains("locks=X SP "), plan.toString());
      }
    }
  }
}
