package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.ordo.proxy.config.Backend;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idle open transaction delays nothing that does not need its locks
 * (invariant 9): reads and writes of another table go on while it sits. The
 * bounds are liveness checks, far above normal latency, not performance
 * assertions.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IdleTransactionIT {
  static final Duration BOUND = Duration.ofSeconds(5);
  static final int READS = 100;

  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE held (id INT PRIMARY KEY, v INT NOT NULL)");
      s.executeUpdate("INSERT INTO held VALUES (1, 0)");
      s.executeUpdate("CREATE TABLE unheld (id INT PRIMARY KEY, v INT NOT NULL)");
      s.executeUpdate("INSERT INTO unheld VALUES (1, 0)");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @Test
  void anIdleTransactionDelaysNothingElse() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("held-read").factory());
    try (Connection idle = Nodes.connect(node); Connection other = Nodes.connect(node);
        Connection txn = Nodes.connect(node); Connection snap = Nodes.connect(node)) {
      idle.setAutoCommit(false);
      assertEquals(1, Txns.update(idle, "UPDATE held SET v = 7 WHERE id = 1"));
      // T1 now holds an X lock on "held" and sends nothing more until it commits.

      for (int i = 0; i < READS; i++) {
        long v = Txns.within(BOUND, "autocommit read " + i + " of table unheld",
            () -> Txns.queryLong(other, "SELECT v FROM unheld WHERE id = 1"));
        assertEquals(0, v);
      }
      Txns.within(BOUND, "autocommit write of table unheld",
          () -> Txns.update(other, "UPDATE unheld SET v = 1 WHERE id = 1"));
      assertEquals(1L, Txns.within(BOUND, "autocommit read after the write",
          () -> Txns.queryLong(other, "SELECT v FROM unheld WHERE id = 1")));
      txn.setAutoCommit(false);
      Txns.within(BOUND, "an interactive transaction on table unheld", () -> {
        long v = Txns.queryLong(txn, "SELECT v FROM unheld WHERE id = 1");
        Txns.update(txn, "UPDATE unheld SET v = ? WHERE id = 1", v + 1);
        txn.commit();
        return null;
      });
      snap.setReadOnly(true);
      snap.setAutoCommit(false);
      assertEquals(2L, Txns.within(BOUND, "a read-only transaction on table unheld", () -> {
        long v = Txns.queryLong(snap, "SELECT v FROM unheld WHERE id = 1");
        snap.commit();
        return v;
      }));

      // A read of the held table may wait for T1 or not, but it never sees T1's uncommitted write.
      Future<Long> heldRead = pool.submit(() -> Txns.queryLong(other, "SELECT v FROM held WHERE id = 1"));
      try {
        assertEquals(0L, heldRead.get(BOUND.toMillis(), TimeUnit.MILLISECONDS), "a dirty read of T1's write");
        System.out.println("IdleTransactionIT: an autocommit read of the held table did not wait");
      } catch (TimeoutException e) {
        System.out.println("IdleTransactionIT: an autocommit read of the held table waits for T1");
      } catch (ExecutionException e) {
        throw Txns.unwrap(e);
      }

      idle.commit();
      try {
        heldRead.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        throw Txns.unwrap(e);
      }
      assertEquals(7, Txns.queryLong(other, "SELECT v FROM held WHERE id = 1"), "T1's write after its commit");
    } finally {
      pool.shutdownNow();
    }
    Map<String, List<String>> contents = Txns.assertReplicasIdentical(node);
    assertEquals(List.of("1|7|"), Txns.rows(contents, "held"));
    assertEquals(List.of("1|2|"), Txns.rows(contents, "unheld"));
  }
}
