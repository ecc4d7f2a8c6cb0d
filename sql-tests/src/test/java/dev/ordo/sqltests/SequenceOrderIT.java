package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions on different tables run in parallel on each replica; when they
 * draw from one sequence (explicitly or through a column default) the sequence
 * lock orders them, so every replica hands out the same values to the same rows.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SequenceOrderIT {
  @TempDir
  Path dir;

  @Test
  void aSharedSequenceGivesTheSameValuesOnEveryReplica() throws Exception {
    try (OrdoNode node = Nodes.startReady(Nodes.embedded(dir, 3))) {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE SEQUENCE shared");
        s.executeUpdate("CREATE TABLE left_t (id BIGINT DEFAULT NEXT VALUE FOR shared PRIMARY KEY, who INT)");
        s.executeUpdate("CREATE TABLE right_t (id BIGINT PRIMARY KEY, who INT)");
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int who = w;
        futures.add(pool.submit(() -> {
          try (Connection c = Nodes.connect(node)) {
            c.setAutoCommit(who % 2 == 0);
            String sql = who % 4 < 2 ? "INSERT INTO left_t(who) VALUES (?)"
                : "INSERT INTO right_t VALUES (NEXT VALUE FOR shared, ?)";
            for (int i = 0; i < 25; i++) {
              try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setInt(1, who);
                ps.executeUpdate();
              }
              if (!c.getAutoCommit()) {
                c.commit();
              }
            }
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      Nodes.awaitReplicasCaughtUp(node);
      var contents = Nodes.replicaContents(node.config());
      assertEquals(100, contents.get(0).get("\"PUBLIC\".\"LEFT_T\"").size());
      assertEquals(100, contents.get(0).get("\"PUBLIC\".\"RIGHT_T\"").size());
      assertEquals(contents.get(0), contents.get(1));
      assertEquals(contents.get(0), contents.get(2));
    }
  }
}
