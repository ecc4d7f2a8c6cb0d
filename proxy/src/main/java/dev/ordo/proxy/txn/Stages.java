package dev.ordo.proxy.txn;

import java.util.EnumMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where a node's time goes: one latency histogram per stage of the request
 * path, recorded as requests pass (HdrHistogram {@link Recorder}s: lock-free,
 * safe from any thread). A benchmark takes an {@link #interval()} before and
 * after a measured round and prints what happened in between; every
 * optimisation of the write path is chosen from these numbers.
 *
 * <p>Stages {@link Stage#NODE} to {@link Stage#REPLICA} are seen by the
 * session that waits for the answer; {@link Stage#LOCK_WAIT} to {@link
 * Stage#BOOKKEEPING} by every local replica, so with three replicas each entry
 * is counted three times there; the {@code READ} stages by autocommit reads
 * and metadata calls, which never append to the log.
 */
public final class Stages {
  /** A stage of the request path. */
  public enum Stage {
    /** From a request decoded by the node to its answer handed to the network (every request). */
    NODE("node: request in to answer out"),
    /** Parsing and classifying a statement (mostly a cache hit). */
    ANALYSIS("analysis"),
    /** From handing an entry to the log to knowing its position: batching, Raft order, fsync on a majority. */
    APPEND("log append: queue, order, durable"),
    /** From a known position to the first local replica's answer (apply, locks, backend, bookkeeping). */
    REPLICA("replica answer after append"),
    /** A replica: from reading an entry off the log to the grant of its locks (log order, strict 2PL). */
    LOCK_WAIT("replica: lock wait"),
    /** A replica: from the grant to the work starting (earlier conflicting work finishing, thread hand-off). */
    HANDOFF("replica: after-grant wait and hand-off"),
    /** A replica: running the entry's statements on the backend. */
    EXECUTION("replica: backend execution"),
    /** A replica: writing the bookkeeping row and committing the backend transaction. */
    BOOKKEEPING("replica: bookkeeping and commit"),
    /** Work executed before its entry was durable waits for it, before its backend commit. */
    DURABLE_WAIT("replica: wait for durability before commit"),
    /** A statement of an interactive transaction answered before its entry was durable: append to answer. */
    EARLY_ANSWER("statement answered before durable"),
    /** An autocommit read: getting the linearizable read index from the log. */
    READ_INDEX("read: linearizable read index"),
    /** An autocommit read: until a local replica has applied the read index. */
    READ_WAIT("read: replica reaches the read index"),
    /** An autocommit read: the query on the replica, results materialised. */
    READ("read: query on the replica"),
    /** A read inside a read-write transaction whose locks it already held: the query on one replica, no log. */
    COVERED_READ("covered read in a transaction (no log)");

    private final String label;

    Stage(String label) {
      this.label = label;
    }

    /** What the stage covers, for printing. */
    public String label() {
      return label;
    }
  }

  /** Longest latency recorded exactly: one minute, in microseconds (longer ones are clamped). */
  private static final long HIGHEST_MICROS = 60_000_000L;

  private final Map<Stage, Recorder> recorders = new EnumMap<>(Stage.class);

  public Stages() {
    for (Stage s : Stage.values()) {
      recorders.put(s, new Recorder(HIGHEST_MICROS, 2));
    }
  }

  /** Records that {@code stage} took {@code nanos} nanoseconds. */
  public void record(Stage stage, long nanos) {
    long micros = Math.max(0, Math.min(nanos / 1_000, HIGHEST_MICROS));
    recorders.get(stage).recordValue(micros);
  }

  /** Records that {@code stage} took the time from {@code startNanos} ({@link System#nanoTime()}) to now. */
  public void since(Stage stage, long startNanos) {
    record(stage, System.nanoTime() - startNanos);
  }

  /**
   * What was recorded since the previous call (or since the node started), per
   * stage, in microseconds; the recorders start a new interval.
   */
  public Map<Stage, Histogram> interval() {
    Map<Stage, Histogram> out = new EnumMap<>(Stage.class);
    recorders.forEach((s, r) -> out.put(s, r.getIntervalHistogram()));
    return out;
  }

  /** A table of an {@link #interval()}: per stage, count, p50, p99 and mean in milliseconds. */
  public static String table(Map<Stage, Histogram> interval) {
    StringBuilder b = new StringBuilder(String.format("%-42s %9s %9s %9s %9s%n", "stage", "count", "p50 ms",
        "p99 ms", "mean ms"));
    interval.forEach((s, h) -> b.append(String.format("%-42s %9d %9.3f %9.3f %9.3f%n", s.label(),
        h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getTotalCount() == 0 ? 0.0 : h.getMean() / 1000.0)));
    return b.toString();
  }
}
