package dev.ordo.sqltests.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.sqltests.Nodes;
import dev.ordo.sqltests.history.HistoryWriter;
import dev.ordo.sqltests.history.Keyword;
import dev.ordo.sqltests.history.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** rw-register through an embedded node while a replica restarts; the sanity checker passes and bites. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RegisterIT {
  private static final long SEED = Long.getLong("ordo.seed", 20261127L);

  @TempDir
  Path dir;

  @Test
  void registerHistoryPassesTheSanityCheckAcrossAReplicaRestart() throws Exception {
    RegisterWorkload.Config config = new RegisterWorkload.Config(null, 8, Duration.ofSeconds(8), 6, SEED);
    try (InJvmCluster node = InJvmCluster.of(List.of(Nodes.startReady(Nodes.embedded(dir.resolve("ordo"), 3))),
        SEED)) {
      RegisterWorkload.setUp(node.url(0), config.keys());
      FaultSchedule schedule = FaultSchedule.parse("3s:restart-replica:n1:0:1s");
      System.out.printf("register: %d clients, %s, %d keys, seed %d, faults %s%n", config.clients(),
          config.duration(), config.keys(), SEED, schedule);
      Recorder recorder = new Recorder();
      TxnClients workload = new RegisterWorkload(config).withUrls(node::url).withRecorder(recorder);
      List<String> injected;
      try (Faults faults = new Faults(schedule, node, recorder)) {
        workload.run();
        faults.await(60_000);
        injected = faults.injected();
      }
      List<Op> history = recorder.history();
      HistoryWriter.write(dir.resolve("register.edn"), history);
      RegisterWorkload.Result r = RegisterWorkload.check(history);
      System.out.printf("register: %d ops, %d ok txns, %d non-nil reads checked, faults %s, problems %s%n",
          history.size(), r.okTxns(), r.reads(), injected, r.problems());
      assertEquals(1, injected.size(), "the replica restarted: " + injected);
      assertTrue(r.okTxns() > 100 && r.reads() > 50, "enough transactions and reads: " + r);
      assertTrue(r.valid(), "no impossible read: " + r.problems());
    }
  }

  @Test
  void theSanityCheckFindsStaleGarbageAndOwnWriteReads() {
    Keyword r = Keyword.of("r");
    Keyword w = Keyword.of("w");
    List<Op> h = new ArrayList<>();
    // p0 writes 1 to key 0, acknowledged; then p0 writes 2, acknowledged; then p1 reads 1 (stale).
    add(h, 0, Op.Type.INVOKE, List.of(Arrays.asList(w, 0L, 1L)), 0);
    add(h, 0, Op.Type.OK, List.of(Arrays.asList(w, 0L, 1L)), 1);
    add(h, 0, Op.Type.INVOKE, List.of(Arrays.asList(w, 0L, 2L)), 2);
    add(h, 0, Op.Type.OK, List.of(Arrays.asList(w, 0L, 2L)), 3);
    add(h, 1, Op.Type.INVOKE, List.of(Arrays.asList(r, 0L, null)), 4);
    add(h, 1, Op.Type.OK, List.of(Arrays.asList(r, 0L, 1L)), 5);
    // p1 reads 99, never written; p1 writes 3 then reads 4 in the same transaction.
    add(h, 1, Op.Type.INVOKE, List.of(Arrays.asList(r, 0L, null)), 6);
    add(h, 1, Op.Type.OK, List.of(Arrays.asList(r, 0L, 99L)), 7);
    add(h, 1, Op.Type.INVOKE, List.of(Arrays.asList(w, 1L, 3L), Arrays.asList(r, 1L, null)), 8);
    add(h, 1, Op.Type.OK, List.of(Arrays.asList(w, 1L, 3L), Arrays.asList(r, 1L, 4L)), 9);
    RegisterWorkload.Result res = RegisterWorkload.check(h);
    assertFalse(res.valid());
    assertEquals(3, res.problems().size(), res.problems().toString());
  }

  private static void add(List<Op> h, long process, Op.Type type, Object value, long time) {
    h.add(new Op(h.size(), type, process, Op.TXN, value, time, null));
  }
}
