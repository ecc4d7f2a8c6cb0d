package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogChunk;
import dev.ordo.sequencer.LogEntry;
import dev.ordo.sequencer.LogPosition;
import dev.ordo.sequencer.OrderedChunk;
import dev.ordo.sequencer.Sequencer;
import dev.ordo.sequencer.SequencerException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica database and its applier: a thread that reads committed entries
 * from the log and executes them on the replica in log order, one backend
 * transaction per entry with its bookkeeping row (see {@link Bookkeeping}).
 *
 * <p>A replica that fails for reasons of its own (connection lost, database
 * closed) is not healthy: it serves no reads and answers no client, and its
 * applier retries the same entry until it succeeds, so it catches up from the
 * log by itself. A restarted replica resumes after its last recorded entry.
 */
public final class Replica implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Replica.class);
  private static final int CHUNK = 256;

  /** Where a replica stands. */
  public enum State { STARTING, HEALTHY, FAILING, STOPPED, FENCED }

  private final ReplicaConfig config;
  private final Sequencer sequencer;
  private final ResultSink sink;
  private final int poolSize;
  private final String timeZone;
  private final java.time.ZoneId zone;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();

  private volatile HikariDataSource pool;
  private volatile Thread applier;
  private volatile State state = State.STOPPED;
  private volatile long appliedIndex;
  private volatile LogPosition lastApplied = LogPosition.ZERO;
  private final Analyzer analyzer;
  /** Applier thread only: where this replica resumed, and the scheduler of its entries. */
  private Bookkeeping.Resume resume = Bookkeeping.Resume.EMPTY;
  private volatile Scheduler scheduler;
  /** Executes ordered entries before they are durable (see the constructor). */
  private final boolean early;
  /** Which entries executed before they were durable became durable: one per scheduler. */
  private volatile Confirmations confirmations;
  /** Applier thread only: the entries recently seen, so that a copy of one is not executed twice. */
  private Dedupe dedupe = new Dedupe();
  /** The Raft index the applier reads next; every entry below it is applied. Applier thread only. */
  private long nextRead = 1;
  private volatile String lastProblem;
  /** Where this replica's checkpoint reports go. */
  private volatile DigestSink digestSink = DigestSink.NONE;
  /** Why this replica was fenced by a digest comparison, or null. */
  private volatile String fencedWhy;
  /** Engine, version and the settings that change results, as this replica reported them. */
  private volatile String fingerprint = "";
  private volatile LogPosition lastCheckpoint;
  private volatile String lastDigest;
  /** An operator copies from this replica: the applier stops between entries, its work drained. */
  private volatile boolean pauseRequested;
  private volatile boolean paused;
  /** Where this replica's stage times go. */
  private final Stages stages;

  public Replica(ReplicaConfig config, Sequencer sequencer, ResultSink sink, int poolSize, String timeZone,
      Analyzer analyzer, Stages stages) {
    this(config, sequencer, sink, poolSize, timeZone, analyzer, stages, false);
  }

  /**
   * A replica; with {@code early}, it executes entries once the log has ordered them (on the node that leads
   * the log, see {@link Sequencer#readOrdered}), and commits, releases locks and answers anything but a
   * statement of an interactive transaction only once they are durable.
   */
  public Replica(ReplicaConfig config, Sequencer sequencer, ResultSink sink, int poolSize, String timeZone,
      Analyzer analyzer, Stages stages, boolean early) {
    this.early = early;
    this.config = config;
    this.stages = stages;
    this.analyzer = analyzer;
    this.sequencer = sequencer;
    this.sink = sink;
    this.poolSize = poolSize;
    this.timeZone = timeZone;
    try {
      this.zone = java.time.ZoneId.of(timeZone);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("timeZone '" + timeZone + "' is not a time zone Java knows (use a region"
          + " such as UTC or Europe/Paris, or an offset such as +02:00): " + e.getMessage(), e);
    }
  }

  /** The time zone this replica's sessions are pinned to. */
  public java.time.ZoneId timeZone() {
    return zone;
  }

  public String name() {
    return config.name();
  }

  public ReplicaConfig config() {
    return config;
  }

  /** The engine of this replica. */
  /** This replica's catalog as of the last entry it applied (tables, columns, defaults, keys), or null. */
  public dev.ordo.proxy.sql.TableSchema.Lookup schema() {
    Scheduler s = scheduler;
    return s == null ? null : s.schema();
  }

  public dev.ordo.proxy.config.Backend backend() {
    return config.backend();
  }

  public State state() {
    return state;
  }

  /**
   * A read of interactive transaction {@code txn} covered by the locks it holds, run on this replica alone (see
   * {@link Scheduler#coveredRead}), or null when this replica cannot serve it (not healthy, not yet at the
   * transaction's last entry {@code last}, or the read does not qualify).
   */
  public java.util.concurrent.CompletableFuture<dev.ordo.proxy.txn.Outcome.Done> coveredRead(String txn,
      dev.ordo.proxy.txn.TxnEntry.Statement statement, LogPosition last) {
    Scheduler s = scheduler;
    return s == null || !isHealthy() ? null : s.coveredRead(txn, statement, last);
  }

  /** Whether this replica may serve reads and answer clients. */
  public boolean isHealthy() {
    return state == State.HEALTHY;
  }

  /** The highest Raft index whose entries this replica has all committed. */
  public long appliedIndex() {
    return appliedIndex;
  }

  /** The position of the last entry this replica applied. */
  public LogPosition lastApplied() {
    return lastApplied;
  }

  /** Sends this replica's checkpoint reports to {@code sink}. */
  public void setDigestSink(DigestSink sink) {
    this.digestSink = sink;
  }

  /** This replica's environment fingerprint (empty until it first connected). */
  public String fingerprint() {
    return fingerprint;
  }

  /** The last checkpoint this replica reported, or null. */
  public LogPosition lastCheckpoint() {
    return lastCheckpoint;
  }

  /** The running digest it reported there (hex), or null. */
  public String lastDigest() {
    return lastDigest;
  }

  /**
   * Fences this replica: it serves no reads and answers no client from now on,
   * and its applier stops before the next entry. It stays fenced until an
   * operator resynchronises it.
   */
  public void fence(String why) {
    if (fencedWhy != null) {
      return;
    }
    fencedWhy = why;
    lastProblem = why;
    state = State.FENCED;
    log.error("{}: fenced: {}. It serves nothing until an operator resynchronises it (ORDO RESYNC REPLICA {}).",
        config.name(), why, config.name());
    signal();
  }

  /** Why it was fenced, or null. */
  public String fencedWhy() {
    return fencedWhy;
  }

  /**
   * Stops applying between two entries once every piece of work in flight has
   * finished, so that the replica's committed data stays still (no commit is in
   * progress: as after a crash); returns false if it did not within {@code timeout}.
   */
  public boolean pause(Duration timeout) throws InterruptedException {
    pauseRequested = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!paused) {
      if (System.nanoTime() > deadline || applier == null) {
        pauseRequested = false;
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Applies again after {@link #pause}. */
  public void unpause() {
    pauseRequested = false;
  }

  /** The last problem the replica met, or null. */
  public String lastProblem() {
    return lastProblem;
  }

  /** Opens the pool and starts applying. Returns at once; the applier connects and catches up by itself. */
  public void start() {
    lock.lock();
    try {
      if (applier != null) {
        return;
      }
      fencedWhy = null;
      state = State.STARTING;
      pool = newPool();
      Thread t = Thread.ofPlatform().name("ordo-applier-" + config.name()).daemon(true).unstarted(this::run);
      applier = t;
      t.start();
    } finally {
      lock.unlock();
    }
  }

  /** Stops applying and closes the replica's connections. The data stays; {@link #start} resumes. */
  public void stop() {
    Thread t;
    lock.lock();
    try {
      t = applier;
      applier = null;
      state = State.STOPPED;
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
    if (t != null) {
      // No interrupt: an interrupted thread closes H2's file channel under every connection of that database.
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    HikariDataSource p = pool;
    pool = null;
    if (p != null) {
      p.close();
    }
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Waits until this replica has applied every entry up to {@code index}.
   *
   * @return true if it has, false on timeout or if the replica stopped being healthy
   */
  public boolean awaitApplied(long index, Duration timeout) throws InterruptedException {
    if (appliedIndex >= index) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (appliedIndex < index) {
        if (state == State.STOPPED || state == State.FENCED) {
          return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        advanced.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until this replica has applied every entry up to {@code index} and finished every transaction end
   * decided there: the bookkeeping rows of rollbacks and aborts, which {@link #awaitApplied} does not wait for
   * (they change no data a read could see), are written too.
   *
   * @return true if it has, false on timeout or if the replica stopped being healthy
   */
  public boolean awaitSettled(long index, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!awaitApplied(index, timeout)) {
      return false;
    }
    Scheduler s = scheduler;
    return s != null && s.awaitEndsThrough(index, Math.max(0, deadline - System.nanoTime()));
  }

  /** A connection for reads (autocommit, READ COMMITTED). The caller closes it. */
  public Connection readConnection() throws SQLException {
    HikariDataSource p = pool;
    if (p == null) {
      throw new SQLException("replica " + config.name() + " is stopped", SqlState.CANNOT_CONNECT_NOW.code());
    }
    return p.getConnection();
  }

  /** The H2 account that runs client SQL when the configured one is an administrator: see {@link #clientAccount}. */
  static final String H2_CLIENT_USER = "ORDO_CLIENT";

  /**
   * The account the pool connects as. On H2, when the configured account is an administrator (the embedded
   * replicas' {@code sa}), a least-privilege account {@value #H2_CLIENT_USER} with a new random password each
   * start: it may create, change and use every schema's objects ({@code ALTER ANY SCHEMA}) but H2 refuses it
   * files, scripts, links, Java aliases and triggers and database settings — the second wall behind
   * {@code Confinement}. Ordo's own copies of a replica use the configured account.
   */
  private String[] clientAccount() {
    if (config.backend() != Backend.H2) {
      return new String[] {config.user(), config.password()};
    }
    try (Connection admin = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        java.sql.Statement s = admin.createStatement()) {
      boolean isAdmin;
      try (java.sql.ResultSet rs = s.executeQuery(
          "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = CURRENT_USER")) {
        isAdmin = rs.next() && rs.getBoolean(1);
      }
      if (!isAdmin) {
        return new String[] {config.user(), config.password()};
      }
      byte[] random = new byte[24];
      new java.security.SecureRandom().nextBytes(random);
      String password = java.util.HexFormat.of().formatHex(random);
      s.execute("CREATE USER IF NOT EXISTS " + H2_CLIENT_USER + " PASSWORD '" + password + "'");
      s.execute("ALTER USER " + H2_CLIENT_USER + " SET PASSWORD '" + password + "'");
      s.execute("ALTER USER " + H2_CLIENT_USER + " ADMIN FALSE");
      s.execute("GRANT ALTER ANY SCHEMA TO " + H2_CLIENT_USER);
      return new String[] {H2_CLIENT_USER, password};
    } catch (SQLException e) {
      log.warn("{}: cannot set up the least-privilege account {} ({}); client SQL runs as {}", config.name(),
          H2_CLIENT_USER, e.getMessage(), config.user());
      return new String[] {config.user(), config.password()};
    }
  }

  private HikariDataSource newPool() {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("ordo-" + config.name());
    hc.setJdbcUrl(config.jdbcUrl());
    String[] account = clientAccount();
    hc.setUsername(account[0]);
    hc.setPassword(account[1]);
    hc.setMaximumPoolSize(poolSize);
    hc.setMinimumIdle(1);
    hc.setAutoCommit(true);
    hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    String zone = "SET TIME ZONE '" + timeZone.replace("'", "''") + "'";
    // PostgreSQL: the log is the durable record, and a replica's crash recovery yields a prefix of its
    // commits with their bookkeeping rows, so replicas need not flush each commit (docs/configuration.md).
    hc.setConnectionInitSql(config.backend() == Backend.POSTGRESQL ? zone + "; SET synchronous_commit = off" : zone);
    hc.setInitializationFailTimeout(-1);
    hc.setConnectionTimeout(5_000);
    return new HikariDataSource(hc);
  }

  private void run() {
    Connection conn = null;
    long backoffMs = 50;
    try {
      while (applier == Thread.currentThread()) {
        try {
          if (conn == null) {
            conn = connect();
            backoffMs = 50;
          }
          applyAvailable();
        } catch (ReplicaFault | SQLException e) {
          lastProblem = e.getMessage();
          if (state != State.FENCED) {
            state = State.FAILING;
          }
          log.warn("{}: {}; retrying in {} ms", config.name(), e.getMessage(), backoffMs);
          if (confirmations != null) {
            confirmations.close();
          }
          if (scheduler != null) {
            scheduler.abandon();
            scheduler = null;
          }
          closeQuietly(conn);
          conn = null;
          if (e instanceof ReplicaFault rf && rf.orderedLost()) {
            backoffMs = 0; // nothing is wrong with the replica: resume at once
          }
          pause(backoffMs);
          backoffMs = Math.min(backoffMs * 2, 2_000);
        } catch (FencedException e) {
          state = State.FENCED;
          lastProblem = e.getMessage();
          if (fencedWhy == null) {
            log.error("{}: fenced: {}. It serves nothing until an operator repairs it.", config.name(),
                e.getMessage());
          }
          return;
        } catch (RuntimeException | Error e) {
          // A defect, not a replica fault: stop serving from this replica rather than guess.
          state = State.FENCED;
          lastProblem = "applier failed: " + e;
          log.error("{}: fenced after an unexpected failure of its applier. It serves nothing until the node "
              + "restarts.", config.name(), e);
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (confirmations != null) {
        confirmations.close();
      }
      if (scheduler != null) {
        scheduler.abandon();
        scheduler = null;
      }
      closeQuietly(conn);
      lock.lock();
      try {
        advanced.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Sleeps, waking early when the replica is stopped. */
  private void pause(long ms) throws InterruptedException {
    lock.lock();
    try {
      if (applier == Thread.currentThread()) {
        advanced.await(ms, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  private Connection connect() throws SQLException {
    HikariDataSource p = pool;
    if (p == null) {
      throw new SQLException("pool closed");
    }
    Connection c = p.getConnection();
    try {
      Bookkeeping.install(c, config.backend());
      Bookkeeping.Resume r = Bookkeeping.resume(c);
      if (config.backend() == Backend.POSTGRESQL) {
        int n = Bookkeeping.restoreSequences(c);
        if (n > 0) {
          log.debug("{}: {} sequences set to their recorded values", config.name(), n);
        }
      }
      if (r.last().compareTo(lastApplied) != 0 || !r.lowWater().equals(r.last())) {
        log.info("{}: resuming after log position {}, re-reading from {} ({} transactions ended since)",
            config.name(), r.last(), r.lowWater(), r.ended().size());
      }
      resume = r;
      lastApplied = r.last();
      // Re-read the dedupe window before the resume position: those entries are only noted, not executed.
      nextRead = Math.max(r.lowWater().index() - Dedupe.WINDOW, 1);
      dedupe = new Dedupe();
      String fp = Fingerprint.of(c, config.backend());
      if (!fp.equals(fingerprint)) {
        log.info("{}: environment {}", config.name(), fp);
        fingerprint = fp;
      }
      Confirmations conf = new Confirmations(new Confirmations.Log() {
        @Override
        public long committedIndex() {
          return sequencer.committedIndex();
        }

        @Override
        public long committedTerm(long index) {
          return sequencer.committedTerm(index);
        }

        @Override
        public long generation() {
          return sequencer.generation();
        }

        @Override
        public boolean awaitCommitted(long index, Duration timeout) throws InterruptedException {
          return sequencer.awaitCommitted(index, timeout);
        }
      }, 0);
      confirmations = conf;
      scheduler = new Scheduler(config.name(), config.backend(), zone, c, p::getConnection, analyzer, sink,
          appliedIndex, this::setApplied, new DigestSink() {
            @Override
            public void own(dev.ordo.proxy.txn.TxnEntry.DigestReport r) {
              lastCheckpoint = new LogPosition(r.checkpointIndex(), r.checkpointSub());
              lastDigest = Digests.hex(r.digest());
              digestSink.own(r);
            }

            @Override
            public void logged(LogPosition at, dev.ordo.proxy.txn.TxnEntry.DigestReport r) {
              digestSink.logged(at, r);
            }
          }, fp, stages, conf);
      scheduler.replay(r.ended());
      return c;
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Applies every committed entry not applied yet, then waits briefly for more. */
  private void applyAvailable() throws ReplicaFault, InterruptedException, FencedException {
    if (fencedWhy != null) {
      throw new FencedException(fencedWhy);
    }
    if (pauseRequested) {
      scheduler.drain();
      paused = true;
      while (pauseRequested && applier == Thread.currentThread() && fencedWhy == null) {
        Thread.sleep(10);
      }
      paused = false;
      return;
    }
    long next = nextRead;
    Confirmations conf = confirmations;
    OrderedChunk chunk;
    if (early) {
      // Ordered entries (the leader's) are executed at once; waiting also wakes when pending ones commit.
      long confirmed = conf.confirm();
      scheduler.processed(Math.min(next - 1, confirmed));
      long pendingFirst = conf.firstPending();
      if (!sequencer.awaitOrdered(next, pendingFirst == 0 ? Long.MAX_VALUE : pendingFirst, Duration.ofMillis(200))) {
        scheduler.checkFault();
        markHealthyIfCaughtUp();
        return;
      }
      scheduler.processed(Math.min(next - 1, conf.confirm()));
      try {
        chunk = sequencer.readOrdered(next, CHUNK);
      } catch (SequencerException e) {
        throw new ReplicaFault("cannot read the log at index " + next + ": " + e.getMessage(), e);
      }
      if (chunk.nextIndex() == next) {
        markHealthyIfCaughtUp();
        return;
      }
    } else {
      if (!sequencer.awaitCommitted(next, Duration.ofMillis(200))) {
        scheduler.checkFault();
        markHealthyIfCaughtUp();
        return;
      }
      try {
        chunk = OrderedChunk.committed(sequencer.read(next, CHUNK), 0);
      } catch (SequencerException e) {
        throw new ReplicaFault("cannot read the log at index " + next + ": " + e.getMessage(), e);
      }
    }
    // Note every index the chunk covers before any of its entries runs: work waits on these notes.
    long firstOrdered = Math.min(chunk.firstOrdered(), chunk.nextIndex());
    if (firstOrdered > next) {
      conf.committedUpTo(firstOrdered - 1);
    }
    for (long i = Math.max(next, firstOrdered); i < chunk.nextIndex(); i++) {
      conf.ordered(i, chunk.termOf(i), chunk.generation());
    }
    conf.confirm(); // throws if the log's leadership changed while entries were pending
    List<LogEntry> entries = chunk.entries();
    for (int i = 0; i < entries.size(); i++) {
      LogEntry e = entries.get(i);
      TxnEntry txn;
      try {
        txn = TxnEntry.decode(e.payload());
      } catch (ProtocolException pe) {
        throw new FencedException("log entry " + e.position() + " cannot be decoded: " + pe.getMessage());
      }
      if (e.timeMicros() > 0) {
        // The log's own time, the same on every replica and rising strictly in log order, replaces the time the
        // origin node's clock gave the entry: transactions see times in the order the log serialises them.
        txn = txn.withTimestamp(e.timeMicros());
      }
      // Every entry is noted, those a restart skips too, so every replica recognises the same copies.
      boolean first = dedupe.first(txn, e.position().index());
      if (e.position().compareTo(resume.lowWater()) < 0) {
        continue; // Below the low-water position: everything there ended before the restart.
      }
      if (!first) {
        log.warn("{}: log entry {} repeats entry {} of {} ({} {}); its first copy took effect, this one does not",
            config.name(), e.position(), txn.requestId(), txn.origin(), txn.kind(), txn.txnId());
      } else {
        apply(txn, e.position(), chunk);
      }
      if (e.position().isAfter(lastApplied)) {
        lastApplied = e.position();
      }
      boolean lastOfIndex = i + 1 == entries.size() || entries.get(i + 1).position().index() != e.position().index();
      if (lastOfIndex) {
        // Readers count only work that is durable: never beyond the confirmed index.
        scheduler.processed(Math.min(e.position().index(), conf.confirmedIndex()));
      }
    }
    nextRead = chunk.nextIndex();
    scheduler.processed(Math.min(chunk.nextIndex() - 1, conf.confirmedIndex()));
    markHealthyIfCaughtUp();
  }

  private void apply(TxnEntry txn, LogPosition pos, OrderedChunk chunk) throws ReplicaFault {
    // A transaction that ended before the restart is replayed through the lock manager only (see
    // Scheduler#replay): its effects and its row are in the replica already.
    boolean ordered = chunk.ordered(pos.index());
    scheduler.process(txn, pos, ordered ? chunk.termOf(pos.index()) : 0, ordered);
  }

  private void markHealthyIfCaughtUp() {
    if ((state == State.FAILING || state == State.STARTING) && appliedIndex >= sequencer.committedIndex()) {
      if (state == State.FAILING) {
        log.info("{}: healthy again at index {}", config.name(), appliedIndex);
      }
      state = State.HEALTHY;
      lastProblem = null;
      signal();
    }
  }

  private void setApplied(long index) {
    if (index > appliedIndex) {
      appliedIndex = index;
      signal();
    }
  }

  private void signal() {
    lock.lock();
    try {
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // Broken already.
      }
    }
  }

  /** The replica cannot go on without an operator. */
  private static final class FencedException extends Exception {
    private static final long serialVersionUID = 1L;

    FencedException(String message) {
      super(message);
    }
  }
}
