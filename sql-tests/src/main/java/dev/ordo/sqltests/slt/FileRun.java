package dev.ordo.sqltests.slt;

import java.util.List;

/**
 * One test file run on one side.
 *
 * @param file the file's name below {@code test/}
 * @param side the side's name ({@code ordo}, {@code h2}, {@code postgresql})
 * @param steps what each record did, in file order
 * @param passed queries whose result matched (sqllogictest's count)
 * @param failed queries that failed or raised an error (sqllogictest's count)
 * @param ignored queries sqllogictest skipped as known-buggy (none here)
 * @param notRun queries not run because a statement that had to succeed failed before them
 * @param excluded queries left out by {@code skipif}/{@code onlyif}/{@code halt} (PostgreSQL's policy)
 * @param abortedBy the statement that abandoned the file, or null
 * @param nanos wall time of the run
 * @param problems what the side's own checks found wrong (replicas that differ), in words
 */
public record FileRun(String file, String side, List<Step> steps, int passed, int failed, int ignored, int notRun,
    int excluded, Step abortedBy, long nanos, List<String> problems) {

  public FileRun {
    steps = List.copyOf(steps);
    problems = List.copyOf(problems);
  }

  /** A copy with {@code more} problems and {@code extraNanos} more wall time (checks after the run). */
  public FileRun with(List<String> more, long extraNanos) {
    List<String> all = new java.util.ArrayList<>(problems);
    all.addAll(more);
    return new FileRun(file, side, steps, passed, failed, ignored, notRun, excluded, abortedBy, nanos + extraNanos,
        all);
  }

  /** Queries of the file that were not run, whatever the reason. */
  public int skipped() {
    return ignored + notRun + excluded;
  }
}
