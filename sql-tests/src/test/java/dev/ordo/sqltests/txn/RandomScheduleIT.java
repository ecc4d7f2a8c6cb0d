package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.TreeSet;
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
 * Many short interactive transactions over four tables, each a random mix of
 * reads, blind and read-modify-write updates and inserts, in tables shared
 * with other clients or mostly its own, ending in a random commit or
 * rollback. Afterwards every replica holds the same rows, and the rows match
 * what the clients committed: each committed increment counted once, each
 * committed insert present, nothing from rolled-back or aborted ones.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RandomScheduleIT {
  static final int TABLES = 4;
  static final int ROWS = 10;
  static final int CLIENTS = 8;
  static final int TXNS_PER_CLIENT = 50;

  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      for (int t = 0; t < TABLES; t++) {
        s.executeUpdate("CREATE TABLE r" + t + " (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, writer INT NOT NULL)");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO r" + t + " VALUES (?, 0, -1)")) {
          for (int id = 0; id < ROWS; id++) {
            ps.setLong(1, id);
            ps.addBatch();
          }
          ps.executeBatch();
        }
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

  /** What one client's committed transactions did, per table. */
  record Effects(long[] increments, List<TreeSet<Long>> inserted) {
    static Effects none() {
      List<TreeSet<Long>> ins = new ArrayList<>();
      for (int t = 0; t < TABLES; t++) {
        ins.add(new TreeSet<>());
      }
      return new Effects(new long[TABLES], ins);
    }

    void add(Effects other) {
      for (int t = 0; t < TABLES; t++) {
        increments[t] += other.increments[t];
        inserted.get(t).addAll(other.inserted.get(t));
      }
    }
  }

  @Test
  void replicasAgreeAndMatchWhatWasCommitted() throws Exception {
    long seed = Txns.seed(RandomScheduleIT.class);
    LongAdder commits = new LongAdder();
    LongAdder rollbacks = new LongAdder();
    LongAdder aborts = new LongAdder();
    List<Callable<Effects>> clients = new ArrayList<>();
    for (int w = 0; w < CLIENTS; w++) {
      int client = w;
      SplittableRandom random = new SplittableRandom(seed + w);
      clients.add(() -> {
        Effects total = Effects.none();
        long[] nextId = {1_000_000L * (client + 1)};
        try (Connection c = Nodes.connect(node)) {
          c.setAutoCommit(false);
          for (int t = 0; t < TXNS_PER_CLIENT; t++) {
            boolean commit = random.nextInt(5) != 0;
            long plan = random.nextLong();
            // A retry replays the same plan (fresh ids for inserts).
            Effects done = Txns.retrying(c, aborts, commit, tx -> {
              Effects e = Effects.none();
              transaction(tx, new SplittableRandom(plan), client, nextId, e);
              return e;
            });
            if (commit) {
              commits.increment();
              total.add(done);
            } else {
              rollbacks.increment();
            }
          }
        }
        return total;
      });
    }
    List<Effects> results = Txns.runAll("schedule", clients, Duration.ofSeconds(150));
    System.out.printf("RandomScheduleIT: %d commits, %d rollbacks, %d aborts (40P01/40001, retried)%n",
        commits.sum(), rollbacks.sum(), aborts.sum());

    Effects expected = Effects.none();
    results.forEach(expected::add);
    try (Connection c = Nodes.connect(node)) {
      for (int t = 0; t < TABLES; t++) {
        String table = "r" + t;
        assertEquals(expected.increments[t], Txns.queryLong(c, "SELECT sum(v) FROM " + table + " WHERE id < ?", ROWS),
            "committed increments of " + table + ", seed " + seed);
        TreeSet<Long> ids = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE id >= ?")) {
          ps.setLong(1, ROWS);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              ids.add(rs.getLong(1));
            }
          }
        }
        assertEquals(expected.inserted.get(t), ids, "committed inserts of " + table + ", seed " + seed);
      }
    }
    Txns.assertReplicasIdentical(node);
  }

  /**
   * One transaction: two to five random operations. Tables are chosen from
   * the client's own table three times in four and from all four otherwise,
   * so transactions both overlap and run disjoint.
   */
  private static void transaction(Connection c, SplittableRandom r, int client, long[] nextId, Effects e)
      throws SQLException {
    int ops = 2 + r.nextInt(4);
    for (int op = 0; op < ops; op++) {
      int t = r.nextInt(4) != 0 ? client % TABLES : r.nextInt(TABLES);
      String table = "r" + t;
      int row = r.nextInt(ROWS);
      switch (r.nextInt(5)) {
        case 0 -> Txns.queryLong(c, "SELECT count(*) FROM " + table);
        case 1 -> {
          assertEquals(1, Txns.update(c, "UPDATE " + table + " SET v = v + 1, writer = ? WHERE id = ?", client, row));
          e.increments[t]++;
        }
        case 2 -> {
          long v = Txns.queryLong(c, "SELECT v FROM " + table + " WHERE id = ?", row);
          assertEquals(1, Txns.update(c, "UPDATE " + table + " SET v = ?, writer = ? WHERE id = ?", v + 1, client,
              row));
          assertEquals(v + 1, Txns.queryLong(c, "SELECT v FROM " + table + " WHERE id = ?", row),
              "a transaction reads its own write");
          e.increments[t]++;
        }
        case 3 -> {
          long id = nextId[0]++;
          assertEquals(1, Txns.update(c, "INSERT INTO " + table + " VALUES (?, 0, ?)", id, client));
          assertEquals(1, Txns.queryLong(c, "SELECT count(*) FROM " + table + " WHERE id = ?", id),
              "a transaction reads its own insert");
          e.inserted.get(t).add(id);
        }
        default -> Txns.queryLong(c, "SELECT coalesce(sum(v), 0) FROM " + table + " WHERE id < ?", ROWS);
      }
    }
  }
}
