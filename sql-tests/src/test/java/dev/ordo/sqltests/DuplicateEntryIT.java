package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.txn.TxnEntry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The log may hold an entry twice (a client's retry that reached a new leader
 * whose retry cache missed the first copy). Copies are written straight into
 * the real Raft log here, before and after a node restart: each entry takes
 * effect once on every replica, a statement of a transaction that is not open
 * opens none, and no copy leaves a transaction open holding locks.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DuplicateEntryIT {
  private static final String ORIGIN = "copier";

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void everyCopyOfAnEntryIsSkippedBeforeAndAfterARestart(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("dup-" + backend), 3, backend);
    OrdoNode node = Nodes.startReady(cfg);
    try {
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE dup (id INT PRIMARY KEY, v INT NOT NULL)");
      }
      String txn = ORIGIN + ":1:t2";
      TxnEntry insert = entry(TxnEntry.Kind.ONE_SHOT, 1, "", false, "INSERT INTO dup VALUES (1, 0)");
      TxnEntry first = entry(TxnEntry.Kind.STMT, 3, txn, true, "UPDATE dup SET v = v + 1 WHERE id = 1");
      TxnEntry second = entry(TxnEntry.Kind.STMT, 4, txn, false, "UPDATE dup SET v = v + 10 WHERE id = 1");
      TxnEntry commit = entry(TxnEntry.Kind.COMMIT, 5, txn, false);
      // A later statement of a transaction no replica has open (it ended, say): it must not open one.
      TxnEntry stray = entry(TxnEntry.Kind.STMT, 7, ORIGIN + ":1:t6", false,
          "UPDATE dup SET v = v + 5000 WHERE id = 1");
      for (TxnEntry e : List.of(insert, insert, first, first, second, second, commit, commit, first, stray)) {
        node.sequencer().append(e.encode()).get(30, TimeUnit.SECONDS);
      }
      // Through the driver: this write would wait for ever behind a transaction a copy left open.
      write(node, "UPDATE dup SET v = v + 100 WHERE id = 1");
      Nodes.awaitReplicasCaughtUp(node);
      assertEverywhere(cfg, 111);

      node.close();
      node = Nodes.startReady(cfg);
      // The originals now lie before every replica's resume position: the copies are still recognised.
      for (TxnEntry e : List.of(insert, first, second, commit)) {
        node.sequencer().append(e.encode()).get(30, TimeUnit.SECONDS);
      }
      write(node, "UPDATE dup SET v = v + 1000 WHERE id = 1");
      Nodes.awaitReplicasCaughtUp(node);
      assertEverywhere(cfg, 1111);
      try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT v FROM dup WHERE id = 1")) {
        rs.next();
        assertEquals(1111, rs.getInt(1), "read through Ordo");
      }
    } finally {
      node.close();
    }
  }

  private static TxnEntry entry(TxnEntry.Kind kind, long requestId, String txn, boolean begins, String... sql) {
    List<TxnEntry.Statement> statements = java.util.Arrays.stream(sql)
        .map(s -> new TxnEntry.Statement(s, List.of())).toList();
    return new TxnEntry(kind, ORIGIN, 1, requestId, txn, begins, System.currentTimeMillis() * 1000, false,
        KeyRequest.NONE, statements);
  }

  private static void write(OrdoNode node, String sql) throws Exception {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate(sql), sql);
    }
  }

  private static void assertEverywhere(NodeConfig cfg, int v) throws Exception {
    List<Map<String, List<String>>> contents = Nodes.replicaContents(cfg);
    for (int i = 0; i < contents.size(); i++) {
      List<String> rows = contents.get(i).entrySet().stream()
          .filter(e -> e.getKey().toUpperCase(java.util.Locale.ROOT).endsWith("\"DUP\""))
          .findFirst().orElseThrow().getValue();
      assertEquals(List.of("1|" + v + "|"), rows, "replica r" + (i + 1) + " applied each entry once");
      assertEquals(contents.get(0), contents.get(i), "replica r" + (i + 1) + " is identical to r1");
    }
  }
}
