package dev.ordo.sqltests.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SET ROLE} lasts until the end of its transaction: replica connections
 * are shared by every session, so a role left on one would make later
 * statements of other sessions run with other privileges on some replicas.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SetRoleIT {
  @TempDir
  Path dir;

  @Test
  void aRoleDoesNotOutliveItsTransaction() throws Exception {
    NodeConfig cfg = Nodes.embedded(dir, 3).withReplicas(PgServers.replicas(3));
    String role = "ordo_limited_" + System.nanoTime();
    try (OrdoNode node = Nodes.startReady(cfg); Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE guarded (id INT PRIMARY KEY)");
      // Roles are the servers' own business (Ordo refuses CREATE ROLE): made on each server, granted to the
      // replicas' role so that it may SET ROLE to it.
      for (PgServer server : PgServers.shared()) {
        try (Connection admin = server.connect("postgres"); Statement a = admin.createStatement()) {
          a.execute("CREATE ROLE " + role + " NOLOGIN"); // no privilege on guarded
          a.execute("GRANT " + role + " TO " + PgServers.REPLICA_ROLE);
        }
      }
      try {
        for (int round = 0; round < 5; round++) {
          c.setAutoCommit(false);
          s.execute("SET ROLE " + role);
          try (ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertEquals(role, rs.getString(1), "the role holds inside its transaction");
          }
          c.commit();
          c.setAutoCommit(true);
          s.execute("SET ROLE " + role); // autocommit: only for this statement
          for (int i = 0; i < 20; i++) {
            // Would fail with 42501 on any replica whose pooled connection kept the role.
            s.executeUpdate("INSERT INTO guarded VALUES (" + (round * 100 + i) + ")");
          }
        }
        Nodes.awaitReplicasCaughtUp(node);
        List<Map<String, List<String>>> contents = Nodes.replicaContents(cfg);
        assertEquals(100, contents.get(0).get("\"public\".\"guarded\"").size());
        assertEquals(contents.get(0), contents.get(1));
        assertEquals(contents.get(0), contents.get(2));
      } finally {
        s.executeUpdate("DROP TABLE guarded");
        for (PgServer server : PgServers.shared()) {
          try (Connection admin = server.connect("postgres"); Statement a = admin.createStatement()) {
            a.execute("DROP ROLE " + role);
          }
        }
      }
    }
  }
}
