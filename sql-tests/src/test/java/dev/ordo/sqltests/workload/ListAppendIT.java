package dev.ordo.sqltests.workload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import dev.ordo.sqltests.history.CheckResult;
import dev.ordo.sqltests.history.HistoryWriter;
import dev.ordo.sqltests.history.ListAppendChecker;
import dev.ordo.sqltests.history.Op;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker bites: the same list-append workload is strictly serializable
 * through Ordo, and not on a bare H2 database at READ COMMITTED or at its
 * SERIALIZABLE level (snapshot isolation).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ListAppendIT {
  private static final long SEED = Long.getLong("ordo.seed", 20261127L);

  @TempDir
  Path dir;

  @Test
  void throughOrdoTheHistoryIsStrictlySerializable() throws Exception {
    try (OrdoNode node = Nodes.startReady(Nodes.embedded(dir.resolve("ordo"), 3))) {
      CheckResult r = run(node.jdbcUrl(), -1, 8, Duration.ofSeconds(8), 8, "ordo");
      assertTrue(r.okTxns() > 100, "enough transactions committed: " + r);
      assertTrue(r.valid(), "Ordo's history is strictly serializable: " + r.anomalies());
      Nodes.awaitReplicasCaughtUp(node);
      var contents = Nodes.replicaContents(node.config());
      assertTrue(contents.get(0).equals(contents.get(1)) && contents.get(0).equals(contents.get(2)),
          "replicas identical");
    }
  }

  @Test
  void bareH2AtReadCommittedIsNot() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("rc").resolve("db") + ";LOCK_TIMEOUT=2000";
    CheckResult r = run(url, Connection.TRANSACTION_READ_COMMITTED, 8, Duration.ofSeconds(5), 4, "h2-rc");
    assertFalse(r.valid(), "READ COMMITTED shows anomalies: " + r);
  }

  @Test
  void bareH2AtSerializableIsNot() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("si").resolve("db") + ";LOCK_TIMEOUT=2000";
    CheckResult r = run(url, Connection.TRANSACTION_SERIALIZABLE, 8, Duration.ofSeconds(8), 4, "h2-serializable");
    assertFalse(r.valid(), "H2's SERIALIZABLE (snapshot isolation) shows anomalies: " + r);
  }

  private CheckResult run(String url, int isolation, int clients, Duration duration, int keys, String name)
      throws Exception {
    System.out.printf("%s: list-append, %d clients, %s, %d keys, seed %d%n", name, clients, duration, keys, SEED);
    ListAppendWorkload.setUp(url, "sa", "", keys);
    List<Op> history = new ListAppendWorkload(new ListAppendWorkload.Config(url, "sa", "", isolation, clients,
        duration, keys, SEED)).run();
    Path file = dir.resolve(name + ".edn");
    HistoryWriter.write(file, history);
    CheckResult r = ListAppendChecker.check(history);
    System.out.printf("%s: %d ok, %d failed, %d info; %s; anomalies %s; history %s%n", name, r.okTxns(),
        r.failedTxns(), r.infoTxns(), r.verdict(), r.anomalies().keySet(), file);
    return r;
  }
}
