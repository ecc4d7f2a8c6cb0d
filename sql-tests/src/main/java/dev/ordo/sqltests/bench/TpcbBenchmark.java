package dev.ordo.sqltests.bench;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.sqltests.pg.PgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.h2.tools.Server;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Interactive transactions through Ordo (one node, three replicas,
 * single-peer log with fsync) and against the bare backend, measured in the
 * same run at several client counts. Two workloads: TPC-B-like transactions
 * ({@link TpcbWorkload}) and ORM-style transfers between accounts of which a
 * few are hot ({@link TransferWorkload}). With H2 the baseline is one H2 TCP
 * server at its default isolation; with PostgreSQL it is one PostgreSQL server
 * through its own JDBC driver ({@code synchronous_commit=on}) at READ COMMITTED
 * and at SERIALIZABLE, and a primary with two synchronous standbys (every
 * commit flushed on both standbys), each a real server on this machine.
 * Aborted transactions (40P01/40001; on bare H2 also its lock timeout and
 * concurrent-update errors) are rolled back and retried; a transaction's
 * latency runs from its first attempt to its commit. Prints throughput,
 * p50/p99 latency, commits, aborts and CPU per transaction per system and
 * client count, Ordo's ratios to each baseline, where Ordo's time went, and
 * the workload's invariant on every system.
 */
@Command(name = "bench-tpcb", mixinStandardHelpOptions = true,
    description = "Interactive transactions (TPC-B-like or transfers): Ordo (3 replicas) vs the bare backend,"
        + " same run.")
public final class TpcbBenchmark implements Callable<Integer> {
  @Option(names = "--workload", defaultValue = "tpcb", description = "tpcb or transfer (default: ${DEFAULT-VALUE}).")
  String workloadName;

  @Option(names = "--backend", defaultValue = "h2", description = "h2 or postgresql (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--clients", split = ",",
      description = "Client counts to measure (default: 1,8,32 for tpcb, 16 for transfer).")
  List<Integer> clientCounts;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured length of each client count.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured seconds before each measurement.")
  int warmup;

  @Option(names = "--branches", defaultValue = "1", description = "tpcb: branches (the TPC-B scale factor).")
  int branches;

  @Option(names = "--tellers-per-branch", defaultValue = "10", description = "tpcb: tellers per branch.")
  int tellersPerBranch;

  @Option(names = "--accounts-per-branch", defaultValue = "10000",
      description = "tpcb: accounts per branch (TPC-B says 100000; fewer load faster).")
  int accountsPerBranch;

  @Option(names = "--update-first", description = "tpcb: update the account before reading it (pgbench's order)"
      + " instead of reading it first; reading first makes overlapping transactions upgrade S to X locks and"
      + " deadlock.")
  boolean updateFirst;

  @Option(names = "--accounts", defaultValue = "1000", description = "transfer: accounts (default: ${DEFAULT-VALUE}).")
  int accounts;

  @Option(names = "--hot-accounts", defaultValue = "10",
      description = "transfer: hot accounts, ids 1..N (default: ${DEFAULT-VALUE}).")
  int hotAccounts;

  @Option(names = "--hot-percent", defaultValue = "50",
      description = "transfer: percent chance that each account of a transfer is a hot one (default:"
          + " ${DEFAULT-VALUE}).")
  double hotPercent;

  @Option(names = "--seed", description = "Seed of the clients' random choices (default: random, printed).")
  Long seed;

  @Option(names = "--dir", description = "Working directory (default: a new temporary one).")
  Path dir;

  @Option(names = "--early-execution", defaultValue = "both", description = "Ordo's early execution (statements "
      + "answered once ordered, commits once durable): off, on, or both, measured one after the other in this "
      + "run (default: ${DEFAULT-VALUE}).")
  String earlyExecution;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TpcbBenchmark()).execute(args));
  }

  /** SQLStates after which a transaction is rolled back and retried on every system. */
  static final Set<String> RETRY = Set.of("40P01", "40001");
  /**
   * Also retried on the bare H2 baseline: H2's lock timeout and concurrent
   * update. Ordo must never report these for its own lock conflicts.
   */
  static final Set<String> RETRY_H2 = Set.of("HYT00", "90131");

  /**
   * A system under test: where to connect, the isolation level its connections ask for ({@code -1}: the
   * connection's default), whether it is bare H2 (its own retryable errors), the CPU time to charge it (this JVM
   * plus its server processes) and the node's stage times (Ordo only).
   */
  record Target(String name, String url, String user, int isolation, boolean bareH2, LongSupplier cpu,
      Stages stages) {}

  /** One system at one client count; {@code failure} is set when the system could not run the workload. */
  record Result(String target, int clients, ClosedLoop.Measurement m, String failure) {}

  private Workload workload;
  /** Ordo's stage times per client count (the measured window). */
  /** Ordo's stage times per system and client count (the measured window). */
  private final Map<String, Map<Stages.Stage, Histogram>> ordoStages = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    CommandLine cli = new CommandLine(this);
    workload = switch (workloadName.toLowerCase(Locale.ROOT)) {
      case "tpcb" -> {
        if (branches < 1 || tellersPerBranch < 1 || accountsPerBranch < 1) {
          throw new CommandLine.ParameterException(cli, "--branches, --tellers-per-branch and"
              + " --accounts-per-branch must be at least 1");
        }
        yield new TpcbWorkload(branches, tellersPerBranch, accountsPerBranch, updateFirst);
      }
      case "transfer" -> {
        try {
          yield new TransferWorkload(accounts, hotAccounts, hotPercent / 100);
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(cli, e.getMessage());
        }
      }
      default -> throw new CommandLine.ParameterException(cli, "--workload must be tpcb or transfer, got "
          + workloadName);
    };
    if (clientCounts == null) {
      clientCounts = workload instanceof TransferWorkload ? List.of(16) : List.of(1, 8, 32);
    }
    if (seconds < 1 || warmup < 0 || clientCounts.stream().anyMatch(n -> n < 1)) {
      throw new CommandLine.ParameterException(cli, "--seconds and every --clients count must be at least 1,"
          + " --warmup at least 0");
    }
    boolean pg = switch (backend.toLowerCase(Locale.ROOT)) {
      case "h2" -> false;
      case "postgresql", "pg" -> true;
      default -> throw new CommandLine.ParameterException(cli, "--backend must be h2 or postgresql, got " + backend);
    };
    Path work = dir != null ? dir : Files.createTempDirectory("ordo-bench-tpcb");
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    System.out.printf("bench-tpcb: %s; clients %s; %d s (+%d s warm-up) each; seed %d; dir %s%n",
        workload.describe(), clientCounts, seconds, warmup, s, work);

    List<List<Result>> baselines = new ArrayList<>();
    List<List<Result>> ordo;
    List<String> checks = new ArrayList<>();
    List<PgServer> servers = new ArrayList<>();
    List<Long> replicaPids = new ArrayList<>(); // Ordo's PostgreSQL replicas' servers
    List<PgServer> replicaServers = new ArrayList<>();
    try {
      if (!pg) {
        Server h2 = Server.createTcpServer("-tcpPort", "" + ClosedLoop.freePort(), "-baseDir",
            work.resolve("h2").toString(), "-ifNotExists").start();
        try {
          String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/bench";
          baselines.add(measureAll(new Target("H2 TCP server (baseline)", url, "sa", -1, true,
              CpuTime.jvmPlus(List.of()), null), s, checks));
        } finally {
          h2.stop();
        }
      } else {
        PgServer single = PgServer.start(work.resolve("pg-single"), ClosedLoop.freePort(),
            Map.of("synchronous_commit", "on"));
        servers.add(single);
        single.createDatabase("serializable");
        LongSupplier singleCpu = CpuTime.jvmPlus(List.of(single.postmasterPid()));
        baselines.add(measureAll(new Target("PostgreSQL, read committed", single.jdbcUrl("postgres"), PgServer.USER,
            Connection.TRANSACTION_READ_COMMITTED, false, singleCpu, null), s, checks));
        baselines.add(measureAll(new Target("PostgreSQL, serializable", single.jdbcUrl("serializable"),
            PgServer.USER, Connection.TRANSACTION_SERIALIZABLE, false, singleCpu, null), s, checks));
        single.close();
        try {
          List<PgServer> group = PgServer.startWithSynchronousStandbys(work.resolve("pg-sync"),
              ClosedLoop.freePort(), ClosedLoop.freePort(), ClosedLoop.freePort());
          servers.addAll(group);
          List<Long> pids = new ArrayList<>();
          for (PgServer g : group) {
            pids.add(g.postmasterPid());
          }
          baselines.add(measureAll(new Target("PG primary + 2 sync standbys", group.get(0).jdbcUrl("postgres"),
              PgServer.USER, -1, false, CpuTime.jvmPlus(pids), null), s, checks));
          for (PgServer g : group) {
            g.close();
          }
        } catch (java.io.IOException | SQLException | RuntimeException e) {
          System.out.println("  PG primary + 2 sync standbys: could not be set up here: " + e);
        }
        for (int i = 1; i <= 3; i++) {
          PgServer r = PgServer.start(work.resolve("pg-replica-" + i), ClosedLoop.freePort(), Map.of());
          servers.add(r);
          replicaServers.add(r);
          replicaPids.add(r.postmasterPid());
        }
      }
      List<Boolean> modes = switch (earlyExecution.toLowerCase(Locale.ROOT)) {
        case "off" -> List.of(false);
        case "on" -> List.of(true);
        case "both" -> List.of(false, true);
        default -> throw new CommandLine.ParameterException(cli, "--early-execution must be off, on or both, got "
            + earlyExecution);
      };
      ordo = new ArrayList<>();
      for (boolean early : modes) {
        // A fresh node (log and replicas) per mode, so both start from the same data.
        String name = early ? "ordo_early" : "ordo";
        NodeConfig modeCfg = NodeConfig.embedded(work.resolve(name), "127.0.0.1", ClosedLoop.freePort(),
            ClosedLoop.freePort(), 3).withEarlyExecution(early);
        if (pg) {
          List<ReplicaConfig> replicas = new ArrayList<>();
          for (int i = 0; i < replicaServers.size(); i++) {
            PgServer r = replicaServers.get(i);
            r.createDatabase(name);
            replicas.add(new ReplicaConfig("r" + (i + 1), r.jdbcUrl(name), PgServer.USER, ""));
          }
          modeCfg = modeCfg.withReplicas(replicas);
        }
        try (OrdoNode node = OrdoNode.start(modeCfg)) {
          if (!node.awaitReady(Duration.ofSeconds(60))) {
            throw new IllegalStateException("Ordo not ready: " + node.status());
          }
          ordo.add(measureAll(new Target("Ordo, 3 " + (pg ? "PG" : "H2") + (early ? ", early" : " replicas"),
              node.jdbcUrl(), "sa", -1, false, CpuTime.jvmPlus(replicaPids), node.stages()), s, checks));
        }
      }
    } finally {
      for (PgServer server : servers) {
        server.close();
      }
    }

    System.out.println();
    System.out.printf("%-28s %7s %9s %9s %9s %9s %8s %8s %11s%n", "target", "clients", "txn/s", "p50 ms", "p99 ms",
        "commits", "aborts", "abort %", "CPU ms/txn");
    boolean failed = false;
    List<Result> all = new ArrayList<>();
    baselines.forEach(all::addAll);
    ordo.forEach(all::addAll);
    for (Result r : all) {
      if (r.failure != null) {
        failed = true;
        System.out.printf("%-28s %7d   FAILED: %s%n", r.target, r.clients, r.failure);
      } else {
        ClosedLoop.Measurement m = r.m;
        System.out.printf("%-28s %7d %9.0f %9.3f %9.3f %9d %8d %8.1f %11.3f%n", r.target, r.clients,
            m.perSecond(), m.p50Ms(), m.p99Ms(), m.ops(), m.retries(), m.retryPercent(), m.cpuMsPerOp());
      }
    }
    System.out.println("(abort % = aborted attempts / all attempts; an aborted attempt is rolled back and retried)");
    for (List<Result> o : ordo) {
      for (List<Result> baseline : baselines) {
        ratios(baseline, o);
      }
    }
    ordoStages.forEach((where, stages) -> System.out.printf("%nWhere Ordo's time goes, %s:%n%s", where,
        Stages.table(stages)));
    System.out.println();
    for (String c : checks) {
      System.out.println(c);
      failed |= !c.endsWith(": consistent");
    }
    return failed ? 1 : 0;
  }

  private static void ratios(List<Result> baseline, List<Result> ordo) {
    for (int i = 0; i < baseline.size(); i++) {
      Result b = baseline.get(i);
      Result o = ordo.get(i);
      if (b.failure == null && o.failure == null) {
        System.out.printf("ratio %s / %s, %d clients: throughput %.4fx, p50 %.1fx, p99 %.1fx,"
            + " CPU per txn %.1fx; abort %% %.1f vs %.1f%n", o.target, b.target, b.clients,
            o.m.perSecond() / b.m.perSecond(),
            o.m.p50Ms() / b.m.p50Ms(), o.m.p99Ms() / b.m.p99Ms(), o.m.cpuMsPerOp() / b.m.cpuMsPerOp(),
            o.m.retryPercent(), b.m.retryPercent());
      } else {
        System.out.printf("ratio Ordo / %s, %d clients: not available (a target failed)%n", b.target, b.clients);
      }
    }
  }

  /** Loads the workload into {@code t}, measures every client count, then checks the invariant. */
  private List<Result> measureAll(Target t, long s, List<String> checks) throws Exception {
    List<Result> out = new ArrayList<>();
    String failure = null;
    try (Connection c = DriverManager.getConnection(t.url, t.user, "")) {
      workload.load(c);
    } catch (SQLException e) {
      failure = "loading failed: " + ClosedLoop.describe(e);
    }
    for (int clients : clientCounts) {
      Result r = failure != null ? new Result(t.name, clients, null, "not run: " + failure) : measure(t, clients, s);
      if (r.failure == null) {
        System.out.printf("  %s, %d clients: %,.0f txn/s, p50 %.3f ms, p99 %.3f ms, %d aborts (%.1f %%)%n", t.name,
            clients, r.m.perSecond(), r.m.p50Ms(), r.m.p99Ms(), r.m.retries(), r.m.retryPercent());
      } else {
        System.out.printf("  %s, %d clients: FAILED: %s%n", t.name, clients, r.failure);
        if (failure == null) {
          failure = r.failure;
        }
      }
      out.add(r);
    }
    checks.add(check(t));
    return out;
  }

  private Result measure(Target t, int clients, long s) throws InterruptedException {
    ClosedLoop.Measurement m = ClosedLoop.run(clients, warmup, seconds, k -> {
      Connection c = DriverManager.getConnection(t.url, t.user, "");
      try {
        if (t.isolation >= 0) {
          c.setTransactionIsolation(t.isolation);
        }
        c.setAutoCommit(false);
        Workload.Client client = workload.client(c, new SplittableRandom(s + 1_000L * clients + k));
        return new ClosedLoop.Op() {
          @Override
          public int run() throws SQLException {
            return transaction(c, client, t.bareH2);
          }

          @Override
          public void close() throws SQLException {
            c.close();
          }
        };
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    }, t.cpu, t.stages);
    if (m.failure() != null) {
      return new Result(t.name, clients, m, m.failure());
    }
    if (m.stages() != null) {
      ordoStages.put(t.name + ", " + clients + " clients", m.stages());
    }
    return new Result(t.name, clients, m, null);
  }

  /** Runs one transaction to its commit, retrying it after retryable aborts; returns how many attempts aborted. */
  private static int transaction(Connection c, Workload.Client client, boolean bareH2) throws SQLException {
    client.next();
    for (int aborted = 0; ; aborted++) {
      try {
        client.attempt();
        c.commit();
        return aborted;
      } catch (SQLException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        if (!RETRY.contains(e.getSQLState()) && !(bareH2 && RETRY_H2.contains(e.getSQLState()))) {
          throw e;
        }
      }
    }
  }

  /** The workload's invariant on {@code t}, as one line ending in ": consistent" when it holds. */
  private String check(Target t) {
    try (Connection c = DriverManager.getConnection(t.url, t.user, "")) {
      Workload.Check k = workload.check(c);
      return "check " + t.name + ": " + k.found() + (k.holds() ? ": consistent" : ": INCONSISTENT");
    } catch (SQLException e) {
      return "check " + t.name + ": could not read the invariant: " + ClosedLoop.describe(e);
    }
  }
}
