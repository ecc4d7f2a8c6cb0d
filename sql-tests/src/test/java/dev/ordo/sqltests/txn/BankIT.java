package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
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
 * Bank transfers as interactive read-then-write transactions: 16 clients move
 * money between 20 accounts while a reader checks, with autocommit SELECTs and
 * inside read-only transactions, that the total never changes. Runs 10 s;
 * {@code -Dordo.bank.seconds=N} runs longer (up to about 120 s fits the
 * class timeout); {@code -Dordo.seed=N} replays a seed.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BankIT {
  static final int ACCOUNTS = 20;
  static final long INITIAL = 100;
  static final long TOTAL = ACCOUNTS * INITIAL;
  static final int CLIENTS = 16;

  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE accounts (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES (?, ?)")) {
        for (int i = 0; i < ACCOUNTS; i++) {
          ps.setInt(1, i);
          ps.setLong(2, INITIAL);
          ps.addBatch();
        }
        ps.executeBatch();
      }
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
  void transfersKeepTheTotal() throws Exception {
    long seed = Txns.seed(BankIT.class);
    int seconds = Integer.getInteger("ordo.bank.seconds", 10);
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    LongAdder commits = new LongAdder();
    LongAdder skipped = new LongAdder();
    LongAdder aborts = new LongAdder();
    LongAdder autocommitReads = new LongAdder();
    LongAdder snapshotReads = new LongAdder();

    List<Callable<Void>> tasks = new ArrayList<>();
    for (int w = 0; w < CLIENTS; w++) {
      SplittableRandom random = new SplittableRandom(seed + w);
      tasks.add(() -> {
        try (Connection c = Nodes.connect(node)) {
          c.setAutoCommit(false);
          while (System.nanoTime() < deadline) {
            int from = random.nextInt(ACCOUNTS);
            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            long amount = 1 + random.nextInt(50);
            boolean moved = Txns.retrying(c, aborts, tx -> transfer(tx, from, to, amount));
            (moved ? commits : skipped).increment();
          }
        }
        return null;
      });
    }
    tasks.add(() -> {
      try (Connection auto = Nodes.connect(node); Connection snap = Nodes.connect(node)) {
        snap.setReadOnly(true);
        snap.setAutoCommit(false);
        while (System.nanoTime() < deadline) {
          long sum = Txns.queryLong(auto, "SELECT sum(balance) FROM accounts");
          assertEquals(TOTAL, sum, "autocommit SELECT sum(balance), seed " + seed);
          autocommitReads.increment();
          // Two statements in one read-only transaction: the same snapshot, and the total in both.
          long rowSum = 0;
          int rows = 0;
          try (ResultSet rs = snap.createStatement().executeQuery("SELECT id, balance FROM accounts")) {
            while (rs.next()) {
              rowSum += rs.getLong(2);
              rows++;
            }
          }
          long aggregate = Txns.queryLong(snap, "SELECT sum(balance) FROM accounts");
          snap.commit();
          assertEquals(ACCOUNTS, rows, "rows in a read-only transaction, seed " + seed);
          assertEquals(TOTAL, rowSum, "sum of rows read in a read-only transaction, seed " + seed);
          assertEquals(TOTAL, aggregate, "sum(balance) in the same read-only transaction, seed " + seed);
          snapshotReads.increment();
        }
      }
      return null;
    });

    Txns.runAll("bank", tasks, Duration.ofSeconds(seconds + 90L));
    System.out.printf("BankIT: %d s, %d transfers committed, %d declined (insufficient funds), %d aborts"
        + " (40P01/40001, retried), %d autocommit and %d read-only checks of the total%n", seconds, commits.sum(),
        skipped.sum(), aborts.sum(), autocommitReads.sum(), snapshotReads.sum());
    assertTrue(commits.sum() > 0, "no transfer committed in " + seconds + " s");
    assertTrue(autocommitReads.sum() > 0 && snapshotReads.sum() > 0, "the reader never completed a check");

    try (Connection c = Nodes.connect(node)) {
      assertEquals(TOTAL, Txns.queryLong(c, "SELECT sum(balance) FROM accounts"));
      assertEquals(0, Txns.queryLong(c, "SELECT count(*) FROM accounts WHERE balance < 0"),
          "a transfer overdrew an account: it decided on a stale balance");
    }
    Txns.assertReplicasIdentical(node);
    for (int i = 0; i < node.config().replicas().size(); i++) {
      try (Connection r = Nodes.replica(node.config(), i)) {
        assertEquals(TOTAL, Txns.queryLong(r, "SELECT sum(balance) FROM accounts"), "replica " + i);
      }
    }
  }

  /**
   * Reads both balances, decides in Java, writes the new balances as literals
   * (so a lost update would show in the total). Returns false when the source
   * cannot pay; that transaction commits without writing.
   */
  private static boolean transfer(Connection c, int from, int to, long amount) throws SQLException {
    long fromBalance = Txns.queryLong(c, "SELECT balance FROM accounts WHERE id = ?", from);
    long toBalance = Txns.queryLong(c, "SELECT balance FROM accounts WHERE id = ?", to);
    if (fromBalance < amount) {
      return false;
    }
    assertEquals(1, Txns.update(c, "UPDATE accounts SET balance = ? WHERE id = ?", fromBalance - amount, from));
    assertEquals(1, Txns.update(c, "UPDATE accounts SET balance = ? WHERE id = ?", toBalance + amount, to));
    return true;
  }
}
