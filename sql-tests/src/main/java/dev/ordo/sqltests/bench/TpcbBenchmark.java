package dev.ordo.sqltests.bench;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.sqltests.pg.PgServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.h2.tools.Server;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * TPC-B-like interactive transactions (read an account balance; update the
 * account, its teller and branch; insert a history row; commit) through Ordo
 * (one node, three replicas, single-peer log with fsync) and against the bare
 * backend, measured in the same run at several client counts. With H2 the
 * baseline is one H2 TCP server at its default isolation; with PostgreSQL it is
 * one PostgreSQL server through its own JDBC driver ({@code
 * synchronous_commit=on}) and a primary with two synchronous standbys (every
 * commit flushed on both standbys), each a real server on this machine. Aborted transactions (40P01/40001) are rolled back
 * and retried; a transaction's latency runs from its first attempt to its
 * commit. Prints throughput, p50/p99 latency and aborts per target and client
 * count, and Ordo's ratios to the baseline.
 */
@Command(name = "bench-tpcb", mixinStandardHelpOptions = true,
    description = "TPC-B-like interactive transactions: Ordo (3 replicas) vs the bare backend, same run.")
public final class TpcbBenchmark implements Callable<Integer> {
  @Option(names = "--backend", defaultValue = "h2", description = "h2 or postgresql (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--clients", split = ",", defaultValue = "1,8,32", description = "Client counts to measure.")
  List<Integer> clientCounts;

  @Option(names = "--seconds", defaultValue = "10", description = "Measured length of each client count.")
  int seconds;

  @Option(names = "--warmup", defaultValue = "2", description = "Unmeasured seconds before each measurement.")
  int warmup;

  @Option(names = "--branches", defaultValue = "1", description = "Branches (the TPC-B scale factor).")
  int branches;

  @Option(names = "--tellers-per-branch", defaultValue = "10", description = "Tellers per branch.")
  int tellersPerBranch;

  @Option(names = "--accounts-per-branch", defaultValue = "10000",
      description = "Accounts per branch (TPC-B says 100000; fewer load faster).")
  int accountsPerBranch;

  @Option(names = "--update-first", description = "Update the account before reading it (pgbench's order) instead"
      + " of reading it first; reading first makes overlapping transactions upgrade S to X locks and deadlock.")
  boolean updateFirst;

  @Option(names = "--seed", description = "Seed of the clients' random choices (default: random, printed).")
  Long seed;

  @Option(names = "--dir", description = "Working directory (default: a new temporary one).")
  Path dir;

  @Option(names = "--early-execution", defaultValue = "both", description = "Ordo's early execution: off, on, or"
      + " both (measured one after the other in this run; default: ${DEFAULT-VALUE}).")
  String earlyExecution;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TpcbBenchmark()).execute(args));
  }

  /** SQLStates after which a transaction is rolled back and retried on every target. */
  static final Set<String> RETRY = Set.of("40P01", "40001");
  /**
   * Also retried on the bare H2 baseline: H2's lock timeout and concurrent
   * update. Ordo must never report these for its own lock conflicts.
   */
  static final Set<String> RETRY_H2 = Set.of("HYT00", "90131");

  /** One measurement; {@code failure} is set when the target could not run the workload. */
  /**
   * One system at one client count; {@code cpuMsPerTxn} is the CPU time of the system (this JVM — clients and
   * the Ordo node or H2 server — plus every PostgreSQL server process it uses) per committed transaction.
   */
  record Result(String target, int clients, double tps, double p50Ms, double p99Ms, long commits, long aborts,
      double cpuMsPerTxn, String failure) {}

  /** Ordo's stage times per client count (the measured window). */
  private final Map<String, Map<Stages.Stage, Histogram>> ordoStages = new java.util.LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    if (branches < 1 || tellersPerBranch < 1 || accountsPerBranch < 1 || seconds < 1 || warmup < 0
        || clientCounts.stream().anyMatch(n -> n < 1)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--branches, --tellers-per-branch,"
          + " --accounts-per-branch, --seconds and every --clients count must be at least 1, --warmup at least 0");
    }
    Path work = dir != null ? dir : Files.createTempDirectory("ordo-bench-tpcb");
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong();
    System.out.printf("bench-tpcb: %d branches, %d tellers, %d accounts; %s; clients %s; %d s (+%d s warm-up)"
        + " each; seed %d; dir %s%n", branches, branches * tellersPerBranch, branches * accountsPerBranch,
        updateFirst ? "update then read the account" : "read then update the account", clientCounts, seconds,
        warmup, s, work);
    List<Result> baseline;
    List<Result> second = List.of();
    List<Result> ordo;
    List<String> checks = new ArrayList<>();
    boolean pg = switch (backend.toLowerCase(java.util.Locale.ROOT)) {
      case "h2" -> false;
      case "postgresql", "pg" -> true;
      default -> throw new CommandLine.ParameterException(new CommandLine(this), "--backend must be h2 or "
          + "postgresql, got " + backend);
    };
    List<PgServer> servers = new ArrayList<>();
    List<Long> replicaPids = new ArrayList<>(); // Ordo's PostgreSQL replicas' servers
    try {
      NodeConfig cfg = NodeConfig.embedded(work.resolve("ordo"), "127.0.0.1", freePort(), freePort(), 3);
      if (!pg) {
        Server h2 = Server.createTcpServer("-tcpPort", "" + freePort(), "-baseDir", work.resolve("h2").toString(),
            "-ifNotExists").start();
        try {
          String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/tpcb";
          baseline = measureAll("H2 TCP server (baseline)", url, "sa", true, s, CpuTime.jvmPlus(List.of()), null);
          checks.add(consistency("H2 TCP server (baseline)", url, "sa"));
        } finally {
          h2.stop();
        }
      } else {
        PgServer single = PgServer.start(work.resolve("pg-single"), freePort(), Map.of("synchronous_commit", "on"));
        servers.add(single);
        String url = single.jdbcUrl("postgres");
        baseline = measureAll("PostgreSQL (pgjdbc)", url, PgServer.USER, false, s,
            CpuTime.jvmPlus(List.of(single.postmasterPid())), null);
        checks.add(consistency("PostgreSQL (pgjdbc)", url, PgServer.USER));
        single.close();
        try {
          List<PgServer> group = PgServer.startWithSynchronousStandbys(work.resolve("pg-sync"), freePort(),
              freePort(), freePort());
          servers.addAll(group);
          String primary = group.get(0).jdbcUrl("postgres");
          List<Long> pids = new ArrayList<>();
          for (PgServer g : group) {
            pids.add(g.postmasterPid());
          }
          second = measureAll("PG primary + 2 sync standbys", primary, PgServer.USER, false, s,
              CpuTime.jvmPlus(pids), null);
          checks.add(consistency("PG primary + 2 sync standbys", primary, PgServer.USER));
          for (PgServer g : group) {
            g.close();
          }
        } catch (java.io.IOException | SQLException | RuntimeException e) {
          System.out.println("  PG primary + 2 sync standbys: could not be set up here: " + e);
        }
        List<dev.ordo.proxy.config.ReplicaConfig> replicas = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
          PgServer r = PgServer.start(work.resolve("pg-replica-" + i), freePort(), Map.of());
          servers.add(r);
          replicaPids.add(r.postmasterPid());
          r.createDatabase("ordo");
          replicas.add(new dev.ordo.proxy.config.ReplicaConfig("r" + i, r.jdbcUrl("ordo"), PgServer.USER, ""));
        }
        cfg = cfg.withReplicas(replicas);
      }
      List<Boolean> modes = switch (earlyExecution.toLowerCase(java.util.Locale.ROOT)) {
        case "off" -> List.of(false);
        case "on" -> List.of(true);
        case "both" -> List.of(false, true);
        default -> throw new CommandLine.ParameterException(new CommandLine(this), "--early-execution must be off,"
            + " on or both, got " + earlyExecution);
      };
      ordo = new ArrayList<>();
      for (boolean early : modes) {
        String ordoTarget = "Ordo, 3 " + (pg ? "PG" : "H2") + (early ? ", early" : "");
        NodeConfig modeCfg = cfg.withEarlyExecution(early);
        if (!pg) {
          // A fresh node and fresh replicas per mode, so both start from the same data.
          NodeConfig fresh = NodeConfig.embedded(work.resolve(early ? "ordo-early" : "ordo"), "127.0.0.1",
              freePort(), freePort(), 3);
          modeCfg = fresh.withEarlyExecution(early);
        } else if (early && modes.size() > 1) {
          System.out.println("  (PostgreSQL: the early-execution node reuses the replicas of the first run)");
        }
        try (OrdoNode node = OrdoNode.start(modeCfg)) {
          if (!node.awaitReady(Duration.ofSeconds(60))) {
            throw new IllegalStateException("Ordo not ready: " + node.status());
          }
          ordo.addAll(measureAll(ordoTarget, node.jdbcUrl(), "sa", false, s, CpuTime.jvmPlus(replicaPids),
              node.stages()));
          checks.add(consistency(ordoTarget, node.jdbcUrl(), "sa"));
        }
      }
    } finally {
      for (PgServer server : servers) {
        server.close();
      }
    }

    System.out.println();
    System.out.printf("%-28s %7s %10s %9s %9s %10s %9s %11s%n", "target", "clients", "txn/s", "p50 ms", "p99 ms",
        "commits", "aborts", "CPU ms/txn");
    boolean failed = false;
    for (Result r : concat(concat(baseline, second), ordo)) {
      if (r.failure != null) {
        failed = true;
        System.out.printf("%-28s %7d   FAILED: %s%n", r.target, r.clients, r.failure);
      } else {
        System.out.printf("%-28s %7d %10.0f %9.3f %9.3f %10d %9d %11.3f%n", r.target, r.clients, r.tps, r.p50Ms,
            r.p99Ms, r.commits, r.aborts, r.cpuMsPerTxn);
      }
    }
    for (int m = 0; m * clientCounts.size() < ordo.size(); m++) {
      List<Result> mode = ordo.subList(m * clientCounts.size(), (m + 1) * clientCounts.size());
      ratios(baseline, mode);
      if (!second.isEmpty()) {
        ratios(second, mode);
      }
    }
    ordoStages.forEach((what, stages) -> System.out.printf("%nWhere Ordo's time goes, %s:%n%s", what,
        Stages.table(stages)));
    System.out.println();
    for (String c : checks) {
      System.out.println(c);
      failed |= !c.endsWith(": consistent");
    }
    return failed ? 1 : 0;
  }

  private void ratios(List<Result> baseline, List<Result> ordo) {
    for (int i = 0; i < clientCounts.size(); i++) {
      Result b = baseline.get(i);
      Result o = ordo.get(i);
      if (b.failure == null && o.failure == null) {
        System.out.printf("ratio %s / %s, %d clients: throughput %.4fx, p50 %.1fx, p99 %.1fx, CPU per txn %.1fx%n",
            o.target, b.target, b.clients, o.tps / b.tps, o.p50Ms / b.p50Ms, o.p99Ms / b.p99Ms, o.cpuMsPerTxn / b.cpuMsPerTxn);
      } else {
        System.out.printf("ratio %s / %s, %d clients: not available (a target failed)%n", o.target, b.target,
            b.clients);
      }
    }
  }

  private List<Result> measureAll(String target, String url, String user, boolean bareH2, long s, LongSupplier cpu,
      Stages stages) throws Exception {
    List<Result> out = new ArrayList<>();
    String failure = null;
    try {
      load(url, user);
    } catch (SQLException e) {
      failure = "loading failed: " + describe(e);
    }
    for (int clients : clientCounts) {
      Result r = failure != null ? new Result(target, clients, 0, 0, 0, 0, 0, 0, "not run: " + failure)
          : measure(target, url, user, clients, bareH2, s, cpu, stages);
      if (r.failure == null) {
        System.out.printf("  %s, %d clients: %,.0f txn/s, p50 %.3f ms, p99 %.3f ms, %d aborts%n", target, clients,
            r.tps, r.p50Ms, r.p99Ms, r.aborts);
      } else {
        System.out.printf("  %s, %d clients: FAILED: %s%n", target, clients, r.failure);
        if (failure == null) {
          failure = r.failure;
        }
      }
      out.add(r);
    }
    return out;
  }

  private void load(String url, String user) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, ""); Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE pgbench_branches (bid INT PRIMARY KEY, bbalance BIGINT NOT NULL,"
          + " filler CHAR(88))");
      st.executeUpdate("CREATE TABLE pgbench_tellers (tid INT PRIMARY KEY, bid INT NOT NULL,"
          + " tbalance BIGINT NOT NULL, filler CHAR(84))");
      st.executeUpdate("CREATE TABLE pgbench_accounts (aid INT PRIMARY KEY, bid INT NOT NULL,"
          + " abalance BIGINT NOT NULL, filler CHAR(84))");
      st.executeUpdate("CREATE TABLE pgbench_history (tid INT NOT NULL, bid INT NOT NULL, aid INT NOT NULL,"
          + " delta INT NOT NULL, mtime TIMESTAMP NOT NULL, filler CHAR(22))");
      insertRows(c, "INSERT INTO pgbench_branches(bid, bbalance) VALUES (?, 0)", branches, 0);
      insertRows(c, "INSERT INTO pgbench_tellers(tid, bid, tbalance) VALUES (?, ?, 0)",
          branches * tellersPerBranch, tellersPerBranch);
      insertRows(c, "INSERT INTO pgbench_accounts(aid, bid, abalance) VALUES (?, ?, 0)",
          branches * accountsPerBranch, accountsPerBranch);
    }
  }

  /** Inserts ids 1..n in batches of 1000; with {@code perBranch > 0} the second parameter is the branch. */
  private static void insertRows(Connection c, String sql, int n, int perBranch) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int id = 1; id <= n; id++) {
        ps.setInt(1, id);
        if (perBranch > 0) {
          ps.setInt(2, (id - 1) / perBranch + 1);
        }
        ps.addBatch();
        if (id % 1000 == 0 || id == n) {
          ps.executeBatch();
        }
      }
    }
  }

  private Result measure(String target, String url, String user, int clients, boolean bareH2, long s,
      LongSupplier cpu, Stages stages) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    Recorder latencies = new Recorder(3);
    LongAdder commits = new LongAdder();
    LongAdder aborts = new LongAdder();
    long[] window = new long[2];
    List<Future<?>> futures = new ArrayList<>();
    for (int k = 0; k < clients; k++) {
      SplittableRandom random = new SplittableRandom(s + 1_000L * clients + k);
      futures.add(pool.submit(() -> {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
          c.setAutoCommit(false);
          Client client = new Client(c, random, bareH2);
          start.await();
          while (!stop.get()) {
            long t0 = System.nanoTime();
            int retried = client.transaction();
            long t1 = System.nanoTime();
            if (t0 >= window[0] && t1 <= window[1]) {
              latencies.recordValue((t1 - t0) / 1000);
              commits.increment();
              aborts.add(retried);
            }
          }
        }
        return null;
      }));
    }
    long now = System.nanoTime();
    window[0] = now + TimeUnit.SECONDS.toNanos(warmup);
    window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
    start.countDown();
    String failure = null;
    long cpuStart = -1;
    long cpuEnd = 0;
    try {
      long end = window[1];
      while (System.nanoTime() < end && failure == null) {
        Thread.sleep(50);
        failure = firstFailure(futures);
        if (cpuStart < 0 && System.nanoTime() >= window[0]) {
          cpuStart = cpu.getAsLong();
          if (stages != null) {
            stages.interval(); // the warm-up
          }
        }
      }
      cpuEnd = cpu.getAsLong();
      if (stages != null && failure == null) {
        ordoStages.put(target + ", " + clients + " clients", stages.interval());
      }
      stop.set(true);
      for (Future<?> f : futures) {
        try {
          f.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = describe(e.getCause());
          }
        } catch (java.util.concurrent.TimeoutException e) {
          if (failure == null) {
            failure = "a client was still in a transaction 2 minutes after the end of the measurement";
          }
        }
      }
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    if (failure != null) {
      return new Result(target, clients, 0, 0, 0, commits.sum(), aborts.sum(), 0, failure);
    }
    Histogram h = latencies.getIntervalHistogram();
    double cpuMs = cpuStart < 0 ? 0 : (cpuEnd - cpuStart) / 1e6 / Math.max(1, commits.sum());
    return new Result(target, clients, commits.sum() / (double) seconds, h.getValueAtPercentile(50) / 1000.0,
        h.getValueAtPercentile(99) / 1000.0, commits.sum(), aborts.sum(), cpuMs, null);
  }

  private static String firstFailure(List<Future<?>> futures) throws InterruptedException {
    for (Future<?> f : futures) {
      if (f.isDone()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          return describe(e.getCause());
        }
      }
    }
    return null;
  }

  /** One client's connection and prepared statements. */
  private final class Client {
    private final Connection c;
    private final SplittableRandom random;
    private final boolean bareH2;
    private final PreparedStatement select;
    private final PreparedStatement account;
    private final PreparedStatement teller;
    private final PreparedStatement branch;
    private final PreparedStatement history;

    Client(Connection c, SplittableRandom random, boolean bareH2) throws SQLException {
      this.c = c;
      this.random = random;
      this.bareH2 = bareH2;
      select = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?");
      account = c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
      teller = c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
      branch = c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
      history = c.prepareStatement("INSERT INTO pgbench_history(tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, ?)");
    }

    /** Runs one transaction to its commit; returns how many attempts were aborted and retried. */
    int transaction() throws SQLException {
      int tid = 1 + random.nextInt(branches * tellersPerBranch);
      int bid = (tid - 1) / tellersPerBranch + 1;
      int aid = 1 + random.nextInt(branches * accountsPerBranch);
      int delta = random.nextInt(-5000, 5001);
      for (int aborted = 0; ; aborted++) {
        try {
          if (updateFirst) {
            update(account, delta, aid);
          }
          select.setInt(1, aid);
          try (ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
              throw new IllegalStateException("account " + aid + " is missing");
            }
          }
          if (!updateFirst) {
            update(account, delta, aid);
          }
          update(teller, delta, tid);
          update(branch, delta, bid);
          history.setInt(1, tid);
          history.setInt(2, bid);
          history.setInt(3, aid);
          history.setInt(4, delta);
          history.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
          history.executeUpdate();
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

    private static void update(PreparedStatement ps, int delta, int id) throws SQLException {
      ps.setInt(1, delta);
      ps.setInt(2, id);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("update of row " + id + " did not change one row");
      }
    }
  }

  /** TPC-B's consistency condition: branch, teller, account and history totals agree. */
  private static String consistency(String target, String url, String user) {
    String sql = "SELECT (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches),"
        + " (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers),"
        + " (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts),"
        + " (SELECT coalesce(sum(delta), 0) FROM pgbench_history)";
    try (Connection c = DriverManager.getConnection(url, user, "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      long b = rs.getLong(1);
      long t = rs.getLong(2);
      long a = rs.getLong(3);
      long h = rs.getLong(4);
      String sums = "branches " + b + ", tellers " + t + ", accounts " + a + ", history " + h;
      return "check " + target + ": " + sums + (b == t && t == a && a == h ? ": consistent" : ": INCONSISTENT");
    } catch (SQLException e) {
      return "check " + target + ": could not read the totals: " + describe(e);
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof SQLException se) {
      return "SQLState " + se.getSQLState() + ": " + se.getMessage();
    }
    return e.toString();
  }

  private static List<Result> concat(List<Result> a, List<Result> b) {
    List<Result> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
