package dev.ordo.sqltests.bench;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.txn.Stages;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.h2.tools.Server;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Autocommit INSERT latency and throughput through Ordo (one node, three H2
 * replicas, single-peer log with fsync) against one H2 TCP server used
 * directly, measured in the same run. Prints p50/p99 latency of one client and
 * the throughput of many, and Ordo's ratio to the baseline. Repeats each
 * measurement and reports the median round.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Autocommit INSERT latency and throughput: Ordo (3 H2 replicas) vs one H2 TCP server.")
public final class InsertBenchmark implements Callable<Integer> {
  @Option(names = "--single-ops", defaultValue = "2000", description = "Inserts per single-client round.")
  int singleOps;

  @Option(names = "--clients", defaultValue = "16", description = "Clients for the throughput rounds.")
  int clients;

  @Option(names = "--seconds", defaultValue = "5", description = "Length of a throughput round.")
  int seconds;

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds per measurement (median reported).")
  int rounds;

  @Option(names = "--peer-tls", description = "Also measure three nodes in this JVM (one H2 replica each, clients "
      + "on the leader): log peers over Netty on loopback, and over mutual TLS (gRPC), to show what TLS costs.")
  boolean peerTls;

  @Option(names = "--dir", description = "Working directory (default: a new temporary one).")
  Path dir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new InsertBenchmark()).execute(args));
  }

  /**
   * One system's medians; {@code cpuMsPerOp} is this JVM's CPU time (clients, and the server or node, which
   * run in it) per insert of the throughput rounds.
   */
  record Result(String target, double p50Ms, double p99Ms, double opsPerSec, double cpuMsPerOp) {}

  /** The node's stage times of the last round: one client, then the throughput clients. */
  private Map<Stages.Stage, Histogram> stagesOneClient;
  private Map<Stages.Stage, Histogram> stagesManyClients;

  @Override
  public Integer call() throws Exception {
    Path work = dir != null ? dir : Files.createTempDirectory("ordo-bench");
    System.out.printf("bench: %d single-client inserts x %d rounds, %d clients x %d s x %d rounds, dir %s%n",
        singleOps, rounds, clients, seconds, rounds, work);
    List<Result> results = new ArrayList<>();
    Server h2 = Server.createTcpServer("-tcpPort", "" + freePort(), "-baseDir", work.resolve("h2").toString(),
        "-ifNotExists").start();
    try {
      String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/bench";
      results.add(measure("H2 TCP server (baseline)", url, null));
    } finally {
      h2.stop();
    }
    NodeConfig cfg = NodeConfig.embedded(work.resolve("ordo"), "127.0.0.1", freePort(), freePort(), 3);
    try (OrdoNode node = OrdoNode.start(cfg)) {
      if (!node.awaitReady(Duration.ofSeconds(60))) {
        throw new IllegalStateException("Ordo not ready: " + node.status());
      }
      results.add(measure("Ordo, 3 H2 replicas", node.jdbcUrl(), node.stages()));
    }
    if (peerTls) {
      results.add(measureCluster(work.resolve("cluster-plain"), false));
      results.add(measureCluster(work.resolve("cluster-tls"), true));
    }
    Result base = results.get(0);
    System.out.println();
    System.out.printf("%-44s %10s %10s %14s %14s%n", "target", "p50 ms", "p99 ms", "inserts/s", "CPU ms/insert");
    for (Result r : results) {
      System.out.printf("%-44s %10.3f %10.3f %14.0f %14.3f%n", r.target, r.p50Ms, r.p99Ms, r.opsPerSec,
          r.cpuMsPerOp);
    }
    if (peerTls) {
      Result plain = results.get(results.size() - 2);
      Result tls = results.get(results.size() - 1);
      System.out.printf("ratio three nodes, mutual TLS / Netty on loopback: p50 %.2fx, p99 %.2fx, throughput %.2fx,"
          + " CPU per insert %.2fx%n", tls.p50Ms / plain.p50Ms, tls.p99Ms / plain.p99Ms, tls.opsPerSec / plain.opsPerSec,
          tls.cpuMsPerOp / plain.cpuMsPerOp);
    }
    Result ordo = results.get(1);
    System.out.printf("ratio Ordo/baseline: p50 %.1fx, p99 %.1fx, throughput %.2fx, CPU per insert %.1fx%n",
        ordo.p50Ms / base.p50Ms, ordo.p99Ms / base.p99Ms, ordo.opsPerSec / base.opsPerSec,
        ordo.cpuMsPerOp / base.cpuMsPerOp);
    System.out.printf("%nWhere Ordo's time goes, last round, 1 client (the client saw p50 %.3f ms):%n%s", ordo.p50Ms,
        Stages.table(stagesOneClient));
    System.out.printf("%nWhere Ordo's time goes, last round, %d clients:%n%s", clients,
        Stages.table(stagesManyClients));
    return 0;
  }

  /** Three nodes of one H2 replica each in this JVM, clients on the node that leads the log. */
  private Result measureCluster(Path dir, boolean tls) throws Exception {
    List<NodeConfig> configs = dev.ordo.sqltests.workload.InJvmCluster.configs(dir, 3, 1);
    if (tls) {
      java.util.Map<String, List<String>> hosts = new java.util.LinkedHashMap<>();
      configs.forEach(c -> hosts.put(c.nodeId(), List.of(c.log().self().host())));
      java.util.Map<String, dev.ordo.sequencer.SequencerConfig.PeerTls> certs =
          dev.ordo.sequencer.PeerCertificates.create(dir.resolve("certs"), hosts, Duration.ofDays(1));
      configs = configs.stream().map(c -> c.withLog(c.log().withTls(certs.get(c.nodeId())))).toList();
    }
    try (dev.ordo.sqltests.workload.InJvmCluster cluster = dev.ordo.sqltests.workload.InJvmCluster.start(configs, 1)) {
      StringBuilder url = new StringBuilder("jdbc:ordo://");
      for (OrdoNode n : cluster.live()) {
        url.append(url.length() > "jdbc:ordo://".length() ? "," : "").append("127.0.0.1:").append(n.port());
      }
      url.append("/ordo?targetServerType=primary");
      return measure(tls ? "Ordo, 3 nodes, peers over mutual TLS (gRPC)" : "Ordo, 3 nodes, peers over Netty",
          url.toString(), null);
    }
  }

  private Result measure(String target, String url, Stages stages) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE bench (id BIGINT PRIMARY KEY, client INT, v VARCHAR(100))");
    }
    AtomicLong ids = new AtomicLong();
    double[] p50 = new double[rounds];
    double[] p99 = new double[rounds];
    double[] tput = new double[rounds];
    double[] cpu = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      Histogram h = new Histogram(3);
      if (stages != null) {
        stages.interval(); // what came before this round
      }
      try (Connection c = DriverManager.getConnection(url, "sa", "");
          PreparedStatement ps = c.prepareStatement("INSERT INTO bench VALUES (?, ?, ?)")) {
        for (int i = 0; i < singleOps + 200; i++) {
          long t0 = System.nanoTime();
          insert(ps, ids.incrementAndGet(), 0);
          if (i >= 200) {
            h.recordValue((System.nanoTime() - t0) / 1000);
          }
        }
      }
      p50[round] = h.getValueAtPercentile(50) / 1000.0;
      p99[round] = h.getValueAtPercentile(99) / 1000.0;
      if (stages != null) {
        stagesOneClient = stages.interval();
      }
      long cpuBefore = CpuTime.jvmNanos();
      long opsBefore = ids.get();
      tput[round] = throughput(url, ids);
      cpu[round] = (CpuTime.jvmNanos() - cpuBefore) / 1e6 / Math.max(1, ids.get() - opsBefore);
      if (stages != null) {
        stagesManyClients = stages.interval();
      }
      System.out.printf("  %s round %d: p50 %.3f ms, p99 %.3f ms, %,.0f inserts/s with %d clients%n", target,
          round + 1, p50[round], p99[round], tput[round], clients);
    }
    return new Result(target, median(p50), median(p99), median(tput), median(cpu));
  }

  private double throughput(String url, AtomicLong ids) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    AtomicLong done = new AtomicLong();
    long[] window = new long[2];
    List<Future<?>> futures = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      int client = k;
      futures.add(pool.submit(() -> {
        try (Connection c = DriverManager.getConnection(url, "sa", "");
            PreparedStatement ps = c.prepareStatement("INSERT INTO bench VALUES (?, ?, ?)")) {
          start.await();
          long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
          while (System.nanoTime() < end) {
            insert(ps, ids.incrementAndGet(), client);
            done.incrementAndGet();
          }
        }
        return null;
      }));
    }
    window[0] = System.nanoTime();
    start.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    window[1] = System.nanoTime();
    pool.shutdown();
    return done.get() / ((window[1] - window[0]) / 1e9);
  }

  private static void insert(PreparedStatement ps, long id, int client) throws SQLException {
    ps.setLong(1, id);
    ps.setInt(2, client);
    ps.setString(3, "value-" + id);
    if (ps.executeUpdate() != 1) {
      throw new IllegalStateException("insert of " + id + " did not insert one row");
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
