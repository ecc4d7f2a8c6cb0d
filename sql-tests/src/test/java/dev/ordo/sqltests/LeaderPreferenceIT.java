package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.OrdoConnection;
import dev.ordo.sqltests.workload.InJvmCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * With several nodes in the URL the driver connects to the one that leads the log (pgjdbc's
 * {@code targetServerType}): {@code preferPrimary} by default, falling back to the first node that accepts;
 * {@code any} takes the first; {@code primary} refuses when no listed node leads. Three real nodes in this JVM.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeaderPreferenceIT {
  @TempDir
  Path dir;

  @Test
  void theDriverPrefersTheNodeThatLeadsTheLog() throws Exception {
    try (InJvmCluster cluster = InJvmCluster.start(dir, 3, 1, 1L)) {
      int leader = cluster.leader();
      List<String> followers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        if (i != leader) {
          followers.add(hostPort(cluster.urls().get(i)));
        }
      }
      String leaderNode = cluster.live().get(leader).config().nodeId();
      String all = "jdbc:ordo://" + String.join(",", followers) + "," + hostPort(cluster.urls().get(leader))
          + "/ordo";

      try (Connection c = DriverManager.getConnection(all)) {
        OrdoConnection o = c.unwrap(OrdoConnection.class);
        assertEquals(leaderNode, o.nodeId(), "the default (preferPrimary) skips the followers listed first");
        assertTrue(o.ledLogAtConnect());
        c.createStatement().executeUpdate("CREATE TABLE t (id INT PRIMARY KEY)");
      }
      try (Connection c = DriverManager.getConnection(all + "?targetServerType=any")) {
        OrdoConnection o = c.unwrap(OrdoConnection.class);
        assertFalse(o.ledLogAtConnect(), "any takes the first node that accepts, a follower here");
        assertEquals(1, c.createStatement().executeUpdate("INSERT INTO t VALUES (1)"), "a follower serves too");
      }
      String onlyFollowers = "jdbc:ordo://" + String.join(",", followers) + "/ordo";
      try (Connection c = DriverManager.getConnection(onlyFollowers)) {
        assertFalse(c.unwrap(OrdoConnection.class).ledLogAtConnect(), "preferPrimary falls back to a follower");
      }
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(onlyFollowers + "?targetServerType=primary"));
      assertEquals("08001", e.getSQLState());
      assertTrue(e.getMessage().contains("does not lead the log"), e.getMessage());
      SQLException bad = assertThrows(SQLException.class,
          () -> DriverManager.getConnection(all + "?targetServerType=master"));
      assertTrue(bad.getMessage().contains("targetServerType=master"), bad.getMessage());
    }
  }

  /** {@code host:port} of a node's {@code jdbc:ordo://host:port/db} URL. */
  private static String hostPort(String url) {
    String rest = url.substring("jdbc:ordo://".length());
    return rest.substring(0, rest.indexOf('/'));
  }
}
