package dev.ordo.sqltests.workload;

import dev.ordo.sqltests.history.CheckResult;
import dev.ordo.sqltests.history.HistoryWriter;
import dev.ordo.sqltests.history.ListAppendChecker;
import dev.ordo.sqltests.history.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code sql-tests/run-workload}: starts an Ordo cluster (in
 * this JVM, or with {@code --processes} as {@code ordo serve} child processes)
 * in a fresh directory, runs one workload with a fault schedule, writes the EDN
 * history and checks it. Exit status 0: valid; 1: anomalies found; 2: could
 * not decide (bad arguments, the cluster did not start, nothing committed).
 */
@Command(name = "run-workload", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2,
    exitCodeOnExecutionException = 2,
    description = {"Runs a workload (list-append, bank, register) against an Ordo cluster (in-JVM, or processes "
        + "with --processes) with faults, "
        + "writes the Jepsen EDN history and checks it.",
        "Exit status: 0 valid, 1 anomalies found, 2 could not decide."})
public final class WorkloadCommand implements Callable<Integer> {
  @Option(names = "--workload", defaultValue = "list-append", description = "list-append, bank or register "
      + "(default: ${DEFAULT-VALUE}).")
  String workload;

  @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "30", description = "Run time (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--faults", defaultValue = "", description = "Fault schedule, e.g. "
      + "'5s:stop-leader,7s:start-node,12s:restart-replica:n2:0:2s' (see docs/workloads.md; default: none).")
  String faults;

  @Option(names = "--out", defaultValue = "history.edn", description = "History file, .edn or .edn.gz "
      + "(default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seed", description = "Randomness seed (default: random, printed).")
  Long seed;

  @Option(names = "--nodes", defaultValue = "3", description = "Nodes (log peers) (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--replicas", defaultValue = "1", description = "H2 replicas per node (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--keys", defaultValue = "8", description = "Keys / registers / accounts (default: "
      + "${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--dir", description = "Data directory (default: a new temporary directory).")
  Path dir;

  @Option(names = "--processes", description = "Run each node as an 'ordo serve' child process (needed for "
      + "kill-node and pause-node; default: all nodes in this JVM).")
  boolean processes;

  /**
   * Runs the command.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    int code = new CommandLine(new WorkloadCommand()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    long s = seed != null ? seed : new java.security.SecureRandom().nextLong();
    FaultSchedule schedule = FaultSchedule.parse(faults);
    Path data = dir != null ? dir : Files.createTempDirectory("ordo-workload");
    Duration duration = Duration.ofSeconds(seconds);
    System.out.printf("workload %s: %d clients, %d s, %d keys, seed %d, %d nodes x %d replicas %s in %s, "
        + "faults '%s'%n", workload, clients, seconds, keys, s, nodes, replicas,
        processes ? "(processes)" : "(in JVM)", data, schedule);
    try (Cluster cluster = processes ? new Cluster(ProcessCluster.start(data, nodes, replicas, s))
        : new Cluster(InJvmCluster.start(data, nodes, replicas, s))) {
      String url = cluster.url(0);
      TxnClients w = switch (workload) {
        case "list-append" -> {
          ListAppendWorkload.setUp(url, "sa", "", keys);
          yield new ListAppendWorkload(new ListAppendWorkload.Config(url, "sa", "", -1, clients, duration, keys, s));
        }
        case "bank" -> {
          BankWorkload.setUp(url, keys, 100);
          yield new BankWorkload(new BankWorkload.Config(url, clients, duration, keys, 100, s));
        }
        case "register" -> {
          RegisterWorkload.setUp(url, keys);
          yield new RegisterWorkload(new RegisterWorkload.Config(url, clients, duration, keys, s));
        }
        default -> throw new CommandLine.ParameterException(new CommandLine(this),
            "unknown workload '" + workload + "': list-append, bank or register");
      };
      Recorder recorder = new Recorder();
      w.withUrls(cluster.target()::url).withRecorder(recorder);
      List<String> injected;
      List<String> problems;
      try (Faults f = new Faults(schedule, cluster.target(), recorder)) {
        w.run();
        f.await(120_000);
        injected = f.injected();
        problems = f.problems();
      }
      List<Op> history = recorder.history();
      HistoryWriter.write(out, history);
      long ok = history.stream().filter(o -> o.isClient() && o.type() == Op.Type.OK).count();
      long fail = history.stream().filter(o -> o.isClient() && o.type() == Op.Type.FAIL).count();
      long info = history.stream().filter(o -> o.isClient() && o.type() == Op.Type.INFO).count();
      System.out.printf("history %s: %d ops, %d ok, %d fail, %d info; faults injected %d %s%s%n", out,
          history.size(), ok, fail, info, injected.size(), injected,
          problems.isEmpty() ? "" : "; faults not applied " + problems);
      if (ok == 0) {
        System.out.println("verdict: could not decide (nothing committed)");
        return 2;
      }
      long t0 = System.nanoTime();
      boolean valid;
      switch (workload) {
        case "list-append" -> {
          CheckResult r = ListAppendChecker.check(history);
          System.out.printf("list-append checker: %d ok txns, %d edges, anomalies %s, %s%n", r.okTxns(), r.edges(),
              r.anomalies().keySet(), r.verdict());
          valid = r.valid();
        }
        case "bank" -> {
          BankWorkload.Result r = BankWorkload.check(history, keys, keys * 100L);
          System.out.printf("bank checker: %d ok transfers, %d ok reads, %d wrong reads %s%n", r.transfers(),
              r.reads(), r.problems().size(), r.problems().stream().limit(5).toList());
          valid = r.valid();
        }
        default -> {
          RegisterWorkload.Result r = RegisterWorkload.check(history);
          System.out.printf("register checker: %d ok txns, %d reads, %d problems %s%n", r.okTxns(), r.reads(),
              r.problems().size(), r.problems().stream().limit(5).toList());
          valid = r.valid();
        }
      }
      System.out.printf("verdict: %s (checker %d ms, seed %d)%n", valid ? "valid" : "ANOMALIES FOUND",
          (System.nanoTime() - t0) / 1_000_000, s);
      return valid ? 0 : 1;
    }
  }

  /** Either kind of cluster, closed with the command. */
  private record Cluster(FaultTarget target, AutoCloseable closer) implements AutoCloseable {
    <T extends FaultTarget & AutoCloseable> Cluster(T c) {
      this(c, c);
    }

    String url(int attempt) {
      return target.url(attempt);
    }

    @Override
    public void close() throws Exception {
      closer.close();
    }
  }
}
