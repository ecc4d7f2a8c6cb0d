package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.CheckpointSettings;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.sequencer.LogPosition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Divergence is detected, contained and repaired. A row is changed directly in
 * one replica's database, behind Ordo's back, while a load runs: the next
 * checkpoint's table hashes differ, that replica is fenced (no reads, no
 * answers), clients keep getting the majority's results, and {@code ORDO RESYNC
 * REPLICA} copies a healthy replica into it, after which the digests agree
 * again. With two replicas a mismatch has no majority: writes are refused until
 * an operator resynchronises one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DivergenceIT {
  /** Checkpoints every 200 ms, each hashing the tables. */
  private static final CheckpointSettings FAST =
      new CheckpointSettings(Duration.ofMillis(200), 1_000, Duration.ofMillis(200));
  private static final int ROWS = 20;

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aReplicaChangedBehindOrdosBackIsFencedAndResynchronised(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("three-" + backend), 3, backend).withCheckpoints(FAST);
    try (OrdoNode node = Nodes.startReady(cfg)) {
      createAccounts(node);
      try (Load load = new Load(node)) {
        awaitTrue("every replica reports a checkpoint", () -> node.replicas().stream()
            .allMatch(r -> r.lastCheckpoint() != null));
        LogPosition before = node.replicas().get(0).lastCheckpoint();
        awaitTrue("all three pass a later checkpoint", () -> node.replicas().stream()
            .allMatch(r -> r.lastCheckpoint() != null && r.lastCheckpoint().isAfter(before)));
        // A replica that started behind becomes healthy at a moment its backend has committed everything the
        // log had committed when it looked; under load that moment can take a few chunks to come.
        awaitTrue("every replica is healthy under load", () -> node.replicas().stream()
            .allMatch(r -> r.state() == Replica.State.HEALTHY));
        for (Replica r : node.replicas()) {
          assertEquals(Replica.State.HEALTHY, r.state(), r.name() + " agrees with the others under load");
        }

        // Behind Ordo's back: one replica's row 1 gains 1000 (once the replica has the row).
        Nodes.awaitReplicasCaughtUp(node);
        try (Connection direct = Nodes.replica(cfg, 1); Statement s = direct.createStatement()) {
          assertEquals(1, s.executeUpdate("UPDATE acct SET v = v + 1000 WHERE id = 1"));
        }
        Replica r2 = node.replicas().get(1);
        awaitTrue("r2 is fenced", () -> r2.state() == Replica.State.FENCED);
        load.fenced.set(true);
        assertTrue(r2.fencedWhy().contains("checkpoint"), r2.fencedWhy());
        assertEquals(Replica.State.HEALTHY, node.replicas().get(0).state());
        assertEquals(Replica.State.HEALTHY, node.replicas().get(2).state());
        Map<String, String> status = status(node);
        assertTrue(status.get("r2").startsWith("FENCED"), "ORDO STATUS shows it: " + status);

        // The load goes on, answered by the majority.
        int written = load.updates.get();
        awaitTrue("writes go on while r2 is fenced", () -> load.updates.get() > written + 20);

        try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("ORDO RESYNC REPLICA r2")) {
          assertTrue(rs.next());
          assertEquals("r2", rs.getString("REPLICA"));
          assertNotNull(rs.getString("AS_OF_LOG_POSITION"));
        }
        awaitTrue("r2 is healthy again", () -> r2.state() == Replica.State.HEALTHY);
        LogPosition resynced = node.replicas().get(0).lastCheckpoint();
        awaitTrue("r2 reports a checkpoint after its resync", () -> r2.lastCheckpoint() != null
            && r2.lastCheckpoint().isAfter(resynced));
        assertEquals(Replica.State.HEALTHY, r2.state(), "its digests agree with the others again");
        load.stopAndCheck();
      }
      Nodes.awaitReplicasCaughtUp(node);
      List<Map<String, List<String>>> contents = Nodes.replicaContents(cfg);
      assertEquals(contents.get(0), contents.get(1), "r2 holds what r1 holds");
      assertEquals(contents.get(0), contents.get(2), "r3 holds what r1 holds");
      awaitAgreement(node);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void twoReplicasThatDisagreeStopWritesUntilOneIsResynchronised(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("two-" + backend), 2, backend).withCheckpoints(FAST);
    try (OrdoNode node = Nodes.startReady(cfg)) {
      createAccounts(node);
      write(node, 2);
      awaitTrue("both replicas report a checkpoint", () -> node.replicas().stream()
          .allMatch(r -> r.lastCheckpoint() != null));
      Nodes.awaitReplicasCaughtUp(node); // the direct change below needs the row on r2
      try (Connection direct = Nodes.replica(cfg, 1); Statement s = direct.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE acct SET v = v + 1000 WHERE id = 1"));
      }
      AtomicReference<SQLException> refused = new AtomicReference<>();
      awaitTrue("writes are refused", () -> {
        try {
          write(node, 3);
          return false;
        } catch (SQLException e) {
          refused.set(e);
          return "55000".equals(e.getSQLState());
        }
      });
      assertTrue(refused.get().getMessage().contains("no majority"), refused.get().getMessage());
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM acct")) {
        assertTrue(rs.next(), "reads still work");
        assertEquals(ROWS, rs.getInt(1));
      }
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("ORDO RESYNC REPLICA r2 FROM r1")) {
        assertTrue(rs.next());
      }
      awaitTrue("both healthy", () -> node.replicas().stream().allMatch(Replica::isHealthy));
      write(node, 4);
      Nodes.awaitReplicasCaughtUp(node);
      List<Map<String, List<String>>> contents = Nodes.replicaContents(cfg);
      assertEquals(contents.get(0), contents.get(1), "r2 holds what r1 holds");
      awaitAgreement(node);
    }
  }

  /**
   * Reads inside transactions run on every replica, and a read of random()
   * gives each replica its own value: such rows are not hashed, so they fence
   * nothing (every replica's digest would differ, and writes would stop).
   */
  @ParameterizedTest
  @EnumSource(Backend.class)
  void randomValuesReadInTransactionsFenceNothing(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("reads-" + backend), 3, backend).withCheckpoints(FAST);
    try (OrdoNode node = Nodes.startReady(cfg)) {
      createAccounts(node);
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        c.setAutoCommit(false);
        for (int i = 0; i < 20; i++) {
          try (ResultSet rs = s.executeQuery("SELECT RANDOM(), v FROM acct WHERE id = 1")) {
            assertTrue(rs.next());
          }
          s.executeUpdate("UPDATE acct SET v = v + 1 WHERE id = 1");
          c.commit();
        }
      }
      LogPosition after = node.replicas().get(0).lastCheckpoint();
      write(node, 2);
      awaitTrue("every replica reports a checkpoint after the reads", () -> node.replicas().stream()
          .allMatch(r -> r.lastCheckpoint() != null && (after == null || r.lastCheckpoint().isAfter(after))));
      write(node, 3);
      awaitAgreement(node);
      for (Replica r : node.replicas()) {
        assertEquals(Replica.State.HEALTHY, r.state(), r.name() + ": " + r.lastProblem());
      }
    }
  }

  private static void createAccounts(OrdoNode node) throws SQLException {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE acct (id INT PRIMARY KEY, v INT NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO acct VALUES (?, 0)")) {
        for (int i = 1; i <= ROWS; i++) {
          ps.setInt(1, i);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  private static void write(OrdoNode node, int id) throws SQLException {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("UPDATE acct SET v = v + 1 WHERE id = " + id));
    }
  }

  /** ORDO STATUS: replica → "STATE problem". */
  private static Map<String, String> status(OrdoNode node) throws SQLException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("ORDO STATUS")) {
      while (rs.next()) {
        out.put(rs.getString("REPLICA"), rs.getString("STATE") + " " + rs.getString("PROBLEM")
            + " checkpoint " + rs.getString("LAST_CHECKPOINT") + " digest " + rs.getString("LAST_DIGEST"));
      }
    }
    return out;
  }

  /** Once writes stop, every replica reports the same checkpoint with the same digest. */
  private static void awaitAgreement(OrdoNode node) throws Exception {
    write(node, 5); // one more checkpoint after everything above
    awaitTrue("every replica reports the same last checkpoint and digest", () -> {
      List<Replica> rs = node.replicas();
      LogPosition cp = rs.get(0).lastCheckpoint();
      String digest = rs.get(0).lastDigest();
      return cp != null && rs.stream().allMatch(r -> r.isHealthy() && cp.equals(r.lastCheckpoint())
          && digest.equals(r.lastDigest()));
    });
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Writers and a reader through Ordo; the reader checks it never sees the change made behind Ordo's back. */
  private static final class Load implements AutoCloseable {
    final AtomicInteger updates = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger wrongReads = new AtomicInteger();
    final AtomicReference<Exception> firstError = new AtomicReference<>();
    final AtomicBoolean stop = new AtomicBoolean();
    /** Set once the diverged replica is fenced: from then on no read may see its change. */
    final AtomicBoolean fenced = new AtomicBoolean();
    final List<Thread> threads = new ArrayList<>();

    Load(OrdoNode node) {
      for (int i = 0; i < 3; i++) {
        threads.add(Thread.ofPlatform().daemon().start(() -> run(node, false)));
      }
      threads.add(Thread.ofPlatform().daemon().start(() -> run(node, true)));
    }

    private void run(OrdoNode node, boolean reader) {
      try (Connection c = Nodes.connect(node);
          PreparedStatement up = c.prepareStatement("UPDATE acct SET v = v + 1 WHERE id = ?");
          PreparedStatement read = c.prepareStatement("SELECT v FROM acct WHERE id = 1")) {
        while (!stop.get()) {
          try {
            if (reader) {
              boolean afterFence = fenced.get();
              try (ResultSet rs = read.executeQuery()) {
                rs.next();
                if (afterFence && rs.getInt(1) >= 1000) {
                  wrongReads.incrementAndGet();
                }
              }
            } else {
              up.setInt(1, 2 + ThreadLocalRandom.current().nextInt(ROWS - 1));
              if (up.executeUpdate() != 1) {
                throw new SQLException("an update of an existing row changed no row");
              }
              updates.incrementAndGet();
            }
          } catch (SQLException e) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e);
          }
        }
      } catch (SQLException e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e);
      }
    }

    void stopAndCheck() throws InterruptedException {
      close();
      assertEquals(0, errors.get(), "clients never see a fenced replica's problem: " + firstError.get());
      assertEquals(0, wrongReads.get(), "no read after the fence served the change made behind Ordo's back");
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }
}
