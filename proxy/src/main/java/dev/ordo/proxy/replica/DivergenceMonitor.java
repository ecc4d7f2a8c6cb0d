package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the replicas of the whole cluster at each checkpoint, from the
 * reports in the log: every replica's running digest, its tables' hash (when
 * the checkpoint took one) and its environment fingerprint.
 *
 * <p>Only what two reports both computed is compared. The running digest and
 * the environment are in every report and are compared across all of them; a
 * table hash only against the table hashes of the other reports that carry one
 * for the same checkpoint. A report without a table hash is never taken to
 * differ from one with it. The two comparisons are made separately ({@link
 * #judge}): a local replica whose report differs, in either, from the largest
 * group of at least two agreeing reports at that checkpoint is fenced. When
 * the reports disagree in either and no such group exists while every replica
 * known to the cluster has reported (two replicas that differ, say), writes are
 * refused rather than guess which one is right.
 *
 * <p>The first report of a replica for a checkpoint is the one compared. A
 * replica reports a checkpoint again when it re-reads it in the log after a
 * restart, from what it recorded then; such repeats are counted, and one that
 * says anything else than the first is logged as a warning ({@link #reports}).
 * One monitor per node; its decisions are about its own replicas.
 */
public final class DivergenceMonitor implements DigestSink {
  private static final Logger log = LoggerFactory.getLogger(DivergenceMonitor.class);
  /** How many checkpoints' reports are kept (later reports for older ones are ignored). */
  private static final int KEEP = 64;
  /** How many conflicting repeats are described in {@link #reports}. */
  static final int MAX_CONFLICTS = 100;

  /** A replica of the cluster. */
  record Key(String node, String replica) {
    @Override
    public String toString() {
      return node + "/" + replica;
    }
  }

  /** What one replica reported at one checkpoint. */
  record Found(long digest, Long tableHash, String fingerprint) {
    /** The part every report has: the running digest and the environment. */
    String run() {
      return "digest " + Digests.hex(digest) + ", environment [" + fingerprint + "]";
    }

    /** What it found, without the environment: the digest and the tables' hash or its absence. */
    String findings() {
      return "digest " + Digests.hex(digest) + (tableHash == null ? ", no table hash" : ", " + tables());
    }

    /** The tables' hash, for reports that carry one. */
    String tables() {
      return "tables " + Digests.hex(tableHash);
    }

    @Override
    public String toString() {
      return "digest " + Digests.hex(digest) + (tableHash == null ? "" : ", tables " + Digests.hex(tableHash))
          + ", environment [" + fingerprint + "]";
    }
  }

  /**
   * What the reports at one checkpoint decide.
   *
   * @param minority each replica (of any node) whose report differs from the largest group of agreeing reports,
   *     with what differed; the monitor fences the local ones
   * @param noMajority why writes must be refused (the reports differ, no group of at least two is the largest, and
   *     every known replica has reported), or null
   */
  record Verdict(Map<Key, String> minority, String noMajority) {}

  /** A report as read in the log. */
  private record Seen(LogPosition at, Found found) {}

  /** The reports at one checkpoint: each replica's first one, and where every report of it was read. */
  private static final class Reports {
    final Map<Key, Seen> first = new LinkedHashMap<>();
    final Map<Key, Set<LogPosition>> entries = new HashMap<>();

    Map<Key, Found> compared() {
      Map<Key, Found> out = new LinkedHashMap<>();
      first.forEach((k, s) -> out.put(k, s.found()));
      return out;
    }
  }

  private final String nodeId;
  private final List<Replica> replicas;
  private final Consumer<TxnEntry.DigestReport> append;
  private final Consumer<String> refuseWrites;
  private final TreeMap<Long, Reports> byCheckpoint = new TreeMap<>();
  /** Every replica that reported lately: the cluster's replicas as far as this node knows. */
  private final Map<Key, Long> known = new HashMap<>();
  private String suspect;
  /** Resynchronised replicas: their reports up to this checkpoint index came from the state that was replaced. */
  private final Map<Key, Long> replacedThrough = new HashMap<>();
  private long repeats;
  private long conflictingRepeats;
  private final List<String> conflicts = new ArrayList<>();

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
  public synchronized void logged(LogPosition at, TxnEntry.DigestReport r) {
    long cp = r.checkpointIndex() * 1_000_000L + r.checkpointSub(); // subs stay far below a million
    if (!byCheckpoint.isEmpty() && cp < byCheckpoint.firstKey() && byCheckpoint.size() >= KEEP) {
      return;
    }
    Key key = new Key(r.node(), r.replica());
    Long replaced = replacedThrough.get(key);
    if (replaced != null && r.checkpointIndex() <= replaced) {
      return;
    }
    String where = r.checkpointIndex() + "." + r.checkpointSub();
    Reports reports = byCheckpoint.computeIfAbsent(cp, k -> new Reports());
    Seen seen = new Seen(at, new Found(r.digest(), r.tableHash(), r.fingerprint()));
    if (!reports.entries.computeIfAbsent(key, k -> new HashSet<>()).add(at)) {
      return; // the same log entry, read by another local replica or re-read after a restart
    }
    Seen first = reports.first.putIfAbsent(key, seen);
    if (first != null) {
      repeated(where, key, first, seen);
      return;
    }
    known.put(key, cp);
    while (byCheckpoint.size() > KEEP) {
      byCheckpoint.pollFirstEntry();
    }
    // A replica that has not reported in the kept window is no longer counted (removed from the cluster).
    long oldest = byCheckpoint.firstKey();
    known.values().removeIf(last -> last < oldest);
    act(judge(where, reports.compared(), known.keySet()));
  }

  /**
   * A replica reported a checkpoint again (a new log entry). The first report
   * stays the one compared; the repeat must say exactly the same: the same
   * replica at the same checkpoint computed one digest, and either hashed its
   * tables (one hash) or did not. Anything else is logged and counted.
   */
  private void repeated(String where, Key key, Seen first, Seen again) {
    repeats++;
    if (first.found().equals(again.found())) {
      return;
    }
    conflictingRepeats++;
    Seen a = first.at().compareTo(again.at()) <= 0 ? first : again;
    Seen b = a == first ? again : first;
    String what = key + " at checkpoint " + where + ": " + a.found().findings() + " (log position " + a.at()
        + ") and " + b.found().findings() + " (log position " + b.at() + ")"
        + (a.found().fingerprint().equals(b.found().fingerprint())
            ? ", both in environment [" + a.found().fingerprint() + "]"
            : ", in environments [" + a.found().fingerprint() + "] and [" + b.found().fingerprint() + "]");
    if (conflicts.size() < MAX_CONFLICTS) {
      conflicts.add(what);
    }
    log.warn("{}: replica {} reported a checkpoint twice, differently: {}. Only the report read first is compared "
        + "with the other replicas; a replica's reports of one checkpoint must be identical, so its recorded "
        + "checkpoint (ORDO.CHECKPOINTS) or the report made from it is wrong: check the replica (ORDO STATUS on node "
        + "{}) and resynchronise it if in doubt (ORDO RESYNC REPLICA {})", nodeId, key, what, key.node(),
        key.replica());
  }

  private void act(Verdict v) {
    v.minority().forEach((k, why) -> {
      if (!k.node().equals(nodeId)) {
        return;
      }
      Replica mine = local(k.replica());
      if (mine != null && mine.fencedWhy() == null) {
        mine.fence(why);
      }
    });
    if (v.noMajority() != null) {
      if (!Objects.equals(suspect, v.noMajority())) {
        suspect = v.noMajority();
        log.error("{}: {}", nodeId, v.noMajority());
      }
      refuseWrites.accept(v.noMajority());
    }
  }

  /**
   * Decides what the reports at checkpoint {@code where} mean. Digest and
   * environment are compared across all {@code reports}; table hashes across
   * the reports that carry one. In each comparison the reports are grouped by
   * what they found: if one group is the largest and holds more than half of
   * the replicas known to the cluster (and at least two), every report outside it is in the minority (named in the verdict with what
   * differed); if the reports differ and no group is the largest, and every
   * replica in {@code known} has reported, no majority can be told. Pure: no
   * replicas, no I/O.
   */
  static Verdict judge(String where, Map<Key, Found> reports, Set<Key> known) {
    Map<Key, String> minority = new LinkedHashMap<>();
    List<String> undecided = new ArrayList<>();
    // A majority is more than half of the replicas the cluster has (as far as this node knows), not of the
    // reports in so far: with five replicas, two that agree against one that differs decide nothing yet.
    int cluster = Math.max(known.size(), reports.size());
    compare(where, "running digest or environment", reports, Found::run, cluster, minority, undecided);
    Map<Key, Found> hashed = new LinkedHashMap<>();
    reports.forEach((k, f) -> {
      if (f.tableHash() != null) {
        hashed.put(k, f);
      }
    });
    // Replicas that reported without a table hash are no part of that comparison.
    compare(where, "tables' hash", hashed, Found::tables, cluster - (reports.size() - hashed.size()), minority,
        undecided);
    String noMajority = null;
    if (!undecided.isEmpty() && reports.keySet().containsAll(known)) {
      noMajority = "replicas disagree at checkpoint " + where + " and no majority agrees: "
          + String.join("; ", undecided);
    }
    return new Verdict(minority, noMajority);
  }

  private static void compare(String where, String what, Map<Key, Found> reports, Function<Found, String> part,
      int cluster, Map<Key, String> minority, List<String> undecided) {
    if (reports.size() < 2) {
      return;
    }
    Map<String, List<Key>> groups = new LinkedHashMap<>();
    reports.forEach((k, f) -> groups.computeIfAbsent(part.apply(f), x -> new ArrayList<>()).add(k));
    if (groups.size() == 1) {
      return;
    }
    int largest = groups.values().stream().mapToInt(List::size).max().orElse(0);
    List<String> top = groups.entrySet().stream().filter(e -> e.getValue().size() == largest)
        .map(Map.Entry::getKey).toList();
    if (top.size() != 1 || largest < 2 || largest * 2 <= cluster) {
      StringBuilder b = new StringBuilder(what).append(" differs: ");
      String sep = "";
      for (Map.Entry<String, List<Key>> g : groups.entrySet()) {
        b.append(sep).append(g.getValue()).append(": ").append(g.getKey());
        sep = ", ";
      }
      undecided.add(b.toString());
      return;
    }
    String majority = top.get(0);
    groups.forEach((found, keys) -> {
      if (found.equals(majority)) {
        return;
      }
      for (Key k : keys) {
        String why = "at checkpoint " + where + " its " + what + " differed: it reported " + found + ", but "
            + groups.get(majority) + " reported " + majority;
        minority.merge(k, why, (x, y) -> x + "; and " + y);
      }
    });
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
    byCheckpoint.values().forEach(m -> {
      m.first.remove(key);
      m.entries.remove(key);
    });
    replacedThrough.put(key, throughIndex);
    suspect = null;
  }

  /** How many checkpoint reports were repeats, and which of them contradicted the first report. */
  public synchronized CheckpointReports reports() {
    return new CheckpointReports(repeats, conflictingRepeats, conflicts);
  }

  /** The checkpoints with reports, for tests and status: index.sub → replica → found (first reports). */
  synchronized Map<String, Map<String, String>> snapshot() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    byCheckpoint.forEach((cp, m) -> {
      Map<String, String> row = new LinkedHashMap<>();
      m.first.forEach((k, s) -> row.put(k.toString(), s.found().toString()));
      out.put((cp / 1_000_000L) + "." + (cp % 1_000_000L), row);
    });
    return out;
  }
}
