package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * Isolation levels: Ordo reports SERIALIZABLE, accepts weaker levels, and
 * runs transactions at them strictly serializably all the same.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IsolationIT {
  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE iso (id INT PRIMARY KEY, v INT NOT NULL)");
      // Row 1 for the repeatable-read test, row 2 for the lost-update test, row 3 for the reporting test.
      s.executeUpdate("INSERT INTO iso VALUES (1, 0), (2, 0), (3, 0)");
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
  void reportsSerializableAndAcceptsReadCommitted() throws Exception {
    try (Connection c = Nodes.connect(node)) {
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      // The level actually used: JDBC lets a driver substitute a stronger one.
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
      c.setAutoCommit(false);
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
      assertEquals(0L, Txns.queryLong(c, "SELECT v FROM iso WHERE id = 3"));
      c.commit();
    }
  }

  @Test
  void readCommittedReadsAreStillRepeatable() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("iso-writer").factory());
    try (Connection reader = Nodes.connect(node); Connection writer = Nodes.connect(node)) {
      reader.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      reader.setAutoCommit(false);
      long first = Txns.queryLong(reader, "SELECT v FROM iso WHERE id = 1");

      Future<Integer> write = pool.submit(() -> Txns.update(writer, "UPDATE iso SET v = v + 100 WHERE id = 1"));
      Thread.sleep(500);
      assertFalse(write.isDone(), "an autocommit write went past the key lock of an open transaction that read it");
      assertEquals(first, Txns.queryLong(reader, "SELECT v FROM iso WHERE id = 1"),
          "a second read in the same READ_COMMITTED transaction (READ COMMITTED proper would see the write)");
      reader.commit();
      try {
        assertEquals(1, write.get(10, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        throw Txns.unwrap(e);
      }
      assertEquals(first + 100, Txns.queryLong(reader, "SELECT v FROM iso WHERE id = 1"));
      reader.commit();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void readCommittedLosesNoUpdate() throws Exception {
    long before;
    try (Connection c = Nodes.connect(node)) {
      before = Txns.queryLong(c, "SELECT v FROM iso WHERE id = 2");
    }
    LongAdder aborts = new LongAdder();
    ExecutorService pool = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("iso-second").factory());
    try (Connection first = Nodes.connect(node); Connection second = Nodes.connect(node)) {
      first.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      first.setAutoCommit(false);
      second.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      second.setAutoCommit(false);
      long v = Txns.queryLong(first, "SELECT v FROM iso WHERE id = 2");
      // The second read-then-increment reads the same row: its read (U on the key) waits for the first's.
      Future<Integer> increment = pool.submit(() -> Txns.retrying(second, aborts, tx -> {
        long w = Txns.queryLong(tx, "SELECT v FROM iso WHERE id = 2");
        return Txns.update(tx, "UPDATE iso SET v = ? WHERE id = 2", w + 1);
      }));
      Thread.sleep(500);
      assertFalse(increment.isDone(), "a second read-write transaction read the row the first read to update");
      assertEquals(1, Txns.update(first, "UPDATE iso SET v = ? WHERE id = 2", v + 1));
      first.commit();
      try {
        assertEquals(1, increment.get(20, TimeUnit.SECONDS));
      } catch (ExecutionException e) {
        throw Txns.unwrap(e);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = Nodes.connect(node)) {
      assertEquals(before + 2, Txns.queryLong(c, "SELECT v FROM iso WHERE id = 2"), "both increments count");
    }
    // The second waited at its read and read the first's increment: nobody was a deadlock victim.
    assertEquals(0, aborts.sum(), "aborts of read-then-increment transactions");
    Txns.assertReplicasIdentical(node);
  }
}
