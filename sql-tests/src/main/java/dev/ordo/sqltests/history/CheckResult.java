package dev.ordo.sqltests.history;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of checking a list-append history for strict serializability.
 *
 * @param ops lines in the history
 * @param ignoredOps ops that are not client {@code :txn} ops (a nemesis, for instance)
 * @param okTxns transactions that completed {@code :ok}
 * @param failedTxns transactions that completed {@code :fail}
 * @param infoTxns transactions whose outcome is unknown ({@code :info}, or never completed)
 * @param edges edges of the dependency graph (data, process and real-time)
 * @param anomalies the anomalies found, by type in alphabetical order
 * @param verdict whether the history is strict serializable
 * @param elapsed how long the check took (not counting reading the file)
 */
public record CheckResult(int ops, int ignoredOps, int okTxns, int failedTxns, int infoTxns, int edges,
    Map<String, Anomaly> anomalies, Verdict verdict, Duration elapsed) {

  /** What the checker concluded. */
  public enum Verdict {
    /** No anomaly of any class: the history is strict serializable. */
    VALID,
    /** At least one anomaly: the history is not strict serializable. */
    INVALID,
    /** No anomaly, but nothing was checked either: the history has no {@code :ok} transaction. */
    UNKNOWN
  }

  /** Copies the anomaly map, keeping it sorted by type. */
  public CheckResult {
    anomalies = Collections.unmodifiableMap(new TreeMap<>(anomalies));
  }

  /**
   * Returns the number of transactions.
   *
   * @return ok + failed + info
   */
  public int txns() {
    return okTxns + failedTxns + infoTxns;
  }

  /**
   * Returns whether the history is strict serializable.
   *
   * @return true iff the verdict is {@link Verdict#VALID}
   */
  public boolean valid() {
    return verdict == Verdict.VALID;
  }
}
