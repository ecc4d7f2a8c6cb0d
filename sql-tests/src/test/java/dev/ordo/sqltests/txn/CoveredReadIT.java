package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reads inside a read-write transaction of rows the transaction has locked already are answered by one local
 * replica without a log entry: they see the transaction's own writes, a failure among them is answered through
 * the log alike on every replica, and the replicas stay identical.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CoveredReadIT {
  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE acct (id INT PRIMARY KEY, v BIGINT NOT NULL)");
      s.executeUpdate("INSERT INTO acct VALUES (1, 100), (2, 200), (3, 300)");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  /** How many reads were answered without the log since the last call. */
  private static long coveredReads() {
    return node.stages().interval().get(Stages.Stage.COVERED_READ).getTotalCount();
  }

  @Test
  void aReadOfARowTheTransactionWroteSkipsTheLogAndSeesTheWrite() throws Exception {
    coveredReads();
    try (Connection a = Nodes.connect(node); Connection b = Nodes.connect(node)) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      assertEquals(1, Txns.update(a, "UPDATE acct SET v = v + 1 WHERE id = ?", 1));
      // b wants row 1 too and waits for a: a's own read of the row goes on without the log all the same.
      CompletableFuture<Integer> bWaits = CompletableFuture.supplyAsync(() -> {
        try {
          return Txns.update(b, "UPDATE acct SET v = v * 10 WHERE id = 1");
        } catch (SQLException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      assertEquals(101, Txns.queryLong(a, "SELECT v FROM acct WHERE id = ?", 1));
      assertEquals(1, coveredReads(), "the read of row 1 was answered without a log entry");
      // Row 2 is not locked by a: that read goes through the log (and takes its lock there).
      assertEquals(200, Txns.queryLong(a, "SELECT v FROM acct WHERE id = 2"));
      assertEquals(0, coveredReads(), "the read of row 2 went through the log");
      // Now a holds row 2 as well: a second read of it is covered.
      assertEquals(200, Txns.queryLong(a, "SELECT v FROM acct WHERE id = 2"));
      assertEquals(1, coveredReads());
      a.commit();
      assertEquals(1, bWaits.get(30, TimeUnit.SECONDS));
      // b's read of the row it wrote: covered, and it sees its own write over a's.
      assertEquals(1010, Txns.queryLong(b, "SELECT v FROM acct WHERE id = 1"));
      b.commit();
    }
    Txns.assertReplicasIdentical(node);
  }

  @Test
  void aCoveredReadThatFailsIsAnsweredThroughTheLogOnEveryReplica() throws Exception {
    try (Connection a = Nodes.connect(node)) {
      a.setAutoCommit(false);
      assertEquals(1, Txns.update(a, "UPDATE acct SET v = v + 1 WHERE id = 3"));
      coveredReads();
      SQLException e = assertThrows(SQLException.class,
          () -> Txns.queryLong(a, "SELECT v / (v - v) FROM acct WHERE id = 3"));
      assertEquals("22012", e.getSQLState(), e.getMessage());
      assertEquals(0, coveredReads(), "the failed read was not answered from one replica");
      // The log's answer aborted the transaction on every replica.
      SQLException aborted = assertThrows(SQLException.class,
          () -> Txns.queryLong(a, "SELECT v FROM acct WHERE id = 3"));
      assertEquals("25P02", aborted.getSQLState(), aborted.getMessage());
      a.rollback();
    }
    try (Connection c = Nodes.connect(node)) {
      assertEquals(300, Txns.queryLong(c, "SELECT v FROM acct WHERE id = 3"), "the update was rolled back");
    }
    Txns.assertReplicasIdentical(node);
  }
}
