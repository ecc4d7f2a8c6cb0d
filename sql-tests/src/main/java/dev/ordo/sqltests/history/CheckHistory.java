package dev.ordo.sqltests.history;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Command line entry point of {@code sql-tests/check-history}: checks a
 * list-append history file for strict serializability and prints the counts,
 * one explained example per anomaly class, the verdict and the time taken.
 * Exit status 0: strict serializable; 1: anomalies found; 2: could not decide
 * (unreadable or malformed file, or no {@code :ok} transaction).
 */
@Command(name = "check-history", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = CheckHistory.UNDECIDED,
    exitCodeOnExecutionException = CheckHistory.UNDECIDED,
    description = {"Checks a Jepsen list-append history (EDN, one op per line, plain or gzip) for strict "
        + "serializability with Elle's method.",
        "Exit status: 0 strict serializable, 1 anomalies found, 2 could not decide."})
public final class CheckHistory implements Callable<Integer> {
  /** Exit status when the history is strict serializable. */
  public static final int VALID = 0;
  /** Exit status when anomalies were found. */
  public static final int INVALID = 1;
  /** Exit status when the checker could not decide. */
  public static final int UNDECIDED = 2;

  @Parameters(index = "0", paramLabel = "FILE", description = "History file: FILE.edn or FILE.edn.gz.")
  Path file;

  private final PrintStream out;
  private final PrintStream err;

  /** A command printing to the standard streams. */
  public CheckHistory() {
    this(System.out, System.err);
  }

  CheckHistory(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * Runs the command.
   *
   * @param args the history file, or {@code --help}
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(new CheckHistory(out, err));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Override
  public Integer call() {
    long start = System.nanoTime();
    List<Op> ops;
    CheckResult result;
    try {
      ops = HistoryReader.read(file);
    } catch (IOException e) {
      err.println("check-history: cannot read " + file + ": " + e);
      return UNDECIDED;
    } catch (HistoryFormatException e) {
      err.println("check-history: " + file + " is not a well-formed history: " + e.getMessage());
      return UNDECIDED;
    }
    double readSeconds = (System.nanoTime() - start) / 1e9;
    try {
      result = ListAppendChecker.check(ops);
    } catch (HistoryFormatException e) {
      err.println("check-history: " + file + " cannot be checked: " + e.getMessage());
      return UNDECIDED;
    }
    print(result, readSeconds);
    return switch (result.verdict()) {
      case VALID -> VALID;
      case INVALID -> INVALID;
      case UNKNOWN -> UNDECIDED;
    };
  }

  private void print(CheckResult r, double readSeconds) {
    out.println("history: " + file);
    out.printf("ops: %d (%d not client transactions, ignored)%n", r.ops(), r.ignoredOps());
    out.printf("transactions: %d (%d ok, %d fail, %d info); dependency graph: %d edges%n",
        r.txns(), r.okTxns(), r.failedTxns(), r.infoTxns(), r.edges());
    Map<String, Anomaly> anomalies = r.anomalies();
    if (anomalies.isEmpty()) {
      out.println("anomalies: none");
    } else {
      StringBuilder summary = new StringBuilder();
      anomalies.values().forEach(a -> summary.append(summary.isEmpty() ? "" : ", ")
          .append(a.type()).append(" (").append(a.count()).append(')'));
      out.println("anomalies: " + summary);
      for (Anomaly a : anomalies.values()) {
        out.println();
        out.println(a.type() + ": " + a.count() + " found; " + (a.count() > 1 ? "smallest example" : "the case") + ":");
        out.println("  " + a.example());
      }
      out.println();
    }
    out.println("verdict: " + switch (r.verdict()) {
      case VALID -> "VALID: strict serializable (no anomaly found)";
      case INVALID -> "INVALID: not strict serializable (" + String.join(", ", anomalies.keySet()) + ")";
      case UNKNOWN -> "UNKNOWN: the history has no :ok transaction, so there is nothing to check";
    });
    out.printf("time: checked in %.3f s (reading the file took %.3f s)%n", r.elapsed().toNanos() / 1e9, readSeconds);
  }
}
