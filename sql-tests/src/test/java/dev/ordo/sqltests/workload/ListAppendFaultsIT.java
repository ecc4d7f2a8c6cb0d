package dev.ordo.sqltests.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.sqltests.history.CheckResult;
import dev.ordo.sqltests.history.HistoryWriter;
import dev.ordo.sqltests.history.ListAppendChecker;
import dev.ordo.sqltests.history.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * List-append through a three-node cluster in one JVM while the log leader is
 * stopped and then a replica of a surviving node is stopped and started: the
 * history (clients spread over the nodes, reconnecting elsewhere on failure)
 * stays strictly serializable.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ListAppendFaultsIT {
  private static final long SEED = Long.getLong("ordo.seed", 20261127L);

  @TempDir
  Path dir;

  @Test
  void leaderStopAndReplicaRestartKeepTheHistoryStrictlySerializable() throws Exception {
    int clients = 8;
    int keys = 8;
    Duration duration = Duration.ofSeconds(10);
    try (InJvmCluster cluster = InJvmCluster.start(dir.resolve("cluster"), 3, 1, SEED)) {
      // Stop the leader, then restart the replica of a node that is not the new leader's peer... any survivor.
      int leader = cluster.leader();
      String survivor = "n" + ((leader + 1) % 3 + 1);
      FaultSchedule schedule = FaultSchedule.parse(
          "3s:stop-leader,4s:start-node,6s:restart-replica:" + survivor + ":0:1s");
      System.out.printf("list-append with faults: %d clients, %s, %d keys, seed %d, faults %s%n", clients, duration,
          keys, SEED, schedule);
      ListAppendWorkload.setUp(cluster.url(0), "sa", "", keys);
      Recorder recorder = new Recorder();
      TxnClients workload = new ListAppendWorkload(new ListAppendWorkload.Config(cluster.url(0), "sa", "", -1,
          clients, duration, keys, SEED)).withUrls(cluster::url).withRecorder(recorder);
      List<Op> history;
      List<String> injected;
      try (Faults faults = new Faults(schedule, cluster, recorder)) {
        workload.run();
        faults.await(60_000);
        injected = faults.injected();
        assertTrue(faults.problems().isEmpty(), "every fault applied: " + faults.problems());
      }
      history = recorder.history();
      Path file = Path.of("target", "list-append-faults.edn");
      HistoryWriter.write(file, history);
      CheckResult r = ListAppendChecker.check(history);
      System.out.printf("list-append with faults: %d ops, %d ok, %d fail, %d info; faults %s; %s; anomalies %s;"
          + " checker %d ms; history %s%n", r.ops(), r.okTxns(), r.failedTxns(), r.infoTxns(), injected,
          r.verdict(), r.anomalies().keySet(), r.elapsed().toMillis(), file);
      assertEquals(3, injected.size(), "every fault injected: " + injected);
      assertTrue(r.okTxns() > 100, "enough transactions committed: " + r);
      long okAfterFaults = history.stream().filter(o -> o.isClient() && o.type() == Op.Type.OK
          && o.time() > Duration.ofSeconds(7).toNanos()).count();
      assertTrue(okAfterFaults > 0, "transactions commit after the faults");
      // The promise behind the history: every node's replica holds the same lists. A replica that diverged
      // anyway must be fenced by the digests at a checkpoint (it then serves nothing, and is reported here);
      // every node still serving holds the same lists.
      ListAppendWorkload.Agreement agreement = ListAppendWorkload.awaitServingNodesAgree(cluster.urls(), "sa", "",
          Duration.ofSeconds(40));
      if (!agreement.fenced().isEmpty()) {
        System.out.println("DIVERGENCE DETECTED AND FENCED: " + agreement.fenced());
      }
      assertTrue(agreement.agree(), "every node that serves holds the same lists: " + agreement);
      assertTrue(r.valid(), "history with faults is strictly serializable: " + r.anomalies());
    }
  }
}
