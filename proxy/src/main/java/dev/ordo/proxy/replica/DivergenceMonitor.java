package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.TxnEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the replicas of the whole cluster at each checkpoint, from the
 * reports in the log: every replica's running digest, its tables' hash (when
 * the checkpoint took one) and its environment fingerprint. A local replica
 * whose report differs from a majority of the reports at that checkpoint is
 * fenced. When the reports disagree and no majority of the replicas known to
 * the cluster agrees (two replicas that differ, say), writes are refused rather
 * than guess which one is right. One monitor per node; its decisions are about
 * its own replicas.
 */
public final class DivergenceMonitor implements DigestSink {
  private static final Logger log = LoggerFactory.getLogger(DivergenceMonitor.class);
  /** How many checkpoints' reports are kept (later reports for older ones are ignored). */
  private static final int KEEP = 64;

  private record Key(String node, String replica) {
    @Override
    public String toString() {
      return node + "/" + replica;
    }
  }

  private record Found(long digest, Long tableHash, String fingerprint) {
    @Override
    public String toString() {
      return "digest " + Digests.hex(digest) + (tableHash == null ? "" : ", tables " + Digests.hex(tableHash))
          + ", environment [" + fingerprint + "]";
    }
  }

  private final String nodeId;
  private final List<Replica> replicas;
  private final Consumer<TxnEntry.DigestReport> append;
  private final Consumer<String> refuseWrites;
  private final TreeMap<Long, Map<Key, Found>> byCheckpoint = new TreeMap<>();
  /** Every replica that reported lately: the cluster's replicas as far as this node knows. */
  private final Map<Key, Long> known = new HashMap<>();
  private String suspect;
  /** Resynchronised replicas: their reports up to this checkpoint index came from the state that was replaced. */
  private final Map<Key, Long> replacedThrough = new HashMap<>();

  /**
   * @param append appends a report of a local replica to the log
   * @param refuseWrites called with a reason when no majority can be told
   */
  public DivergenceMonitor(String nodeId, List<Replica> replicas, Consumer<TxnEntry.DigestReport> append,
      Consumer<String> refuseWrites) {
    this.nodeId = nodeId;
    this.replicas = replicas;
    this.append = append;
    this.refuseWrites = refuseWrites;
  }

  @Override
  public void own(TxnEntry.DigestReport report) {
    append.accept(report);
  }

  @Override
  public synchronized void logged(TxnEntry.DigestReport r) {
    long cp = r.checkpointIndex() * 1_000_000L + r.checkpointSub(); // subs stay far below a million
    if (!byCheckpoint.isEmpty() && cp < byCheckpoint.firstKey() && byCheckpoint.size() >= KEEP) {
      return;
    }
    Key key = new Key(r.node(), r.replica());
    Long replaced = replacedThrough.get(key);
    if (replaced != null && r.checkpointIndex() <= replaced) {
      return;
    }
    Map<Key, Found> reports = byCheckpoint.computeIfAbsent(cp, k -> new LinkedHashMap<>());
    if (reports.putIfAbsent(key, new Found(r.digest(), r.tableHash(), r.fingerprint())) != null) {
      return; // a repeated report (after a restart): the first one counts
    }
    known.put(key, cp);
    while (byCheckpoint.size() > KEEP) {
      byCheckpoint.pollFirstEntry();
    }
    // A replica that has not reported in the kept window is no longer counted (removed from the cluster).
    long oldest = byCheckpoint.firstKey();
    known.values().removeIf(last -> last < oldest);
    evaluate(r.checkpointIndex() + "." + r.checkpointSub(), reports);
  }

  private void evaluate(String where, Map<Key, Found> reports) {
    if (reports.size() < 2) {
      return;
    }
    Map<Found, List<Key>> groups = new LinkedHashMap<>();
    reports.forEach((k, f) -> groups.computeIfAbsent(f, x -> new ArrayList<>()).add(k));
    if (groups.size() == 1) {
      return;
    }
    int largest = groups.values().stream().mapToInt(List::size).max().orElse(0);
    List<Found> majorities = groups.entrySet().stream().filter(e -> e.getValue().size() == largest)
        .map(Map.Entry::getKey).toList();
    Found majority = majorities.size() == 1 && largest >= 2 ? majorities.get(0) : null;
    if (majority != null) {
      for (Map.Entry<Key, Found> e : reports.entrySet()) {
        if (!e.getKey().node().equals(nodeId) || e.getValue().equals(majority)) {
          continue;
        }
        Replica mine = local(e.getKey().replica());
        if (mine != null && mine.fencedWhy() == null) {
          mine.fence("at checkpoint " + where + " it reported " + e.getValue() + ", but " + groups.get(majority)
              + " reported " + majority);
        }
      }
      return;
    }
    // No majority among the reports: if every known replica has reported, nobody can tell who is right.
    if (reports.keySet().containsAll(known.keySet())) {
      String why = "replicas disagree at checkpoint " + where + " and no majority agrees: " + describe(groups);
      if (!Objects.equals(suspect, why)) {
        suspect = why;
        log.error("{}: {}", nodeId, why);
      }
      refuseWrites.accept(why);
    }
  }

  private static String describe(Map<Found, List<Key>> groups) {
    StringBuilder b = new StringBuilder();
    groups.forEach((f, keys) -> b.append(b.length() == 0 ? "" : "; ").append(keys).append(": ").append(f));
    return b.toString();
  }

  private Replica local(String name) {
    for (Replica r : replicas) {
      if (r.name().equals(name)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Forgets a replica's reports (it was resynchronised): the ones still to come
   * for checkpoints up to Raft index {@code throughIndex} describe the state that
   * was replaced and are ignored; it is compared afresh after that.
   */
  public synchronized void forget(String replica, long throughIndex) {
    Key key = new Key(nodeId, replica);
    byCheckpoint.values().forEach(m -> m.remove(key));
    replacedThrough.put(key, throughIndex);
    suspect = null;
  }

  /** The checkpoints with reports, for tests and status: index.sub → replica → found. */
  synchronized Map<String, Map<String, String>> snapshot() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    byCheckpoint.forEach((cp, m) -> {
      Map<String, String> row = new LinkedHashMap<>();
      m.forEach((k, f) -> row.put(k.toString(), f.toString()));
      out.put((cp / 1_000_000L) + "." + (cp % 1_000_000L), row);
    });
    return out;
  }
}
