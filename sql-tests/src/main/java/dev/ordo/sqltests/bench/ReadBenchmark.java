package dev.ordo.sqltests.bench;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.txn.Stages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Linearizable point reads: a prepared {@code SELECT id, v FROM reads WHERE id
 * = ?} in autocommit, ids drawn uniformly, through Ordo (one node, three H2
 * replicas, single-peer log; every read takes a read index from the log and
 * waits for its replica to reach it) against one H2 TCP server used directly,
 * measured in the same run at each client count. Prints reads/s, p50/p99
 * latency and CPU per read (this JVM: clients, and the node or server), Ordo's
 * ratios to the baseline and where Ordo's time went.
 */
@Command(name = "bench-reads", mixinStandardHelpOptions = true,
    description = "Linearizable point reads by primary key: Ordo (3 H2 replicas) vs one H2 TCP server, same run.")
public final class ReadBenchmark implements Callable<Integer> {
  @Option(names = "--clients", split = ",", defaultValue = "1,16",
      description = "Client counts to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> clientCounts;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured length of each client count.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured seconds before each measurement.")
  int warmup;

  @Option(names = "--rows", defaultValue = "10000", description = "Rows in the table read (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(names = "--seed", description = "Seed of the clients' random choices (default: random, printed).")
  Long seed;

  @Option(names = "--dir", description = "Working directory (default: a new temporary one).")
  Path dir;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReadBenchmark()).execute(args));
  }

  static final String SELECT = "SELECT id, v FROM reads WHERE id = ?";

  record Result(String target, int clients, ClosedLoop.Measurement m, String failure) {}

  @Override
  public Integer call() throws Exception {
    if (seconds < 1 || warmup < 0 || rows < 1 || clientCounts.stream().anyMatch(n -> n < 1)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--seconds, --rows and every --clients count"
          + " must be at least 1, --warmup at least 0");
    }
    Path work = dir != null ? dir : Files.createTempDirectory("ordo-bench-reads");
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    System.out.printf("bench-reads: %s (autocommit) over %d rows; clients %s; %d s (+%d s warm-up) each; seed %d;"
        + " dir %s%n", SELECT, rows, clientCounts, seconds, warmup, s, work);
    List<Result> baseline;
    List<Result> ordo;
    org.h2.tools.Server h2 = org.h2.tools.Server.createTcpServer("-tcpPort", "" + ClosedLoop.freePort(),
        "-baseDir", work.resolve("h2").toString(), "-ifNotExists").start();
    try {
      baseline = measureAll("H2 TCP server (baseline)", "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/bench", s,
          CpuTime.jvmPlus(List.of()), null);
    } finally {
      h2.stop();
    }
    NodeConfig cfg = NodeConfig.embedded(work.resolve("ordo"), "127.0.0.1", ClosedLoop.freePort(),
        ClosedLoop.freePort(), 3);
    try (OrdoNode node = OrdoNode.start(cfg)) {
      if (!node.awaitReady(Duration.ofSeconds(60))) {
        throw new IllegalStateException("Ordo not ready: " + node.status());
      }
      ordo = measureAll("Ordo, 3 H2 replicas", node.jdbcUrl(), s, CpuTime.jvmPlus(List.of()), node.stages());
    }

    System.out.println();
    System.out.printf("%-28s %7s %10s %9s %9s %10s %12s%n", "target", "clients", "reads/s", "p50 ms", "p99 ms",
        "reads", "CPU ms/read");
    boolean failed = false;
    List<Result> all = new ArrayList<>(baseline);
    all.addAll(ordo);
    for (Result r : all) {
      if (r.failure != null) {
        failed = true;
        System.out.printf("%-28s %7d   FAILED: %s%n", r.target, r.clients, r.failure);
      } else {
        System.out.printf("%-28s %7d %10.0f %9.3f %9.3f %10d %12.4f%n", r.target, r.clients, r.m.perSecond(),
            r.m.p50Ms(), r.m.p99Ms(), r.m.ops(), r.m.cpuMsPerOp());
      }
    }
    for (int i = 0; i < clientCounts.size(); i++) {
      Result b = baseline.get(i);
      Result o = ordo.get(i);
      if (b.failure == null && o.failure == null) {
        System.out.printf("ratio Ordo / %s, %d clients: throughput %.4fx, p50 %.1fx, p99 %.1fx, CPU per read %.1fx%n",
            b.target, b.clients, o.m.perSecond() / b.m.perSecond(), o.m.p50Ms() / b.m.p50Ms(),
            o.m.p99Ms() / b.m.p99Ms(), o.m.cpuMsPerOp() / b.m.cpuMsPerOp());
      } else {
        System.out.printf("ratio Ordo / %s, %d clients: not available (a target failed)%n", b.target, b.clients);
      }
    }
    for (Result o : ordo) {
      if (o.failure == null && o.m.stages() != null) {
        System.out.printf("%nWhere Ordo's time goes, %d clients (the clients saw p50 %.3f ms):%n%s", o.clients,
            o.m.p50Ms(), Stages.table(o.m.stages()));
      }
    }
    return failed ? 1 : 0;
  }

  private List<Result> measureAll(String target, String url, long s, LongSupplier cpu, Stages stages)
      throws Exception {
    List<Result> out = new ArrayList<>();
    String failure = null;
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE reads (id INT PRIMARY KEY, v VARCHAR(100) NOT NULL)");
      Workload.insertRows(c, "INSERT INTO reads(id, v) VALUES (?, ?)", rows, 1); // v: the id as text
    } catch (SQLException e) {
      failure = "loading failed: " + ClosedLoop.describe(e);
    }
    for (int clients : clientCounts) {
      Result r;
      if (failure != null) {
        r = new Result(target, clients, null, "not run: " + failure);
      } else {
        ClosedLoop.Measurement m = ClosedLoop.run(clients, warmup, seconds, k -> reader(url,
            new SplittableRandom(s + 1_000L * clients + k)), cpu, stages);
        r = new Result(target, clients, m, m.failure());
      }
      if (r.failure == null) {
        System.out.printf("  %s, %d clients: %,.0f reads/s, p50 %.3f ms, p99 %.3f ms%n", target, clients,
            r.m.perSecond(), r.m.p50Ms(), r.m.p99Ms());
      } else {
        System.out.printf("  %s, %d clients: FAILED: %s%n", target, clients, r.failure);
        failure = failure != null ? failure : r.failure;
      }
      out.add(r);
    }
    return out;
  }

  /** One client: its own connection (autocommit) and the prepared point read. */
  private ClosedLoop.Op reader(String url, SplittableRandom random) throws SQLException {
    Connection c = DriverManager.getConnection(url, "sa", "");
    PreparedStatement ps;
    try {
      ps = c.prepareStatement(SELECT);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return new ClosedLoop.Op() {
      @Override
      public int run() throws SQLException {
        int id = 1 + random.nextInt(rows);
        ps.setInt(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || rs.getInt(1) != id) {
            throw new IllegalStateException("row " + id + " is missing");
          }
        }
        return 0;
      }

      @Override
      public void close() throws SQLException {
        c.close();
      }
    };
  }
}
