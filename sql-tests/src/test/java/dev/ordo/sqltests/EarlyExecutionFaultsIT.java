package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Early execution under a leader stop: three nodes with early execution on;
 * interactive transfer transactions run on the log leader, whose statements are
 * answered before their entries are durable; the leader is stopped mid-flight.
 * Every acknowledged commit survives, no transaction that was refused at
 * {@code COMMIT} (or failed on a statement) left anything behind, money is
 * conserved, and the surviving replicas are identical.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class EarlyExecutionFaultsIT {
  @TempDir
  Path dir;

  private static final int ACCOUNTS = 8;

  @Test
  void statementsAnsweredFromLostPositionsNeverCommit() throws Exception {
    List<NodeConfig> configs = InJvmCluster.configs(dir, 3, 1).stream().map(c -> c.withEarlyExecution(true))
        .toList();
    List<OrdoNode> nodes = new java.util.concurrent.CopyOnWriteArrayList<>(startAll(configs));
    try {
      OrdoNode leader = leader(nodes);
      try (Connection c = Nodes.connect(leader); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE acct (id INT PRIMARY KEY, bal BIGINT NOT NULL)");
        s.executeUpdate("CREATE TABLE ledger (id BIGINT PRIMARY KEY, src INT NOT NULL, dst INT NOT NULL)");
        for (int i = 0; i < ACCOUNTS; i++) {
          s.executeUpdate("INSERT INTO acct VALUES (" + i + ", 1000)");
        }
      }
      Set<Long> committed = ConcurrentHashMap.newKeySet();
      Set<Long> refused = ConcurrentHashMap.newKeySet(); // failed before or at COMMIT with a definite error
      Set<Long> unknown = ConcurrentHashMap.newKeySet();
      Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
      AtomicLong ids = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      String url = leader.jdbcUrl();
      ExecutorService clients = Executors.newFixedThreadPool(6);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 6; w++) {
        futures.add(clients.submit(() -> {
          while (!stop.get()) {
            long id = ids.incrementAndGet();
            try (Connection c = DriverManager.getConnection(url)) {
              transfer(c, id, committed, refused, unknown, errors);
            } catch (SQLException e) {
              errors.computeIfAbsent("connect " + e.getSQLState(), k -> new AtomicLong()).incrementAndGet();
              if (stop.get()) {
                return null;
              }
              Thread.sleep(100);
            }
          }
          return null;
        }));
      }
      Thread.sleep(2500);
      long before = committed.size();
      leader.close();
      nodes.remove(leader);
      Thread.sleep(1500);
      stop.set(true);
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      clients.shutdown();
      assertTrue(before > 0, "transactions committed before the leader stopped");

      List<List<Map<String, List<String>>>> contents = new ArrayList<>();
      for (OrdoNode n : nodes) {
        Nodes.awaitReplicasCaughtUp(n);
        contents.add(Nodes.replicaContents(n.config()));
      }
      assertEquals(contents.get(0), contents.get(1), "surviving replicas identical, bookkeeping included");
      Set<Long> present = new java.util.HashSet<>();
      long total = 0;
      try (Connection c = Nodes.replica(nodes.get(0).config(), 0); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT id FROM ledger")) {
          while (rs.next()) {
            present.add(rs.getLong(1));
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT SUM(bal) FROM acct")) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      assertEquals(ACCOUNTS * 1000L, total, "transfers conserve money");
      for (long id : committed) {
        assertTrue(present.contains(id), "acknowledged commit " + id + " survives the leader stop");
      }
      for (long id : refused) {
        assertTrue(!present.contains(id), "transaction " + id + " was refused but its effects are in the ledger");
      }
      System.out.printf("early execution, leader stop: %d committed (%d before the stop), %d refused, %d unknown,"
          + " %d in the ledger; errors %s%n", committed.size(), before, refused.size(), unknown.size(),
          present.size(), errors);
    } finally {
      nodes.forEach(OrdoNode::close);
    }
  }

  /** One transfer; records its outcome. */
  private static void transfer(Connection c, long id, Set<Long> committed, Set<Long> refused, Set<Long> unknown,
      Map<String, AtomicLong> errors) throws SQLException {
    int a = ThreadLocalRandom.current().nextInt(ACCOUNTS);
    int b = (a + 1 + ThreadLocalRandom.current().nextInt(ACCOUNTS - 1)) % ACCOUNTS;
    c.setAutoCommit(false);
    boolean committing = false;
    try {
      long bal;
      try (PreparedStatement p = c.prepareStatement("SELECT bal FROM acct WHERE id = ?")) {
        p.setInt(1, a);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          bal = rs.getLong(1);
        }
      }
      // Writes what the read returned: a read answered from a lost position must not commit.
      try (PreparedStatement p = c.prepareStatement("UPDATE acct SET bal = ? WHERE id = ?")) {
        p.setLong(1, bal - 1);
        p.setInt(2, a);
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("UPDATE acct SET bal = bal + 1 WHERE id = ?")) {
        p.setInt(1, b);
        p.executeUpdate();
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO ledger VALUES (?, ?, ?)")) {
        p.setLong(1, id);
        p.setInt(2, a);
        p.setInt(3, b);
        p.executeUpdate();
      }
      committing = true;
      c.commit();
      committed.add(id);
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "null" : e.getSQLState();
      errors.computeIfAbsent((committing ? "commit " : "statement ") + state, k -> new AtomicLong())
          .incrementAndGet();
      if (state.startsWith("08")) {
        unknown.add(id); // the outcome is unknown: it may or may not have committed
      } else {
        refused.add(id);
      }
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // The connection may be gone.
      }
    }
  }

  private static OrdoNode leader(List<OrdoNode> nodes) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      for (OrdoNode n : nodes) {
        if (n.sequencer().peerId().equals(n.sequencer().leaderId())) {
          return n;
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("no leader");
  }

  private static List<OrdoNode> startAll(List<NodeConfig> configs) throws Exception {
    ExecutorService starter = Executors.newFixedThreadPool(configs.size());
    try {
      List<Future<OrdoNode>> fs = new ArrayList<>();
      for (NodeConfig c : configs) {
        fs.add(starter.submit(() -> Nodes.startReady(c)));
      }
      List<OrdoNode> out = new ArrayList<>();
      for (Future<OrdoNode> f : fs) {
        out.add(f.get(3, TimeUnit.MINUTES));
      }
      return out;
    } finally {
      starter.shutdown();
    }
  }
}
