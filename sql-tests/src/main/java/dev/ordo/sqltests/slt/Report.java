package dev.ordo.sqltests.slt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts per file and in total, for Ordo and for the backend side by side,
 * the differences between them, and the problems the Ordo side's own checks
 * found. Also formats them as text.
 */
public final class Report {
  /** Counts of one side over many files. */
  public static final class Totals {
    private int files;
    private int passed;
    private int failed;
    private int skipped;
    private int aborted;
    private long nanos;

    void add(FileRun r) {
      files++;
      passed += r.passed();
      failed += r.failed();
      skipped += r.skipped();
      aborted += r.abortedBy() != null ? 1 : 0;
      nanos += r.nanos();
    }

    public int files() {
      return files;
    }

    public int passed() {
      return passed;
    }

    public int failed() {
      return failed;
    }

    public int skipped() {
      return skipped;
    }

    /** Files abandoned at a statement that had to succeed. */
    public int aborted() {
      return aborted;
    }

    public long nanos() {
      return nanos;
    }
  }

  private final String row;
  private final String bareName;
  private final Totals ordo = new Totals();
  private final Totals bare = new Totals();
  private final List<Difference> differences = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  public Report(String bareName) {
    this.bareName = bareName;
    this.row = "%-42s %9s %7s %7s %8s | %" + Math.max(9, bareName.length() + 5) + "s %7s %7s %8s | %5s%n";
  }

  /** Adds one file's result. */
  public void add(SideBySide.FileResult r) {
    if (r.ordo() != null) {
      ordo.add(r.ordo());
      problems.addAll(r.ordo().problems());
    }
    if (r.bare() != null) {
      bare.add(r.bare());
    }
    differences.addAll(r.differences());
  }

  public Totals ordo() {
    return ordo;
  }

  public Totals bare() {
    return bare;
  }

  public List<Difference> differences() {
    return List.copyOf(differences);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** The column headings of {@link #line} and {@link #totals}. */
  public String header() {
    return String.format(Locale.ROOT, row, "file", "ordo pass", "fail", "skip", "time", bareName + " pass", "fail",
        "skip", "time", "diffs");
  }

  /** One file's counts, with a note for each side that abandoned it. */
  public String line(SideBySide.FileResult r) {
    String s = String.format(Locale.ROOT, row, r.file(), pass(r.ordo()), fail(r.ordo()), skip(r.ordo()),
        time(r.ordo()), pass(r.bare()), fail(r.bare()), skip(r.bare()), time(r.bare()),
        r.ordo() != null && r.bare() != null ? Integer.toString(r.differences().size()) : "-");
    return s + aborted("ordo", r.ordo()) + aborted(bareName, r.bare());
  }

  /** The totals line, and the number of abandoned files. */
  public String totals() {
    String s = String.format(Locale.ROOT, row, "TOTAL (" + Math.max(ordo.files, bare.files) + " files)",
        ordo.files == 0 ? "-" : ordo.passed, ordo.files == 0 ? "-" : ordo.failed, ordo.files == 0 ? "-" : ordo.skipped,
        ordo.files == 0 ? "-" : seconds(ordo.nanos), bare.files == 0 ? "-" : bare.passed,
        bare.files == 0 ? "-" : bare.failed, bare.files == 0 ? "-" : bare.skipped,
        bare.files == 0 ? "-" : seconds(bare.nanos), ordo.files > 0 && bare.files > 0 ? differences.size() : "-");
    return s + String.format(Locale.ROOT, "files abandoned at a failing statement: ordo %s, %s %s%n",
        ordo.files == 0 ? "-" : ordo.aborted, bareName, bare.files == 0 ? "-" : bare.aborted);
  }

  /** Every difference (at most {@code max}, each with at most {@code maxValues} values) and every problem. */
  public String details(int max, int maxValues) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(max, differences.size()); i++) {
      b.append(differences.get(i).describe(maxValues)).append('\n');
    }
    if (differences.size() > max) {
      b.append("... and ").append(differences.size() - max).append(" more differences\n");
    }
    for (String p : problems) {
      b.append("PROBLEM ").append(p).append('\n');
    }
    return b.toString();
  }

  private static String aborted(String side, FileRun r) {
    if (r == null || r.abortedBy() == null) {
      return "";
    }
    Step s = r.abortedBy();
    String msg = s.message() == null ? "" : s.message().strip().replaceAll("\\s+", " ");
    String state = s.sqlState() == null ? "" : "[" + s.sqlState() + "] ";
    return String.format(Locale.ROOT, "    %s abandoned the file at line %d: %s%s%n", side, s.line(), state,
        msg.length() > 160 ? msg.substring(0, 160) + "..." : msg);
  }

  private static String pass(FileRun r) {
    return r == null ? "-" : Integer.toString(r.passed());
  }

  private static String fail(FileRun r) {
    return r == null ? "-" : Integer.toString(r.failed());
  }

  private static String skip(FileRun r) {
    return r == null ? "-" : Integer.toString(r.skipped());
  }

  private static String time(FileRun r) {
    return r == null ? "-" : seconds(r.nanos());
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
  }
}
