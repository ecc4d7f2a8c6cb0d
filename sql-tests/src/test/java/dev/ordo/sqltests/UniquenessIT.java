package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import dev.ordo.proxy.config.Backend;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

/** 32 clients claim one username at once: exactly one wins, on every replica. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class UniquenessIT {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void exactlyOneClaimSucceeds(Backend backend) throws Exception {
    try (OrdoNode node = Nodes.startReady(Nodes.embedded(dir, 3, backend))) {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE users (id INT PRIMARY KEY, username VARCHAR(40) NOT NULL UNIQUE)");
      }
      int clients = 32;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int id = i;
        results.add(pool.submit(() -> {
          try (Connection c = Nodes.connect(node);
              PreparedStatement ps = c.prepareStatement("INSERT INTO users(id, username) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, "alice");
            go.await();
            ps.executeUpdate();
            return "ok";
          } catch (SQLIntegrityConstraintViolationException e) {
            return e.getSQLState();
          }
        }));
      }
      go.countDown();
      int ok = 0;
      int violations = 0;
      for (Future<String> f : results) {
        String r = f.get(2, TimeUnit.MINUTES);
        if (r.equals("ok")) {
          ok++;
        } else {
          assertEquals("23505", r);
          violations++;
        }
      }
      pool.shutdown();
      assertEquals(1, ok);
      assertEquals(clients - 1, violations);
      Nodes.awaitReplicasCaughtUp(node);
      for (int i = 0; i < 3; i++) {
        try (Connection r = Nodes.replica(node.config(), i);
            ResultSet rs = r.createStatement().executeQuery("SELECT count(*) FROM users WHERE username = 'alice'")) {
          rs.next();
          assertEquals(1, rs.getInt(1), "replica " + i);
        }
      }
      var contents = Nodes.replicaContents(node.config());
      assertEquals(contents.get(0), contents.get(1));
      assertEquals(contents.get(0), contents.get(2));
    }
  }
}
