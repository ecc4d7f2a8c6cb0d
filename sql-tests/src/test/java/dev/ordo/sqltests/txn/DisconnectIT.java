package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
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
 * A client that goes away in the middle of a transaction: its transaction is
 * rolled back through the log and its locks are released, so a transaction
 * waiting for them goes on.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DisconnectIT {
  /** How long the waiting transaction may take to go on once the holder is gone. */
  static final Duration RELEASE_BOUND = Duration.ofSeconds(10);

  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  /** How the holder goes away. */
  @FunctionalInterface
  interface Leave {
    void leave(Connection c) throws SQLException;
  }

  @Test
  void closeRollsBackAndReleasesLocks() throws Exception {
    holderLeaves("after_close", Connection::close);
  }

  @Test
  void abortRollsBackAndReleasesLocks() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("abort").factory());
    try {
      holderLeaves("after_abort", c -> c.abort(executor));
    } finally {
      executor.shutdown();
    }
  }

  private void holderLeaves(String table, Leave leave) throws Exception {
    try (Connection admin = Nodes.connect(node); Statement s = admin.createStatement()) {
      s.executeUpdate("CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL)");
      s.executeUpdate("INSERT INTO " + table + " VALUES (1, 0)");
    }
    ExecutorService pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("waiter").factory());
    Connection holder = Nodes.connect(node);
    try (Connection waiter = Nodes.connect(node)) {
      holder.setAutoCommit(false);
      assertEquals(1, Txns.update(holder, "UPDATE " + table + " SET v = 99 WHERE id = 1"));

      waiter.setAutoCommit(false);
      Future<Long> waiting = pool.submit(() -> {
        assertEquals(1, Txns.update(waiter, "UPDATE " + table + " SET v = v + 1 WHERE id = 1"));
        long seen = Txns.queryLong(waiter, "SELECT v FROM " + table + " WHERE id = 1");
        waiter.commit();
        return seen;
      });
      Thread.sleep(500);
      assertFalse(waiting.isDone(), "T2 updated " + table + " while T1 held its X lock");

      long gone = System.nanoTime();
      leave.leave(holder);
      assertTrue(holder.isClosed());
      long seen;
      try {
        seen = waiting.get(RELEASE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("T2 still waits " + RELEASE_BOUND + " after T1's client went away: T1's locks were"
            + " not released\n" + Txns.threadDump("waiter"));
      } catch (ExecutionException e) {
        throw Txns.unwrap(e);
      }
      System.out.printf("DisconnectIT %s: T2 went on %d ms after T1's client left%n", table,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gone));
      assertEquals(1, seen, "T2 saw T1's uncommitted write");
      waiter.setAutoCommit(true);
      assertEquals(1, Txns.queryLong(waiter, "SELECT v FROM " + table + " WHERE id = 1"));
    } finally {
      holder.close();
      pool.shutdownNow();
    }
    Map<String, List<String>> contents = Txns.assertReplicasIdentical(node);
    assertEquals(List.of("1|1|"), Txns.rows(contents, table), "T1's change is absent, T2's present");
  }
}
