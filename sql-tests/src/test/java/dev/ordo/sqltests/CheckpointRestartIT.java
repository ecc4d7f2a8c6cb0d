package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.CheckpointSettings;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.replica.CheckpointReports;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.sequencer.LogPosition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
 * A restarted node re-reads the log from the first entry of the transactions
 * that ended last, and its replicas report every checkpoint they pass there
 * again, from what they recorded before the restart. Those reports must say
 * exactly what the first ones said, table hash or none, and fence nothing.
 *
 * <p>An interactive transaction stays open while autocommit writes on another
 * table make checkpoints of both kinds (plain ones, and one that hashes the
 * tables and waits for the open transaction), then it commits last: after the
 * restart every replica resumes from before those checkpoints.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CheckpointRestartIT {
  /** A checkpoint every 100 ms of work; one of them hashes the tables every second. */
  private static final CheckpointSettings OFTEN =
      new CheckpointSettings(Duration.ofMillis(100), 1_000, Duration.ofSeconds(1));

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void checkpointsReReportedAfterARestartAgreeWithTheFirstReports(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("node-" + backend), 3, backend).withCheckpoints(OFTEN);
    AtomicReference<OrdoNode> current = new AtomicReference<>(Nodes.startReady(cfg));
    try {
      OrdoNode node = current.get();
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE held (id INT PRIMARY KEY, v INT NOT NULL)");
        s.executeUpdate("CREATE TABLE churn (id INT PRIMARY KEY, v INT NOT NULL)");
      }

      // The transaction that holds the low-water position back while checkpoints of both kinds pass. The
      // writer starts first: once the transaction is open, a table-hash checkpoint may stop it at any write.
      // (Closed in reverse order: on a failure the transaction is rolled back before the writer is joined.)
      try (Writer writer = new Writer(node); Connection held = Nodes.connect(node);
          Statement s = held.createStatement()) {
        awaitTrue("the writer writes", () -> writer.written.get() > 0);
        held.setAutoCommit(false);
        assertEquals(1, s.executeUpdate("INSERT INTO held VALUES (1, 1)"));
        long opened = System.nanoTime();
        // Table-hash checkpoints come every second. The next one waits for this transaction's lock on
        // held, and the writes ordered after it wait for it: the writer stops making progress.
        awaitTrue("a table-hash checkpoint waits for the open transaction, and the writer behind it", () ->
            System.nanoTime() - opened > TimeUnit.MILLISECONDS.toNanos(2_000) && writer.stalledMillis() > 500);
        writer.stop.set(true); // it waits on a write that is in the log already: the commit below ends last
        held.commit();
      }
      // The log index of the commit itself, not the committed index read later: a checkpoint may be appended
      // after the commit before that read, and with nothing written after it, no later checkpoint would come.
      long committed = lastEndIndex(node, cfg);
      awaitTrue("every replica reports a checkpoint after the transaction committed", () -> node.replicas()
          .stream().allMatch(r -> r.lastCheckpoint() != null && r.lastCheckpoint().index() > committed));
      Nodes.awaitReplicasCaughtUp(node);

      // On every replica, checkpoints of both kinds were recorded after the open transaction's first entry,
      // which is where each replica re-reads from after the restart.
      int recorded = Integer.MAX_VALUE;
      for (int i = 0; i < cfg.replicas().size(); i++) {
        try (Connection direct = Nodes.replica(cfg, i)) {
          LogPosition first = firstEntryOfTheLastTransaction(direct);
          int[] kinds = checkpointsFrom(direct, first);
          assertTrue(kinds[0] >= 1 && kinds[1] >= 1, "r" + (i + 1) + " recorded plain and table-hash "
              + "checkpoints after " + first + ": " + kinds[0] + " plain, " + kinds[1] + " with a table hash");
          recorded = Math.min(recorded, kinds[0] + kinds[1]);
          System.err.printf("CheckpointRestartIT[%s]: r%d re-reads from %s, past %d plain and %d table-hash "
              + "checkpoints%n", backend, i + 1, first, kinds[0], kinds[1]);
        }
      }
      CheckpointReports before = node.checkpointReports();
      assertEquals(0, before.conflictingRepeats(), before.conflicts().toString());

      long stopping = System.nanoTime();
      node.close();
      long stopped = System.nanoTime();
      current.set(Nodes.startReady(cfg));
      long ready = System.nanoTime();
      System.err.printf("CheckpointRestartIT[%s]: node closed in %d ms, ready again %d ms later%n", backend,
          TimeUnit.NANOSECONDS.toMillis(stopped - stopping), TimeUnit.NANOSECONDS.toMillis(ready - stopped));

      OrdoNode again = current.get();
      try (Connection c = Nodes.connect(again); Statement s = c.createStatement()) {
        assertEquals(1, s.executeUpdate("INSERT INTO churn VALUES (-1, 0)"));
      }
      long written = lastEndIndex(again, cfg);
      awaitTrue("every replica reports a checkpoint after the restart", () -> again.replicas().stream()
          .allMatch(r -> r.lastCheckpoint() != null && r.lastCheckpoint().index() > written));
      Nodes.awaitReplicasCaughtUp(again); // every report appended so far has been read by the monitor
      for (Replica r : again.replicas()) {
        assertEquals(Replica.State.HEALTHY, r.state(), r.name() + ": " + r.lastProblem());
        assertNull(r.fencedWhy(), r.name());
      }
      String digest = again.replicas().get(0).lastDigest();
      LogPosition last = again.replicas().get(0).lastCheckpoint();
      for (Replica r : again.replicas()) {
        if (last.equals(r.lastCheckpoint())) {
          assertEquals(digest, r.lastDigest(), r.name() + " agrees at " + last);
        }
      }

      CheckpointReports reports = again.checkpointReports();
      System.err.printf("CheckpointRestartIT[%s]: after the restart %s%n", backend, reports);
      assertTrue(reports.repeats() >= 3L * recorded, "each of the three replicas re-reported the " + recorded
          + " checkpoints it re-read: " + reports);
      assertEquals(0, reports.conflictingRepeats(), "re-reports say what the first reports said: "
          + reports.conflicts());
      assertEquals(List.of(), reports.conflicts());
    } finally {
      current.get().close();
    }
  }

  /** Where the transaction that ended last began: the interactive one above, committed last. */
  /**
   * The log index of the last entry that ended a transaction or wrote alone (the replicas' last bookkeeping
   * row), once every replica has applied everything committed.
   */
  private static long lastEndIndex(OrdoNode node, NodeConfig cfg) throws Exception {
    Nodes.awaitReplicasCaughtUp(node);
    long last = -1;
    for (int i = 0; i < cfg.replicas().size(); i++) {
      try (Connection direct = Nodes.replica(cfg, i); Statement s = direct.createStatement();
          ResultSet rs = s.executeQuery("SELECT MAX(LOG_INDEX) FROM ORDO.APPLIED")) {
        assertTrue(rs.next());
        last = Math.max(last, rs.getLong(1));
      }
    }
    return last;
  }

  private static LogPosition firstEntryOfTheLastTransaction(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT FIRST_INDEX, FIRST_SUB, "
        + "LOG_INDEX FROM ORDO.APPLIED ORDER BY LOG_INDEX DESC, SUB_INDEX DESC LIMIT 1")) {
      assertTrue(rs.next(), "a transaction ended");
      LogPosition first = new LogPosition(rs.getLong(1), rs.getInt(2));
      assertTrue(first.index() < rs.getLong(3), "the interactive transaction ended last, not a one-shot write "
          + "(began at " + first + ", ended at index " + rs.getLong(3) + ")");
      return first;
    }
  }

  /** The checkpoints a replica recorded after {@code from}: {plain, with a table hash}. */
  private static int[] checkpointsFrom(Connection c, LogPosition from) throws SQLException {
    int[] kinds = new int[2];
    try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_HASH FROM ORDO.CHECKPOINTS "
        + "WHERE LOG_INDEX > ? OR (LOG_INDEX = ? AND SUB_INDEX > ?)")) {
      ps.setLong(1, from.index());
      ps.setLong(2, from.index());
      ps.setInt(3, from.sub());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getLong(1);
          kinds[rs.wasNull() ? 0 : 1]++;
        }
      }
    }
    return kinds;
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting until " + what);
      }
      Thread.sleep(50);
    }
  }

  /** Autocommit inserts into {@code churn} until closed; a table-hash checkpoint makes them wait a while. */
  private static final class Writer implements AutoCloseable {
    final AtomicInteger written = new AtomicInteger();
    final AtomicReference<SQLException> error = new AtomicReference<>();
    final AtomicBoolean stop = new AtomicBoolean();
    volatile long progressNanos = System.nanoTime();
    final Thread thread;

    Writer(OrdoNode node) {
      thread = Thread.ofPlatform().daemon().name("writer").start(() -> {
        try (Connection c = Nodes.connect(node);
            PreparedStatement ps = c.prepareStatement("INSERT INTO churn VALUES (?, 0)")) {
          for (int id = 1; !stop.get(); id++) {
            ps.setInt(1, id);
            ps.executeUpdate();
            written.incrementAndGet();
            progressNanos = System.nanoTime();
            Thread.sleep(5);
          }
        } catch (SQLException e) {
          error.set(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }

    /** How long its current insert has been waiting. */
    long stalledMillis() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - progressNanos);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertNull(error.get(), "the writer's inserts all succeeded");
    }
  }
}
