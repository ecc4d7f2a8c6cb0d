package dev.ordo.sqltests.history;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Checks a list-append history for strict serializability with Elle's method
 * (Kingsbury and Alvaro, "Elle: Inferring Isolation Anomalies from
 * Experimental Observations", VLDB 2020).
 *
 * <p>Invocations are paired with completions per process: {@code :ok}
 * transactions happened, {@code :fail} ones did not, {@code :info} ones may
 * have (their appends may show up in reads; as they never completed they
 * precede nothing in real time). Reads give each key's version order (the
 * longest read; every other read must be a prefix of it). From that order
 * come the anomalies visible directly (G1a, G1b, internal, duplicate
 * elements, incompatible orders, lost updates, garbage reads) and the
 * dependency graph: ww, wr and rw edges, plus process and real-time edges.
 * Every cycle in that graph is an anomaly, classified by its edges (G0, G1c,
 * G-single, G-nonadjacent, G2-item, with a {@code -process} or
 * {@code -realtime} suffix if it needs those edges). The history is strict
 * serializable iff no anomaly of any class is found.
 *
 * <p>The check is near-linear in the size of the history: real-time edges are
 * a transitive reduction (at most transactions x processes), and cycle search
 * is linear per strongly connected component and class.
 */
public final class ListAppendChecker {
  private ListAppendChecker() {}

  /**
   * Checks a history.
   *
   * @param history the ops, as read by {@link HistoryReader}
   * @return the verdict, with one explained example per anomaly class
   * @throws HistoryFormatException if the history cannot be checked: unpaired
   *     invocations or completions, repeated indices, or an element appended
   *     twice to one key
   */
  public static CheckResult check(List<Op> history) {
    long start = System.nanoTime();
    Txn.Pairing pairing = Txn.pair(history);
    List<Txn> txns = pairing.txns();
    Versions versions = Versions.of(txns);
    Explainer explain = new Explainer(versions);
    Findings findings = new Findings();
    DirectChecks.run(versions, explain, findings);
    Digraph graph = DependencyGraph.build(versions);
    CycleSearch.run(graph, txns.size(), explain, findings);
    Map<String, Anomaly> anomalies = findings.toAnomalies();
    int ok = 0;
    int failed = 0;
    for (Txn t : txns) {
      ok += t.ok() ? 1 : 0;
      failed += t.possible() ? 0 : 1;
    }
    CheckResult.Verdict verdict = !anomalies.isEmpty() ? CheckResult.Verdict.INVALID
        : ok == 0 ? CheckResult.Verdict.UNKNOWN : CheckResult.Verdict.VALID;
    return new CheckResult(pairing.ops(), pairing.ignored(), ok, failed, txns.size() - ok - failed,
        graph.edges(), anomalies, verdict, Duration.ofNanos(System.nanoTime() - start));
  }
}
