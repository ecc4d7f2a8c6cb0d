package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 * Deadlocks between interactive transactions end with one victim (40001, a
 * serialization failure whose message names the deadlock) and
 * one winner; one-shot writes are never victims; and any error aborts its
 * transaction until rollback (25P02).
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeadlockIT {
  static final int ROUNDS = 5;

  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      for (String t : List.of("ta", "tb", "tc", "td")) {
        s.executeUpdate("CREATE TABLE " + t + " (id INT PRIMARY KEY, v INT NOT NULL)");
        s.executeUpdate("INSERT INTO " + t + " VALUES (1, 0)");
      }
      s.executeUpdate("CREATE TABLE te (id INT PRIMARY KEY)");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  /** What one side of a crossing pair ended as. */
  enum Fate { COMMITTED, VICTIM }

  @Test
  void crossingUpdatesMakeExactlyOneVictim() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      try (Connection admin = Nodes.connect(node); Connection c1 = Nodes.connect(node);
          Connection c2 = Nodes.connect(node)) {
        admin.createStatement().executeUpdate("UPDATE ta SET v = 0");
        admin.createStatement().executeUpdate("UPDATE tb SET v = 0");
        c1.setAutoCommit(false);
        c2.setAutoCommit(false);
        // T1 holds X on ta, T2 holds X on tb; then each asks for the other's table at once.
        assertEquals(1, Txns.update(c1, "UPDATE ta SET v = 1 WHERE id = 1"));
        assertEquals(1, Txns.update(c2, "UPDATE tb SET v = 2 WHERE id = 1"));
        CyclicBarrier cross = new CyclicBarrier(2);
        List<Fate> fates = Txns.runAll("crossing", List.<Callable<Fate>>of(
            () -> secondStatement(c1, cross, "UPDATE tb SET v = 1 WHERE id = 1"),
            () -> secondStatement(c2, cross, "UPDATE ta SET v = 2 WHERE id = 1")), Duration.ofSeconds(60));
        System.out.printf("DeadlockIT round %d: T1 %s, T2 %s%n", round, fates.get(0), fates.get(1));
        assertEquals(1, fates.stream().filter(f -> f == Fate.VICTIM).count(), "victims among " + fates);
        int winner = fates.get(0) == Fate.COMMITTED ? 1 : 2;

        try (Connection r = Nodes.connect(node)) {
          assertEquals(winner, Txns.queryLong(r, "SELECT v FROM ta WHERE id = 1"), "ta after round " + round);
          assertEquals(winner, Txns.queryLong(r, "SELECT v FROM tb WHERE id = 1"), "tb after round " + round);
        }
        Map<String, List<String>> contents = Txns.assertReplicasIdentical(node);
        assertEquals(List.of("1|" + winner + "|"), Txns.rows(contents, "ta"), "replica ta, round " + round);
        assertEquals(List.of("1|" + winner + "|"), Txns.rows(contents, "tb"), "replica tb, round " + round);
      }
    }
  }

  /**
   * Runs the statement that closes or joins the cycle. The winner's statement
   * waits until the victim's locks are gone, then it commits; the victim
   * checks what the application sees after the verdict and rolls back.
   */
  private static Fate secondStatement(Connection c, CyclicBarrier cross, String sql) throws Exception {
    cross.await(20, TimeUnit.SECONDS);
    try {
      assertEquals(1, Txns.update(c, sql));
    } catch (SQLException e) {
      if (!Txns.DEADLOCK.equals(e.getSQLState())) {
        throw e;
      }
      assertInstanceOf(SQLTransactionRollbackException.class, e, Txns.describe(e));
      assertEquals(0, e.getErrorCode(), "vendor code of a serialization failure");
      assertTrue(e.getMessage().contains("deadlock"), "the message says it was a deadlock: " + e.getMessage());
      SQLException next = assertThrows(SQLException.class,
          () -> Txns.queryLong(c, "SELECT count(*) FROM ta"), "a statement after the verdict, before rollback");
      assertEquals(Txns.IN_FAILED_TRANSACTION, next.getSQLState(), Txns.describe(next));
      assertThrows(SQLException.class, c::commit, "commit() after the verdict");
      c.rollback();
      c.setAutoCommit(true);
      return Fate.VICTIM;
    }
    c.commit();
    return Fate.COMMITTED;
  }

  @Test
  void anAutocommitBatchWaitsAndIsNeverTheVictim() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("batch").factory());
    try (Connection admin = Nodes.connect(node); Connection t1 = Nodes.connect(node);
        Connection batcher = Nodes.connect(node)) {
      admin.createStatement().executeUpdate("UPDATE tc SET v = 0");
      admin.createStatement().executeUpdate("UPDATE td SET v = 0");
      t1.setAutoCommit(false);
      assertEquals(1, Txns.update(t1, "UPDATE tc SET v = 1 WHERE id = 1"));

      // A one-shot batch that needs td and tc: it is logged after T1's lock on tc, so it waits for T1.
      long before = node.sequencer().committedIndex();
      Future<int[]> batch = pool.submit(() -> {
        try (Statement s = batcher.createStatement()) {
          s.addBatch("UPDATE td SET v = 10 WHERE id = 1");
          s.addBatch("UPDATE tc SET v = 10 WHERE id = 1");
          return s.executeBatch();
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (node.sequencer().committedIndex() == before) {
        assertTrue(System.nanoTime() < deadline, "the batch never reached the log");
        Thread.sleep(5);
      }
      Thread.sleep(300);
      assertFalse(batch.isDone(), "the batch finished while T1 held an X lock on tc");

      // T1 now asks for td, queued behind the batch: T1's request closes the cycle, so T1 is the victim.
      SQLException e = assertThrows(SQLException.class, () -> Txns.update(t1, "UPDATE td SET v = 1 WHERE id = 1"),
          "T1's request closes a cycle with the waiting batch");
      assertEquals(Txns.DEADLOCK, e.getSQLState(), Txns.describe(e));
      assertInstanceOf(SQLTransactionRollbackException.class, e);
      t1.rollback();

      try {
        assertArrayEquals(new int[] {1, 1}, batch.get(20, TimeUnit.SECONDS));
      } catch (java.util.concurrent.ExecutionException ex) {
        fail("the batch failed; one-shot writes wait for locks and are never victims: " + ex.getCause(), ex);
      }
      assertEquals(10, Txns.queryLong(admin, "SELECT v FROM tc WHERE id = 1"));
      assertEquals(10, Txns.queryLong(admin, "SELECT v FROM td WHERE id = 1"));
    } finally {
      pool.shutdownNow();
    }
    Txns.assertReplicasIdentical(node);
  }

  @Test
  void anErrorAbortsTheTransactionUntilRollback() throws Exception {
    try (Connection c = Nodes.connect(node)) {
      c.setAutoCommit(false);
      assertEquals(1, Txns.update(c, "INSERT INTO te VALUES (1)"));
      SQLException dup = assertThrows(SQLException.class, () -> Txns.update(c, "INSERT INTO te VALUES (1)"));
      assertEquals("23505", dup.getSQLState(), Txns.describe(dup));
      assertInstanceOf(SQLIntegrityConstraintViolationException.class, dup);
      for (String later : List.of("SELECT count(*) FROM te", "INSERT INTO te VALUES (2)")) {
        SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute(later), later);
        assertEquals(Txns.IN_FAILED_TRANSACTION, e.getSQLState(), later + ": " + Txns.describe(e));
      }
      c.rollback();

      // The whole transaction is gone, including the statement that succeeded before the error.
      assertEquals(0, Txns.queryLong(c, "SELECT count(*) FROM te"));
      assertEquals(1, Txns.update(c, "INSERT INTO te VALUES (3)"));
      c.commit();
      c.setAutoCommit(true);
      assertEquals(3, Txns.queryLong(c, "SELECT sum(id) FROM te"));
    }
    Map<String, List<String>> contents = Txns.assertReplicasIdentical(node);
    assertEquals(List.of("3|"), Txns.rows(contents, "te"));
  }
}
