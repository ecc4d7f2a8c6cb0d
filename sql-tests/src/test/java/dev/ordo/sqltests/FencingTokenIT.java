package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.OrdoConnection;
import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease with a fencing token, the way an application builds one on Ordo: the token is the log position at which
 * the holder's lease write committed ({@code OrdoConnection.lastCommitPosition()}, or {@code SELECT
 * ordo_last_commit()}), which rises with log order on every node. The protected row keeps the highest token it
 * has seen, so a write from a holder whose lease was taken over in the meantime is refused by the comparison.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FencingTokenIT {
  @TempDir
  Path dir;

  private static final String GUARDED_WRITE =
      "UPDATE resource SET v = ?, fence = ? WHERE id = 1 AND fence < ?";

  @Test
  void aStaleLeaseHoldersWriteIsRefusedByItsToken() throws Exception {
    List<OrdoNode> nodes = Nodes.startCluster(dir, 3, 1);
    try (Connection a = Nodes.connect(nodes.get(0)); Connection b = Nodes.connect(nodes.get(1))) {
      try (Statement s = a.createStatement()) {
        s.executeUpdate("CREATE TABLE lease (name VARCHAR(20) PRIMARY KEY, holder VARCHAR(20))");
        s.executeUpdate("CREATE TABLE resource (id INT PRIMARY KEY, v VARCHAR(20), fence BIGINT NOT NULL)");
        s.executeUpdate("INSERT INTO lease VALUES ('L', NULL)");
        s.executeUpdate("INSERT INTO resource VALUES (1, 'initial', -1)");
      }
      assertEquals(-1, b.unwrap(OrdoConnection.class).lastCommitPosition(), "b has committed nothing yet");
      try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery("SELECT ordo_last_commit()")) {
        assertTrue(rs.next());
        assertEquals(null, rs.getObject(1));
      }

      // a takes the lease on node 1; its token is where that write committed.
      try (Statement s = a.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE lease SET holder = 'a' WHERE name = 'L' AND holder IS NULL"));
      }
      long tokenA = a.unwrap(OrdoConnection.class).lastCommitPosition();
      assertTrue(tokenA > 0);
      try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery("select ordo_last_commit() ;")) {
        assertTrue(rs.next());
        assertEquals(tokenA, rs.getLong(1), "the SQL function and the driver method agree");
      }

      // a pauses (GC, a partition); its lease expires and b takes it over on node 2, in a transaction.
      b.setAutoCommit(false);
      try (Statement s = b.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE lease SET holder = 'b' WHERE name = 'L'"));
      }
      b.commit();
      b.setAutoCommit(true);
      long tokenB = b.unwrap(OrdoConnection.class).lastCommitPosition();
      assertTrue(tokenB > tokenA, "a later commit on another node has a higher token: " + tokenB + " > " + tokenA);

      assertEquals(1, guardedWrite(b, "written by b", tokenB), "b holds the lease: its write goes through");
      assertEquals(0, guardedWrite(a, "written by a", tokenA), "a's lease was taken over: its token is stale");
      for (OrdoNode n : nodes) {
        Nodes.awaitReplicasCaughtUp(n);
        try (Connection c = Nodes.connect(n); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT v, fence FROM resource WHERE id = 1")) {
          assertTrue(rs.next());
          assertEquals("written by b", rs.getString(1), "on " + n);
          assertEquals(tokenB, rs.getLong(2), "on " + n);
        }
      }
      // a's failed attempt was a write that committed (it changed no row): its token moves on, past b's.
      assertTrue(a.unwrap(OrdoConnection.class).lastCommitPosition() > tokenB);
    } finally {
      for (OrdoNode n : nodes) {
        n.close();
      }
    }
  }

  private static int guardedWrite(Connection c, String value, long token) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(GUARDED_WRITE)) {
      ps.setString(1, value);
      ps.setLong(2, token);
      ps.setLong(3, token);
      return ps.executeUpdate();
    }
  }
}
