package dev.ordo.sqltests.slt;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code sql-tests/slt}: runs sqllogictest files through Ordo
 * ({@code jdbc:ordo://}, one in-JVM node whose replicas are databases of the
 * backend) and on the backend directly, side by side, and prints passed,
 * failed and skipped queries per file and in total, then every record whose
 * outcome differs. Exit status 0: both sides did the same; 1: they differ (or
 * the replicas differ); 2: could not run.
 */
@Command(name = "slt", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 2, exitCodeOnExecutionException = 2,
    description = {"Runs sqllogictest files through Ordo and on the bare backend, side by side.",
        "Without --files or --all it runs the curated CI subset.",
        "Exit status: 0 same results on both sides, 1 differences, 2 could not run."})
public final class SltCommand implements Callable<Integer> {
  @Option(names = "--backend", defaultValue = "h2", description = "h2 or postgresql (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--files", paramLabel = "GLOB", description = "Test files to run, by name or glob below test/ "
      + "(select1.test, 'index/between/**', 'evidence/*'); repeatable.")
  List<String> files;

  @Option(names = "--all", description = "Run all 622 test files (hours).")
  boolean all;

  @Option(names = "--side", defaultValue = "both", description = "both, ordo or bare (default: ${DEFAULT-VALUE}).")
  String side;

  @Option(names = "--replicas", defaultValue = "3", description = "Replicas of the Ordo node (default: "
      + "${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--compare-replicas", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Compare the Ordo replicas' table contents after every file (default: ${DEFAULT-VALUE}).")
  boolean compareReplicas;

  @Option(names = "--max-differences", defaultValue = "100", description = "Differences to print in full "
      + "(default: ${DEFAULT-VALUE}).")
  int maxDifferences;

  @Option(names = "--max-values", defaultValue = "12", description = "Result values to print per side of a "
      + "difference (default: ${DEFAULT-VALUE}).")
  int maxValues;

  @Option(names = "--list", description = "Print the selected files and exit.")
  boolean list;

  @Option(names = "--dir", description = "Working directory (default: a new temporary directory, deleted at the "
      + "end).")
  Path dir;

  /**
   * Runs the command.
   *
   * @param args see {@code --help}
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new SltCommand()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;
    Backend.Kind kind;
    SideBySide.Sides sides;
    List<String> selected;
    try {
      kind = Backend.Kind.parse(backend);
      sides = SideBySide.Sides.valueOf(side.toUpperCase(Locale.ROOT));
      selected = all ? SltFiles.all() : files != null ? SltFiles.select(files) : SltFiles.CI;
    } catch (IllegalArgumentException e) {
      err.println("slt: " + (e.getMessage().startsWith("No enum constant") ? "--side '" + side
          + "': expected both, ordo or bare" : e.getMessage()));
      return 2;
    }
    if (list) {
      selected.forEach(out::println);
      return 0;
    }
    Path work = dir != null ? dir : Files.createTempDirectory("ordo-slt");
    out.printf("slt: %d files on %s, sides %s, %d Ordo replicas, in %s%n", selected.size(), kind.label(),
        sides.name().toLowerCase(Locale.ROOT), replicas, work);
    long t0 = System.nanoTime();
    int status = 0;
    SideBySide run;
    try {
      run = SideBySide.start(kind, work, sides, replicas, compareReplicas);
    } catch (Exception e) {
      if (sides != SideBySide.Sides.BOTH) {
        throw e;
      }
      out.printf("ordo: the Ordo side could not start (%s); running the %s side alone%n", e, kind.label());
      run = SideBySide.start(kind, work, SideBySide.Sides.BARE, replicas, compareReplicas);
      status = 2;
    }
    Report report = new Report(run.bareName());
    try (SideBySide r = run) {
      if (r.ordo() != null) {
        out.println("ordo: " + r.ordo().url() + " with replicas " + r.ordo().config().replicas());
      }
      out.print(report.header());
      r.run(selected, new SideBySide.Listener() {
        @Override
        public void starting(int number, int total, String file) {
          err.printf("[%d/%d] %s ...%n", number, total, file);
        }

        @Override
        public void finished(SideBySide.FileResult result) {
          report.add(result);
          out.print(report.line(result));
        }
      });
    } finally {
      if (dir == null) {
        H2Backend.deleteTree(work);
      }
    }
    out.print(report.totals());
    out.print(report.details(maxDifferences, maxValues));
    out.printf(Locale.ROOT, "wall time %.1f s%n", (System.nanoTime() - t0) / 1e9);
    if (status == 0 && (!report.differences().isEmpty() || !report.problems().isEmpty())) {
      status = 1;
    }
    return status;
  }
}
