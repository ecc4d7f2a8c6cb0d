package dev.ordo.proxy.txn;

import dev.ordo.driver.SqlExceptions;
import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.proxy.replica.DeterministicErrors;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.proxy.replica.ResultSink;
import dev.ordo.sequencer.LogPosition;
import dev.ordo.sequencer.Sequencer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes transactions: writes go through the log and are answered with the
 * outcome computed by the first local replica that executes them; reads are
 * served by a local replica once it has applied the linearizable read index.
 */
public final class Coordinator implements ResultSink {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  /** Work done on a replica connection. */
  @FunctionalInterface
  public interface ReadWork<T> {
    T run(Connection c) throws SQLException;
  }

  private final String nodeId;
  private final long incarnation;
  private final Sequencer sequencer;
  private final List<Replica> replicas;
  private final Duration timeout;
  private final Clock clock;
  private final AtomicLong requestIds = new AtomicLong();
  /** The earliest time the next entry may carry (µs): entries of this node carry rising times. */
  private final AtomicLong nextMicros = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger roundRobin = new AtomicInteger();
  private final ConcurrentHashMap<Long, CompletableFuture<Answer>> waiting = new ConcurrentHashMap<>();
  private final Stages stages;
  /** Statements of interactive transactions are answered once ordered, before they are durable. */
  private final boolean early;
  /** The log index of each open interactive transaction's last STMT entry (see {@link #coveredRead}). */
  private final Map<String, LogPosition> lastEntries = new ConcurrentHashMap<>();
  /** Per interactive transaction: its statements answered before they were durable, checked before it commits. */
  private final EarlyAnswers earlyAnswers;

  /** An outcome and where a replica computed it. */
  private record Answer(Outcome outcome, ResultSink.Answered at) {}

  public Coordinator(String nodeId, long incarnation, Sequencer sequencer, List<Replica> replicas,
      Duration timeout, Clock clock, Stages stages) {
    this(nodeId, incarnation, sequencer, replicas, timeout, clock, stages, false);
  }

  /**
   * A coordinator; with {@code early}, a statement of an interactive transaction is answered as soon as a
   * local replica executed it from a position the log has ordered but not yet made durable (this node leads
   * the log and its replicas run with early execution too). Such a transaction commits only if every one of
   * those positions became durable as it was; otherwise it is rolled back and its session gets 40001.
   */
  public Coordinator(String nodeId, long incarnation, Sequencer sequencer, List<Replica> replicas,
      Duration timeout, Clock clock, Stages stages, boolean early) {
    this.early = early;
    this.earlyAnswers = new EarlyAnswers(nodeId, sequencer, timeout);
    this.stages = stages;
    this.nodeId = nodeId;
    this.incarnation = incarnation;
    this.sequencer = sequencer;
    this.replicas = new java.util.concurrent.CopyOnWriteArrayList<>(replicas);
    this.timeout = timeout;
    this.clock = clock;
  }

  /**
   * Appends a one-shot transaction to the log and waits for its outcome on a local replica.
   *
   * @throws SQLException 08007 when the outcome cannot be known in time
   */
  public Outcome write(boolean batch, KeyRequest keys, List<TxnEntry.Statement> statements)
      throws SQLException {
    return writeAt(batch, keys, statements).outcome();
  }

  /** As {@link #write}, with the log position the entry committed at. */
  public Submitted writeAt(boolean batch, KeyRequest keys, List<TxnEntry.Statement> statements)
      throws SQLException {
    return submitAt(TxnEntry.Kind.ONE_SHOT, "", false, batch, keys, statements);
  }

  /**
   * An entry's outcome, and the log position it has (null when it was answered before its append completed: a
   * statement answered early). A committed entry's position is unique and rises with log order across the cluster.
   */
  public record Submitted(Outcome outcome, LogPosition position) {}

  /** Where this node's time goes, stage by stage. */
  public Stages stages() {
    return stages;
  }

  /** How long a write waits for the log and for a local replica's answer. */
  public Duration timeout() {
    return timeout;
  }

  /** A new interactive transaction id, unique across the cluster and restarts. */
  public String newTxnId() {
    return nodeId + ":" + incarnation + ":t" + requestIds.incrementAndGet();
  }

  /**
   * Appends an entry of any kind except {@code ABORT_OWNER} and waits for its
   * outcome on a local replica.
   *
   * @param txn the interactive transaction id, or empty for a one-shot entry
   * @param begins a {@code STMT} that is the transaction's first
   */
  public Outcome submit(TxnEntry.Kind kind, String txn, boolean begins, boolean batch, KeyRequest keys,
      List<TxnEntry.Statement> statements) throws SQLException {
    return submitAt(kind, txn, begins, batch, keys, statements).outcome();
  }

  /** As {@link #submit}, with the position the entry has in the log. */
  public Submitted submitAt(TxnEntry.Kind kind, String txn, boolean begins, boolean batch, KeyRequest keys,
      List<TxnEntry.Statement> statements) throws SQLException {
    String refusal = writesRefused;
    if (refusal != null && (kind == TxnEntry.Kind.ONE_SHOT || kind == TxnEntry.Kind.STMT)) {
      throw SqlExceptions.create(SqlState.OBJECT_NOT_IN_STATE, "Ordo refuses writes: " + refusal
          + ". Reads still work. An operator resynchronises the wrong replica with ORDO RESYNC REPLICA "
          + "(docs/configuration.md#divergence).", null);
    }
    if (kind == TxnEntry.Kind.STMT) {
      earlyAnswers.checkDone(txn); // fails fast if an earlier answer is known to be lost
    } else if (kind == TxnEntry.Kind.COMMIT) {
      try {
        earlyAnswers.checkAll(txn);
      } catch (SQLException e) {
        // Nothing of it may commit: roll it back at a fixed place in the log, then say so. The answer is 40001
        // even if the rollback's own append fails (it is sent once more, unwatched): nothing of it committed.
        earlyAnswers.forget(txn);
        try {
          submit(TxnEntry.Kind.ROLLBACK, txn, false, false, KeyRequest.NONE, List.of());
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
          appendOnly(TxnEntry.Kind.ROLLBACK, txn);
        }
        throw e;
      }
    }
    if (kind == TxnEntry.Kind.COMMIT || kind == TxnEntry.Kind.ROLLBACK) {
      earlyAnswers.forget(txn);
    }
    long id = requestIds.incrementAndGet();
    TxnEntry entry = new TxnEntry(kind, nodeId, incarnation, id, txn, begins, micros(statements.size()), batch,
        keys, statements);
    CompletableFuture<Answer> result = new CompletableFuture<>();
    waiting.put(id, result);
    try {
      LogPosition pos;
      long appending = System.nanoTime();
      CompletableFuture<LogPosition> append;
      try {
        append = sequencer.append(entry.encode());
        if (early && kind == TxnEntry.Kind.STMT) {
          CompletableFuture.anyOf(append, result).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          Answer a = result.getNow(null);
          if (a != null && (a.at().ordered() || !append.isDone())) {
            // Answered from its ordered position before the append is durable: the transaction commits only
            // if that position becomes durable as it was.
            stages.since(Stages.Stage.EARLY_ANSWER, appending);
            if (a.at().ordered()) {
              earlyAnswers.add(txn, append, a.at());
            }
            return new Submitted(a.outcome(), null);
          }
        }
        pos = append.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        stages.since(Stages.Stage.APPEND, appending);
        if (kind == TxnEntry.Kind.STMT) {
          lastEntries.put(txn, pos);
        }
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw SqlExceptions.create(SqlState.TRANSACTION_RESOLUTION_UNKNOWN,
            "The outcome of this write is unknown: node " + nodeId + " could not get it committed to the log ("
                + cause.getMessage() + "). It may still commit; check before retrying.", cause);
      }
      long ordered = System.nanoTime();
      try {
        Answer answer = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        stages.since(Stages.Stage.REPLICA, ordered);
        if (early && kind == TxnEntry.Kind.STMT && answer.at().ordered()) {
          // Its append completed first, but the replica answered from the ordered position: COMMIT checks it
          // like any early answer (the entry committed at that index must be the one the replica ran).
          earlyAnswers.add(txn, append, answer.at());
        }
        return new Submitted(answer.outcome(), pos);
      } catch (TimeoutException e) {
        throw SqlExceptions.create(SqlState.TRANSACTION_RESOLUTION_UNKNOWN,
            "This write is committed to the log at position " + pos + ", but no replica of node " + nodeId
                + " executed it within " + timeout.toSeconds() + " s (" + describeReplicas()
                + "); its result is unknown. It will be applied when a replica recovers.", e);
      } catch (ExecutionException e) {
        throw SqlExceptions.create(SqlState.INTERNAL_ERROR, "write failed: " + e.getCause(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SqlExceptions.create(SqlState.TRANSACTION_RESOLUTION_UNKNOWN,
          "interrupted while waiting for a write's outcome; it may still commit", e);
    } finally {
      waiting.remove(id);
    }
  }

  /**
   * Answers a read of interactive transaction {@code txn} from one local replica without a log entry, when the
   * transaction already holds every lock the read asks for there ({@link Replica#coveredRead}); null when no
   * replica can, and the read goes through the log as usual. Not with early execution: an early answer's
   * position may still be lost.
   */
  public Outcome.Done coveredRead(String txn, TxnEntry.Statement statement) {
    LogPosition last = lastEntries.get(txn);
    if (early || last == null) {
      return null;
    }
    for (Replica r : replicas) {
      if (fenced(r.name())) {
        continue;
      }
      CompletableFuture<Outcome.Done> f = r.coveredRead(txn, statement, last);
      if (f == null) {
        continue;
      }
      try {
        return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (ExecutionException | TimeoutException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * Appends an entry without waiting for its outcome (a rollback for a client
   * that went away, an abort of an earlier incarnation's transactions).
   */
  public CompletableFuture<LogPosition> appendOnly(TxnEntry.Kind kind, String txn) {
    TxnEntry entry = new TxnEntry(kind, nodeId, incarnation, requestIds.incrementAndGet(), txn, false, micros(1), false,
        KeyRequest.NONE, List.of());
    return sequencer.append(entry.encode());
  }

  /**
   * This node's clock in UTC microseconds for a new entry, never earlier than the
   * previous entry's time plus the microseconds that entry reserved: replicas give
   * statement {@code i} of an entry the entry's time plus {@code i} µs, so the
   * times this node puts in the log rise strictly. (Entries of different nodes
   * interleave in the log as they arrive; their clocks are not compared.)
   *
   * @param reserve the microseconds the entry uses (its statement count, at least 1)
   */
  private long micros(int reserve) {
    java.time.Instant now = clock.instant();
    long wall = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    int n = Math.max(1, reserve);
    while (true) {
      long next = nextMicros.get();
      long start = Math.max(wall, next);
      if (nextMicros.compareAndSet(next, start + n)) {
        return start;
      }
    }
  }

  @Override
  public void applied(String replica, TxnEntry entry, Outcome outcome, ResultSink.Answered at) {
    track(entry);
    if (fenced(replica)) {
      return; // a fenced replica answers no client
    }
    if (entry.incarnation() == incarnation && entry.origin().equals(nodeId)) {
      CompletableFuture<Answer> f = waiting.get(entry.requestId());
      if (f != null) {
        f.complete(new Answer(outcome, at));
      }
    }
  }

  /**
   * Runs a read on a local replica that has applied the linearizable read index.
   * Errors that are the statement's own (syntax, data) are thrown as they are; a
   * replica's own failure makes the read move to another replica.
   */
  public <T> T read(ReadWork<T> work) throws SQLException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    long readIndex = readIndex();
    long indexed = System.nanoTime();
    stages.record(Stages.Stage.READ_INDEX, indexed - started);
    SQLException last = null;
    try {
      while (System.nanoTime() < deadline) {
        Replica r = pick();
        if (r == null) {
          Thread.sleep(20);
          continue;
        }
        if (!r.awaitApplied(readIndex, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
          continue;
        }
        long ready = System.nanoTime();
        stages.record(Stages.Stage.READ_WAIT, ready - indexed);
        try (Connection c = r.readConnection()) {
          T result = work.run(c);
          stages.since(Stages.Stage.READ, ready);
          return result;
        } catch (SQLException e) {
          if (DeterministicErrors.isDeterministic(e)) {
            throw e;
          }
          last = e;
          log.warn("{}: read on replica {} failed ({}); trying another replica", nodeId, r.name(), e.getMessage());
          Thread.sleep(20);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SqlExceptions.create(SqlState.QUERY_CANCELED, "interrupted while waiting for a replica", e);
    }
    throw SqlExceptions.create(SqlState.CANNOT_CONNECT_NOW,
        "No replica of node " + nodeId + " could serve this read at log index " + readIndex + " within "
            + timeout.toSeconds() + " s (" + describeReplicas() + "). Retry when a replica is healthy.", last);
  }

  /** The engine of this node's replicas. */
  /** A local replica's catalog, for EXPLAIN ORDO, or null when no replica has one. */
  public dev.ordo.proxy.sql.TableSchema.Lookup schema() {
    for (Replica r : replicas) {
      dev.ordo.proxy.sql.TableSchema.Lookup s = r.isHealthy() ? r.schema() : null;
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  public dev.ordo.proxy.config.Backend backend() {
    return replicas.get(0).backend();
  }

  /** The time zone the replicas' sessions are pinned to (time functions are shown in it). */
  public java.time.ZoneId timeZone() {
    return replicas.get(0).timeZone();
  }

  /**
   * A connection to a local replica holding one snapshot taken after the
   * replica applied the linearizable read index (H2: SNAPSHOT isolation,
   * PostgreSQL: REPEATABLE READ; read only, autocommit off). The caller closes it.
   */
  public Connection snapshot() throws SQLException {
    // H2's SNAPSHOT and PostgreSQL's REPEATABLE READ both take one snapshot at the first read.
    String level = backend() == dev.ordo.proxy.config.Backend.H2 ? "SNAPSHOT" : "REPEATABLE READ";
    long deadline = System.nanoTime() + timeout.toNanos();
    long readIndex = readIndex();
    try {
      while (System.nanoTime() < deadline) {
        Replica r = pick();
        if (r == null) {
          Thread.sleep(20);
          continue;
        }
        if (!r.awaitApplied(readIndex, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
          continue;
        }
        Connection c = r.readConnection();
        try (java.sql.Statement s = c.createStatement()) {
          s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL " + level);
          c.setAutoCommit(false);
          c.setReadOnly(true);
          // The snapshot is taken by the first read, after the replica is ready for the read index.
          s.executeQuery("SELECT 1").close();
          return c;
        } catch (SQLException e) {
          c.close();
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SqlExceptions.create(SqlState.QUERY_CANCELED, "interrupted while waiting for a replica", e);
    }
    throw SqlExceptions.create(SqlState.CANNOT_CONNECT_NOW, "No replica of node " + nodeId
        + " could take a snapshot at log index " + readIndex + " (" + describeReplicas() + ")", null);
  }

  /** How long a liveness check ({@link #logUnavailable}) waits for the log at most. */
  private static final Duration LIVENESS_WAIT = Duration.ofSeconds(5);

  /**
   * Why this node cannot serve linearizable reads and writes now, or null when it can: the log gives a read index
   * (it has a leader that a majority follows) within a few seconds. What a client's {@code isValid} asks.
   */
  public String logUnavailable() {
    try {
      sequencer.readIndex().get(Math.min(timeout.toMillis(), LIVENESS_WAIT.toMillis()), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      return "node " + nodeId + " could not reach a majority of the log (" + (cause.getMessage() == null
          ? cause.getClass().getSimpleName() : cause.getMessage()) + "): it can serve neither reads nor writes now";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking the log";
    }
  }

  private long readIndex() throws SQLException {
    try {
      return sequencer.readIndex().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw SqlExceptions.create(SqlState.CANNOT_CONNECT_NOW,
          "Node " + nodeId + " could not get a linearizable read index from the log (" + cause.getMessage()
              + "); the log has no leader or no majority. Retry shortly.", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SqlExceptions.create(SqlState.QUERY_CANCELED, "interrupted while waiting for the read index", e);
    }
  }

  /** A healthy replica, preferring the most advanced; round-robin among equals. */
  private Replica pick() {
    Replica best = null;
    int n = replicas.size();
    int start = Math.floorMod(roundRobin.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      Replica r = replicas.get((start + i) % n);
      if (r.isHealthy() && (best == null || r.appliedIndex() > best.appliedIndex())) {
        best = r;
      }
    }
    return best;
  }

  // ---- divergence: checkpoints, reports, refusing writes when no majority can be told ----

  private volatile String writesRefused;

  /** Refuses new writes (reads go on): replicas disagree and no majority says which is right. */
  public void refuseWrites(String why) {
    if (writesRefused == null) {
      log.error("{}: refusing writes: {}", nodeId, why);
    }
    writesRefused = why;
  }

  /** Accepts writes again (after an operator resynchronised the replicas). */
  public void allowWrites() {
    if (writesRefused != null) {
      log.info("{}: accepting writes again", nodeId);
    }
    writesRefused = null;
  }

  /** Why writes are refused, or null. */
  public String writesRefused() {
    return writesRefused;
  }

  private boolean fenced(String replica) {
    for (Replica r : replicas) {
      if (r.name().equals(replica)) {
        return r.state() == Replica.State.FENCED;
      }
    }
    return false;
  }

  /** Appends a replica's checkpoint report (this node's id filled in). */
  public CompletableFuture<LogPosition> appendDigest(TxnEntry.DigestReport r) {
    TxnEntry.DigestReport mine = new TxnEntry.DigestReport(nodeId, r.replica(), r.checkpointIndex(),
        r.checkpointSub(), r.digest(), r.tableHash(), r.fingerprint());
    return sequencer.append(TxnEntry.digest(incarnation, requestIds.incrementAndGet(), micros(1), mine).encode());
  }

  private java.util.concurrent.ScheduledExecutorService checkpointTimer;
  private long lastCheckpointIndex = -1;
  /** Entries that may change data, as local replicas applied them: a checkpoint is worth taking only if it moved. */
  private final AtomicLong workSeen = new AtomicLong();
  private long workAtLastCheckpoint = -1;
  private long lastCheckpointNanos = System.nanoTime();
  private long lastTableHashNanos = System.nanoTime();

  /**
   * While this node leads the log, appends a checkpoint entry whenever {@code
   * interval} has passed or the log has grown by {@code entries} indexes since
   * the last one, provided the log moved; every {@code tableHashInterval} the
   * checkpoint asks for table hashes too.
   */
  public void startCheckpoints(dev.ordo.proxy.config.CheckpointSettings settings) {
    if (!settings.enabled()) {
      return;
    }
    long tick = Math.max(20, Math.min(settings.interval().toMillis(), 200));
    checkpointTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("ordo-checkpoints-" + nodeId).unstarted(r));
    checkpointTimer.scheduleWithFixedDelay(() -> checkpointTick(settings), tick, tick, TimeUnit.MILLISECONDS);
  }

  /** Stops appending checkpoints. */
  public void stopCheckpoints() {
    if (checkpointTimer != null) {
      checkpointTimer.shutdownNow();
    }
  }

  private void checkpointTick(dev.ordo.proxy.config.CheckpointSettings settings) {
    try {
      if (!nodeId.equals(sequencer.leaderId())) {
        lastCheckpointIndex = -1;
        return;
      }
      long committed = sequencer.committedIndex();
      long now = System.nanoTime();
      long work = workSeen.get();
      boolean moved = work != workAtLastCheckpoint;
      boolean due = now - lastCheckpointNanos >= settings.interval().toNanos()
          || committed - lastCheckpointIndex >= settings.entries();
      if (!moved || !due) {
        return;
      }
      boolean tables = !settings.tableHashInterval().isZero()
          && now - lastTableHashNanos >= settings.tableHashInterval().toNanos();
      TxnEntry cp = TxnEntry.checkpoint(nodeId, incarnation, requestIds.incrementAndGet(), micros(1), tables);
      LogPosition pos = sequencer.append(cp.encode()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      lastCheckpointIndex = pos.index();
      lastCheckpointNanos = now;
      workAtLastCheckpoint = work;
      if (tables) {
        lastTableHashNanos = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("{}: checkpoint not appended: {}", nodeId, e.toString());
    }
  }

  // ---- owners: open transactions of nodes that went silent are aborted by a logged decision ----

  /** How long a node with open transactions may append nothing before the leader aborts them. */
  public static final Duration OWNER_TIMEOUT = Duration.ofSeconds(10);
  /** How often a node with open transactions appends a heartbeat. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(2);

  private static final class Owner {
    volatile long lastSeenNanos = System.nanoTime();
    final java.util.Set<String> open = ConcurrentHashMap.newKeySet();
  }

  private final ConcurrentHashMap<String, Owner> owners = new ConcurrentHashMap<>();
  /** Interactive transactions this node's sessions have open: while there are any, it sends heartbeats. */
  private final java.util.Set<String> localOpen = ConcurrentHashMap.newKeySet();

  /** A session began an interactive transaction. */
  public void opened(String txn) {
    localOpen.add(txn);
  }

  /** A session's interactive transaction ended (or was given up). */
  public void closed(String txn) {
    lastEntries.remove(txn);
    localOpen.remove(txn);
    earlyAnswers.forget(txn);
  }
  private java.util.concurrent.ScheduledExecutorService ownerTimer;

  /** What the log says about each node's open transactions (every local replica reports; updates are idempotent). */
  private void track(TxnEntry e) {
    switch (e.kind()) {
      case ONE_SHOT, STMT, COMMIT, ROLLBACK, ABORT_OWNER -> workSeen.incrementAndGet();
      default -> { }
    }
    if (e.kind() == TxnEntry.Kind.CHECKPOINT || e.kind() == TxnEntry.Kind.DIGEST) {
      return;
    }
    Owner o = owners.computeIfAbsent(e.origin(), k -> new Owner());
    boolean silentOwnerAbort = e.kind() == TxnEntry.Kind.ABORT_OWNER && e.incarnation() == Long.MAX_VALUE;
    if (!silentOwnerAbort) {
      o.lastSeenNanos = System.nanoTime();
    }
    switch (e.kind()) {
      case STMT -> o.open.add(e.txn());
      case COMMIT, ROLLBACK -> o.open.remove(e.txn());
      case ABORT_OWNER -> o.open.removeIf(t -> silentOwnerAbort || incarnationOf(t) < e.incarnation());
      default -> { }
    }
  }

  private static long incarnationOf(String txnId) {
    String[] parts = txnId.split(":");
    try {
      return parts.length >= 3 ? Long.parseLong(parts[parts.length - 2]) : Long.MAX_VALUE;
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * Starts the owner watch: this node appends a heartbeat while it has open
   * transactions, and, while it leads the log, appends {@code ABORT_OWNER} for
   * any other node that has open transactions and has appended nothing for
   * {@link #OWNER_TIMEOUT}: a crashed node's locks are released in bounded time.
   */
  public void startOwnerWatch() {
    ownerTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("ordo-owner-watch-" + nodeId).unstarted(r));
    ownerTimer.scheduleWithFixedDelay(this::watchOwners, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops the owner watch. */
  public void stopOwnerWatch() {
    if (ownerTimer != null) {
      ownerTimer.shutdownNow();
    }
  }

  private void watchOwners() {
    try {
      if (!localOpen.isEmpty()) {
        appendOnly(TxnEntry.Kind.HEARTBEAT, "");
      }
      if (!nodeId.equals(sequencer.leaderId())) {
        return;
      }
      long now = System.nanoTime();
      if (!viewIsCurrent(now)) {
        return;
      }
      owners.forEach((origin, o) -> {
        if (!origin.equals(nodeId) && !o.open.isEmpty() && now - o.lastSeenNanos > OWNER_TIMEOUT.toNanos()) {
          log.warn("{}: node {} has {} open transactions and has appended nothing for {} s; aborting them",
              nodeId, origin, o.open.size(), OWNER_TIMEOUT.toSeconds());
          o.lastSeenNanos = now; // one decision per timeout
          TxnEntry abort = new TxnEntry(TxnEntry.Kind.ABORT_OWNER, origin, Long.MAX_VALUE,
              requestIds.incrementAndGet(), "", false, micros(1), false, KeyRequest.NONE, List.of());
          sequencer.append(abort.encode());
        }
      });
    } catch (RuntimeException e) {
      log.warn("{}: owner watch failed: {}", nodeId, e.toString());
    }
  }

  /** The leadership generation the owner watch last saw. */
  private long watchedGeneration = Long.MIN_VALUE;
  /** The committed index at the owner watch's previous run. */
  private long watchedCommitted = Long.MAX_VALUE;

  /**
   * Whether this leader's view of other nodes' silence is one to act on. Silence is what this node's replicas
   * applied; it says nothing while the log had no leader, or while those replicas lag. So when the leadership
   * generation changes (this node just became leader, or was re-elected), every node is given a fresh
   * {@link #OWNER_TIMEOUT} from now; and no decision is made unless some local replica has applied everything
   * that was committed at the watch's previous run (entries a node appended then have been seen).
   */
  private boolean viewIsCurrent(long now) {
    long generation = sequencer.generation();
    long committedBefore = watchedCommitted;
    watchedCommitted = sequencer.committedIndex();
    if (generation != watchedGeneration) {
      watchedGeneration = generation;
      owners.values().forEach(o -> o.lastSeenNanos = now);
      return false;
    }
    long applied = replicas.stream().filter(Replica::isHealthy).mapToLong(Replica::appliedIndex).max().orElse(-1);
    return applied >= committedBefore;
  }

  /** Serves from {@code r} too, once it is healthy (a replica added to the running node). */
  public void addReplica(Replica r) {
    replicas.add(r);
  }

  private volatile NodeAdmin admin;

  /** The node's operator commands (set once by the node). */
  public void setAdmin(NodeAdmin admin) {
    this.admin = admin;
  }

  public NodeAdmin admin() {
    return admin;
  }

  /** Whether some replica can serve. */
  public boolean canServe() {
    return replicas.stream().anyMatch(Replica::isHealthy);
  }

  /** One phrase per replica: name, state, applied index, last problem. */
  /** Whether this node's peer leads the log now (a driver told so prefers this node: its appends skip a hop). */
  public boolean leadsLog() {
    String leader = sequencer.leaderId();
    return leader != null && leader.equals(sequencer.peerId());
  }

  public String describeReplicas() {
    return replicas.stream()
        .map(r -> r.name() + " " + r.state() + " at " + r.appliedIndex()
            + (r.lastProblem() == null ? "" : " (" + r.lastProblem() + ")"))
        .collect(Collectors.joining(", "));
  }
}
