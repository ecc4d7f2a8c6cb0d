package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.sqltests.pg.PgServers;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real {@code ordo serve} process during a write load:
 * after a restart on the same data directory, no acknowledged write is lost or
 * duplicated and the replicas applied exactly the log.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KillNineIT {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void killNineDuringLoadLosesNothing(Backend backend) throws Exception {
    int[] ports = dev.ordo.sqltests.workload.InJvmCluster.freePorts(2);
    int port = ports[0];
    int raftPort = ports[1];
    Path data = dir.resolve("data-" + backend);
    List<ReplicaConfig> replicas = backend == Backend.H2 ? List.of() : PgServers.replicas(3);
    List<String> extra = new ArrayList<>();
    for (ReplicaConfig r : replicas) {
      extra.addAll(List.of("--replica-url", r.jdbcUrl()));
    }
    if (!replicas.isEmpty()) {
      extra.addAll(List.of("--replica-user", replicas.get(0).user()));
    }
    String url = "jdbc:ordo://127.0.0.1:" + port + "/ordo";

    Process first = serve(port, raftPort, data, extra);
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE acked (id BIGINT PRIMARY KEY, writer INT NOT NULL)");
    }
    InsertLoad load = new InsertLoad("acked", 4, attempt -> url);
    Thread.sleep(1500);
    int beforeKill = load.acknowledged();
    first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    Process second = serve(port, raftPort, data, extra);
    Thread.sleep(1500);
    load.close();
    assertTrue(beforeKill > 0, "writes were acknowledged before the kill");
    assertTrue(load.acknowledged() > beforeKill, "writes resumed after the restart");
    second.destroy();
    assertTrue(second.waitFor(60, TimeUnit.SECONDS), "ordo serve stops on SIGTERM");

    // Reopen the same data directory in this JVM and check replicas against the log.
    NodeConfig cfg = NodeConfig.embedded(data, "127.0.0.1", Nodes.freePort(), raftPort, 3);
    if (!replicas.isEmpty()) {
      cfg = cfg.withReplicas(replicas);
    }
    try (OrdoNode node = Nodes.startReady(cfg)) {
      Nodes.awaitReplicasCaughtUp(node);
      try {
        load.checkExactlyOnce(node, "acked");
      } catch (AssertionError e) {
        // Say where the log holds the missing write and what each replica recorded for it.
        String id = e.getMessage().replaceAll("(?s).*e\\.g\\. (\\d+).*", "$1");
        throw new AssertionError(e.getMessage() + "\n" + (id.matches("\\d+")
            ? InsertLoad.traceInLog(node, Long.parseLong(id)) : ""), e);
      }
    }
  }

  private static Process serve(int port, int raftPort, Path data, List<String> extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "" + port, "--raft-port", "" + raftPort, "--data-dir",
        data.toString()));
    args.addAll(extra);
    return Nodes.serveProcess(args.toArray(String[]::new));
  }
}
