package dev.ordo.sqltests.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.sqltests.Nodes;
import dev.ordo.sqltests.workload.InJvmCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of three PostgreSQL servers is stopped abruptly ({@code pg_ctl stop -m
 * immediate}) during a load of inserts whose keys come from a sequence. The
 * node keeps serving from its other replicas; the server is started again, runs
 * crash recovery (losing its latest commits: replicas do not flush each
 * commit), and its replica catches up from its recorded position. PostgreSQL
 * logs sequence values ahead, so after recovery the sequence has jumped; Ordo
 * sets it back from its bookkeeping, and the re-executed inserts get the same
 * keys as on the other replicas.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PgCrashIT {
  @TempDir
  Path dir;
  final List<PgServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (PgServer s : servers) {
      s.close();
    }
  }

  @Test
  void anImmediateStopOfAReplicaServerLosesNothingAndKeysStayIdentical() throws Exception {
    int[] ports = InJvmCluster.freePorts(3);
    for (int i = 0; i < 3; i++) {
      servers.add(PgServer.start(dir.resolve("pg" + (i + 1)), ports[i], Map.of()));
    }
    NodeConfig cfg = Nodes.embedded(dir.resolve("node"), 3).withReplicas(PgServers.replicas(servers, 3));
    try (OrdoNode node = Nodes.startReady(cfg)) {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE keyed (id SERIAL PRIMARY KEY, writer INT NOT NULL, n BIGINT NOT NULL, "
            + "UNIQUE (writer, n))");
      }
      KeyedLoad load = new KeyedLoad(node.jdbcUrl(), 4);
      Thread.sleep(1000);
      PgServer victim = servers.get(1);
      Replica r2 = node.replicas().get(1);
      victim.stopImmediate();
      int atStop = load.acknowledged();
      Thread.sleep(2000);
      assertTrue(load.acknowledged() > atStop, "the node keeps serving while a replica's server is down");
      assertTrue(!r2.isHealthy(), "the replica of the stopped server is not healthy: " + node.status());
      victim.restart();
      Thread.sleep(1500);
      load.close();
      assertEquals(0, load.errors(), "clients never see one replica's failure");
      Nodes.awaitReplicasCaughtUp(node);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!r2.isHealthy() && System.nanoTime() < deadline) {
        Thread.sleep(50); // It turns healthy once its applier has caught up with the log.
      }
      assertTrue(r2.isHealthy(), node.status());

      // Every acknowledged insert is present once, with the key its client was given, on every replica.
      List<Map<String, List<String>>> contents = Nodes.replicaContents(cfg);
      for (int i = 0; i < 3; i++) {
        try (Connection c = Nodes.replica(cfg, i)) {
          load.verify(c, "replica r" + (i + 1));
        }
      }
      assertEquals(contents.get(0), contents.get(1), "the crashed replica holds what the others hold");
      assertEquals(contents.get(0), contents.get(2));
      // The sequence itself agrees: the next key is the same everywhere.
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO keyed (writer, n) VALUES (-1, -1)");
      }
      Nodes.awaitReplicasCaughtUp(node);
      List<Long> next = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        try (Connection c = Nodes.replica(cfg, i); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT id FROM keyed WHERE writer = -1")) {
          assertTrue(rs.next());
          next.add(rs.getLong(1));
        }
      }
      assertEquals(List.of(next.get(0), next.get(0), next.get(0)), next, "next key on r1, r2, r3");
      System.out.printf("immediate stop: %d inserts acknowledged, %d while r2's server was down%n",
          load.acknowledged(), load.acknowledged() - atStop);
    }
  }

  /** Writers inserting (writer, n) rows and remembering the key each acknowledged insert returned. */
  static final class KeyedLoad implements AutoCloseable {
    private final Map<String, Long> keys = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger errors = new AtomicInteger();
    private final ExecutorService pool;
    private final List<Future<?>> futures = new ArrayList<>();

    KeyedLoad(String url, int writers) {
      pool = Executors.newFixedThreadPool(writers);
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          try (Connection c = DriverManager.getConnection(url);
              PreparedStatement ps = c.prepareStatement("INSERT INTO keyed (writer, n) VALUES (?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            for (long n = 0; running.get(); n++) {
              ps.setInt(1, writer);
              ps.setLong(2, n);
              try {
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                  k.next();
                  keys.put(writer + "/" + n, k.getLong(1));
                }
              } catch (SQLException e) {
                errors.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
    }

    int acknowledged() {
      return keys.size();
    }

    int errors() {
      return errors.get();
    }

    void verify(Connection db, String where) throws SQLException {
      Map<String, Long> stored = new java.util.HashMap<>();
      try (Statement s = db.createStatement();
          ResultSet rs = s.executeQuery("SELECT writer, n, id FROM keyed WHERE writer >= 0")) {
        while (rs.next()) {
          stored.put(rs.getInt(1) + "/" + rs.getLong(2), rs.getLong(3));
        }
      }
      keys.forEach((k, id) -> assertEquals(id, stored.get(k), where + ": key of acknowledged insert " + k));
    }

    @Override
    public void close() throws Exception {
      running.set(false);
      for (Future<?> f : futures) {
        f.get(90, TimeUnit.SECONDS);
      }
      pool.shutdown();
    }
  }
}
