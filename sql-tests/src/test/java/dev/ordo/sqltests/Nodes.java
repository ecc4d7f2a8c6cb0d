package dev.ordo.sqltests;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.NodeConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Starting real nodes for tests, and looking at their replicas directly. */
public final class Nodes {
  private Nodes() {}

  /**
   * Starts {@code ordo serve ARGS} in a child JVM (this test's classpath) and
   * waits for its ready line. The caller destroys the process.
   */
  public static Process serveProcess(String... args) throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
        "dev.ordo.proxy.cli.OrdoCommand", "serve"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    String line = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        String l;
        while ((l = out.readLine()) != null) {
          if (l.startsWith("Ordo is ready")) {
            return l;
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    }).get(120, java.util.concurrent.TimeUnit.SECONDS);
    if (line == null) {
      p.destroyForcibly();
      throw new IllegalStateException("ordo serve " + List.of(args) + " exited before it was ready");
    }
    return p;
  }

  /** A free TCP port on loopback. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The embedded default (one node, single-peer log, {@code replicas} H2 replicas) on free ports. */
  public static NodeConfig embedded(Path dir, int replicas) {
    int[] ports = dev.ordo.sqltests.workload.InJvmCluster.freePorts(2);
    return NodeConfig.embedded(dir, "127.0.0.1", ports[0], ports[1], replicas);
  }

  /** One node on free ports with {@code replicas} fresh replica databases of {@code backend}. */
  public static NodeConfig embedded(Path dir, int replicas, Backend backend) {
    return dev.ordo.sqltests.pg.PgServers.withReplicas(embedded(dir, replicas), backend, replicas);
  }

  /** A running cluster of {@code nodes} nodes in this JVM (started again on new ports if a port was taken). */
  public static List<OrdoNode> startCluster(Path dir, int nodes, int replicasPerNode) throws Exception {
    return startCluster(dir, nodes, replicasPerNode, Backend.H2);
  }

  /** As {@link #startCluster(Path, int, int)}, with replicas of {@code backend}. */
  public static List<OrdoNode> startCluster(Path dir, int nodes, int replicasPerNode, Backend backend)
      throws Exception {
    return dev.ordo.sqltests.workload.InJvmCluster.start(dir, nodes, replicasPerNode, 0, backend).live();
  }

  /** Configurations of an {@code nodes}-node cluster, each node with its own log peer and replicas. */
  public static List<NodeConfig> cluster(Path dir, int nodes, int replicasPerNode) {
    return dev.ordo.sqltests.workload.InJvmCluster.configs(dir, nodes, replicasPerNode);
  }

  public static OrdoNode startReady(NodeConfig cfg) throws Exception {
    OrdoNode node = OrdoNode.start(cfg);
    if (!node.awaitReady(Duration.ofSeconds(60))) {
      node.close();
      throw new IllegalStateException("node not ready: " + node.status());
    }
    return node;
  }

  public static Connection connect(OrdoNode node) throws SQLException {
    return DriverManager.getConnection(node.jdbcUrl());
  }

  /** A direct connection to one replica database, bypassing Ordo. */
  public static Connection replica(NodeConfig cfg, int i) throws SQLException {
    var rc = cfg.replicas().get(i);
    return DriverManager.getConnection(rc.jdbcUrl(), rc.user(), rc.password());
  }

  /** Every row of every user table of a database, in a canonical order: table → sorted rows. */
  public static Map<String, List<String>> contents(Connection c) throws SQLException {
    Map<String, List<String>> out = new TreeMap<>();
    List<String> tables = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE", "BASE TABLE"})) {
      while (rs.next()) {
        String schema = rs.getString("TABLE_SCHEM");
        if (!"INFORMATION_SCHEMA".equalsIgnoreCase(schema)) {
          tables.add("\"" + schema + "\".\"" + rs.getString("TABLE_NAME") + "\"");
        }
      }
    }
    for (String t : tables) {
      if (t.equalsIgnoreCase("\"ORDO\".\"CHECKPOINTS\"")) {
        continue; // how many checkpoints a replica has recorded depends on how far it is: compared through digests
      }
      List<String> rows = new ArrayList<>();
      // The low-water columns say where each replica would resume: replica-local, not replicated data.
      String columns = t.equalsIgnoreCase("\"ORDO\".\"APPLIED\"")
          ? "TXN_ID, LOG_INDEX, SUB_INDEX, OUTCOME, UPDATE_COUNTS, SQL_STATE" : "*";
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT " + columns + " FROM " + t)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            b.append(v instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes) : String.valueOf(v))
                .append('|');
          }
          rows.add(b.toString());
        }
      }
      rows.sort(null);
      out.put(t, rows);
    }
    return out;
  }

  /** Contents of each replica of a node, read directly. */
  public static List<Map<String, List<String>>> replicaContents(NodeConfig cfg) throws SQLException {
    List<Map<String, List<String>>> out = new ArrayList<>();
    for (int i = 0; i < cfg.replicas().size(); i++) {
      try (Connection c = replica(cfg, i)) {
        out.add(contents(c));
      }
    }
    return out;
  }

  /**
   * Waits until every replica of the node has applied the log up to a
   * linearizable read index: everything acknowledged anywhere in the cluster
   * before this call. (A follower's own committed index may lag the leader's.)
   */
  public static void awaitReplicasCaughtUp(OrdoNode node) throws InterruptedException {
    long target;
    try {
      target = Math.max(node.sequencer().committedIndex(),
          node.sequencer().readIndex().get(60, java.util.concurrent.TimeUnit.SECONDS));
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no read index from the log: " + e, e);
    }
    if (!node.sequencer().awaitCommitted(target, Duration.ofSeconds(60))) {
      throw new IllegalStateException("the log did not reach " + target + " on " + node.status());
    }
    for (var r : node.replicas()) {
      // Settled, not only applied: the bookkeeping rows of rollbacks and aborts are written too.
      if (!r.awaitSettled(target, Duration.ofSeconds(60))) {
        throw new IllegalStateException("replica " + r.name() + " did not catch up to " + target + ": "
            + node.status());
      }
    }
  }
}
