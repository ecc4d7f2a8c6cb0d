package dev.ordo.sqltests.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import dev.ordo.sqltests.history.HistoryWriter;
import dev.ordo.sqltests.history.Op;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bank transfers through an embedded node while one of its replicas restarts: the total never changes. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BankIT {
  private static final long SEED = Long.getLong("ordo.seed", 20261127L);

  @TempDir
  Path dir;

  @Test
  void everyReadSeesTheSameTotalAcrossAReplicaRestart() throws Exception {
    int accounts = 8;
    long balance = 100;
    BankWorkload.Config config = new BankWorkload.Config(null, 8, Duration.ofSeconds(8), accounts, balance, SEED);
    try (InJvmCluster node = InJvmCluster.of(List.of(Nodes.startReady(Nodes.embedded(dir.resolve("ordo"), 3))),
        SEED)) {
      String url = node.url(0);
      BankWorkload.setUp(url, accounts, balance);
      FaultSchedule schedule = FaultSchedule.parse("3s:restart-replica:n1:1:1s");
      System.out.printf("bank: %d clients, %s, %d accounts, seed %d, faults %s%n", config.clients(),
          config.duration(), accounts, SEED, schedule);
      Recorder recorder = new Recorder();
      TxnClients workload = new BankWorkload(config).withUrls(node::url).withRecorder(recorder);
      List<String> injected;
      try (Faults faults = new Faults(schedule, node, recorder)) {
        workload.run();
        faults.await(60_000);
        injected = faults.injected();
      }
      List<Op> history = recorder.history();
      HistoryWriter.write(dir.resolve("bank.edn"), history);
      BankWorkload.Result r = BankWorkload.check(history, accounts, accounts * balance);
      Map<Long, Long> last;
      try (Connection c = java.sql.DriverManager.getConnection(url)) {
        last = BankWorkload.readAll(c);
      }
      System.out.printf("bank: %d ops, %d ok transfers, %d ok reads, faults %s, problems %s, final %s%n",
          history.size(), r.transfers(), r.reads(), injected, r.problems().size(), last);
      assertEquals(1, injected.size(), "the replica restarted: " + injected);
      assertTrue(r.transfers() > 50 && r.reads() > 10, "enough transfers and reads: " + r);
      assertTrue(r.valid(), "every read saw the total: " + r.problems());
      assertEquals(accounts * balance, last.values().stream().mapToLong(Long::longValue).sum(), "final total");
      OrdoNode n = node.live().get(0);
      Nodes.awaitReplicasCaughtUp(n);
      var contents = Nodes.replicaContents(n.config());
      assertTrue(contents.get(0).equals(contents.get(1)) && contents.get(0).equals(contents.get(2)),
          "replicas identical after the restart");
    }
  }
}
