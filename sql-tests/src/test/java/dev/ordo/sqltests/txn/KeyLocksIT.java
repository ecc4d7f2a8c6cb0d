package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Key-level locks with real components: interactive transactions that write
 * different rows of one table by primary key run side by side, while the same
 * row, the same unique value or a scan of the table waits for the transaction
 * that holds it, in log order, on three replicas that end identical.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KeyLocksIT {
  /** Long enough that a statement that was not blocked has answered (a log round trip is a few ms). */
  private static final long BLOCKED_MS = 1_500;

  @TempDir
  static Path dir;
  static OrdoNode node;
  static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE acct (id INT PRIMARY KEY, v BIGINT NOT NULL)");
      s.executeUpdate("INSERT INTO acct VALUES (1, 100), (2, 200), (3, 300), (4, 400)");
      s.executeUpdate("CREATE TABLE person (id INT PRIMARY KEY, email VARCHAR(40) UNIQUE)");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @AfterAll
  static void threads() {
    THREADS.shutdownNow();
  }

  private static Connection txn() throws SQLException {
    Connection c = Nodes.connect(node);
    c.setAutoCommit(false);
    return c;
  }

  private static CompletableFuture<Integer> updateAsync(Connection c, String sql, Object... params) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return Txns.update(c, sql, params);
      } catch (SQLException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, THREADS);
  }

  private static void assertBlocked(CompletableFuture<?> f, String what) {
    assertThrows(TimeoutException.class, () -> f.get(BLOCKED_MS, TimeUnit.MILLISECONDS),
        what + " should wait for the transaction holding the lock");
  }

  @Test
  void differentRowsOfOneTableAreWrittenSideBySide() throws Exception {
    try (Connection a = txn(); Connection b = txn()) {
      assertEquals(1, Txns.update(a, "UPDATE acct SET v = v + 1 WHERE id = ?", 1));
      // a is open and holds row 1: b's update of row 2 answers without waiting for it.
      CompletableFuture<Integer> bUpdate = updateAsync(b, "UPDATE acct SET v = v + 10 WHERE id = ?", 2);
      assertEquals(1, bUpdate.get(BLOCKED_MS, TimeUnit.MILLISECONDS), "b waited for a's row");
      // A key read of a third row does not wait either.
      assertEquals(300, Txns.queryLong(b, "SELECT v FROM acct WHERE id = ?", 3));
      b.commit();
      a.commit();
    }
    try (Connection c = Nodes.connect(node)) {
      assertEquals(101, Txns.queryLong(c, "SELECT v FROM acct WHERE id = 1"));
      assertEquals(210, Txns.queryLong(c, "SELECT v FROM acct WHERE id = 2"));
    }
    Txns.assertReplicasIdentical(node);
  }

  @Test
  void theSameRowWaitsForTheTransactionThatWroteIt() throws Exception {
    try (Connection a = txn(); Connection b = txn()) {
      assertEquals(1, Txns.update(a, "UPDATE acct SET v = v * 2 WHERE id = 4"));
      CompletableFuture<Integer> bUpdate = updateAsync(b, "UPDATE acct SET v = v + 1 WHERE id = ?", 4);
      assertBlocked(bUpdate, "b's update of row 4");
      a.commit();
      assertEquals(1, bUpdate.get(30, TimeUnit.SECONDS));
      b.commit();
    }
    try (Connection c = Nodes.connect(node)) {
      assertEquals(801, Txns.queryLong(c, "SELECT v FROM acct WHERE id = 4"), "a's doubling, then b's increment");
    }
    Txns.assertReplicasIdentical(node);
  }

  @Test
  void aScanWaitsForAKeyWriterAndTheSameUniqueValueWaitsForItsInserter() throws Exception {
    try (Connection a = txn(); Connection b = txn(); Connection d = txn()) {
      assertEquals(1, Txns.update(a, "INSERT INTO person VALUES (10, 'x@example.org')"));
      // Another row with another email: no wait.
      assertEquals(1, updateAsync(d, "INSERT INTO person VALUES (11, 'y@example.org')")
          .get(BLOCKED_MS, TimeUnit.MILLISECONDS));
      d.commit();
      // Another id with the same email waits for a, then fails on every replica alike.
      CompletableFuture<Integer> same = updateAsync(b, "INSERT INTO person VALUES (12, ?)", "x@example.org");
      assertBlocked(same, "the insert of the same email");
      CompletableFuture<Long> scan = CompletableFuture.supplyAsync(() -> {
        try (Connection s = txn()) {
          long n = Txns.queryLong(s, "SELECT count(*) FROM person");
          s.commit();
          return n;
        } catch (SQLException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      }, THREADS);
      assertBlocked(scan, "a scan of the table");
      a.commit();
      java.util.concurrent.ExecutionException failed = assertThrows(java.util.concurrent.ExecutionException.class,
          () -> same.get(30, TimeUnit.SECONDS));
      Throwable cause = failed;
      while (cause != null && !(cause instanceof SQLException)) {
        cause = cause.getCause();
      }
      assertEquals("23", cause == null ? null : ((SQLException) cause).getSQLState().substring(0, 2),
          String.valueOf(cause));
      b.rollback();
      assertEquals(2, scan.get(30, TimeUnit.SECONDS));
    }
    try (Connection c = Nodes.connect(node)) {
      assertFalse(Txns.queryLong(c, "SELECT count(*) FROM person WHERE id = 12") > 0);
    }
    Txns.assertReplicasIdentical(node);
  }
}
