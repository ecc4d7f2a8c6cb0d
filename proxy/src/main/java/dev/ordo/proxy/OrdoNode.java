package dev.ordo.proxy;

import dev.ordo.driver.SqlState;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.proxy.replica.CheckpointReports;
import dev.ordo.proxy.replica.DivergenceMonitor;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.proxy.server.ProxyServer;
import dev.ordo.proxy.server.ServerSettings;
import dev.ordo.proxy.server.Users;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Coordinator;
import dev.ordo.proxy.txn.Stages;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.PrivateDirectories;
import dev.ordo.sequencer.RatisSequencer;
import dev.ordo.sequencer.Sequencer;
import dev.ordo.sequencer.SequencerException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Types;
import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.ResultData;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.replica.PgReplicaCopy;
import dev.ordo.proxy.replica.ResultSink;
import dev.ordo.proxy.txn.NodeAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Ordo node: its log peer, its replicas and their appliers, and the proxy
 * server clients connect to. Several nodes may run in one JVM (tests).
 */
public final class OrdoNode implements AutoCloseable, NodeAdmin {
  private static final Logger log = LoggerFactory.getLogger(OrdoNode.class);
  /** The version this node reports to drivers. */
  public static final String VERSION = "0.1.0";

  private final NodeConfig config;
  private final Sequencer sequencer;
  private final List<Replica> replicas;
  private final Coordinator coordinator;
  private final ProxyServer server;
  private final Analyzer analyzer;
  private final DivergenceMonitor monitor;

  private OrdoNode(NodeConfig config, Sequencer sequencer, List<Replica> replicas, Coordinator coordinator,
      ProxyServer server, Analyzer analyzer, DivergenceMonitor monitor) {
    this.monitor = monitor;
    this.config = config;
    this.sequencer = sequencer;
    this.replicas = replicas;
    this.coordinator = coordinator;
    this.server = server;
    this.analyzer = analyzer;
  }

  /** Starts a node; returns once it listens (replicas catch up in the background, see {@link #awaitReady}). */
  public static OrdoNode start(NodeConfig config) throws IOException, InterruptedException {
    log.info("{}: starting Ordo {} with configuration:\n{}", config.nodeId(), VERSION, config.describe());
    PrivateDirectories.create(config.dataDir());
    Sequencer sequencer;
    try {
      sequencer = RatisSequencer.start(config.log());
    } catch (SequencerException e) {
      throw new IOException(config.nodeId() + ": cannot start the log peer: " + e.getMessage(), e);
    }
    long incarnation = System.currentTimeMillis();
    List<Replica> replicas = new CopyOnWriteArrayList<>();
    Coordinator[] holder = new Coordinator[1];
    Analyzer analyzer = new Analyzer();
    Stages stages = new Stages();
    for (ReplicaConfig rc : config.replicas()) {
      replicas.add(new Replica(rc, sequencer, (r, e, o, at) -> holder[0].applied(r, e, o, at),
          config.replicaPoolSize(), config.timeZone(), analyzer, stages, config.earlyExecution()));
    }
    Coordinator coordinator = new Coordinator(config.nodeId(), incarnation, sequencer, replicas,
        config.writeTimeout(), Clock.systemUTC(), stages, config.earlyExecution());
    holder[0] = coordinator;
    DivergenceMonitor monitor = new DivergenceMonitor(config.nodeId(), replicas,
        report -> coordinator.appendDigest(report), coordinator::refuseWrites);
    ProxyServer server = null;
    try {
      for (Replica r : replicas) {
        r.setDigestSink(monitor);
        r.start();
      }
      ServerSettings settings = new ServerSettings(config.nodeId(), config.database(), users(config), VERSION,
          config.backend().productName());
      server = ProxyServer.start(config.bindHost(), config.port(), settings, analyzer, coordinator,
          config.handshakeTimeout(), config.idleInTransactionTimeout(), config.security());
      abortEarlierIncarnations(config.nodeId(), coordinator);
      coordinator.startOwnerWatch();
      coordinator.startCheckpoints(config.checkpoints());
      OrdoNode node = new OrdoNode(config, sequencer, replicas, coordinator, server, analyzer, monitor);
      coordinator.setAdmin(node);
      return node;
    } catch (InterruptedException | RuntimeException e) {
      if (server != null) {
        server.close();
      }
      replicas.forEach(Replica::stop);
      sequencer.close();
      throw e;
    }
  }

  /**
   * Transactions this node left open when it stopped (or crashed) hold locks on
   * every replica of the cluster: the first thing a node does is append the
   * decision to roll them back. Retried in the background until the log takes it.
   */
  private static void abortEarlierIncarnations(String nodeId, Coordinator coordinator) {
    Thread.ofVirtual().name("ordo-abort-owner").start(() -> {
      for (int attempt = 0; attempt < 1000; attempt++) {
        try {
          coordinator.appendOnly(TxnEntry.Kind.ABORT_OWNER, "").get();
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          log.warn("{}: cannot yet log the abort of earlier incarnations' transactions ({}); retrying", nodeId,
              e.getCause().getMessage());
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    });
  }

  /** Waits until some replica is healthy and caught up. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (coordinator.canServe() && sequencer.leaderId() != null) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** The URL applications use to reach this node. */
  public String jdbcUrl() {
    String host = config.bindHost().equals("0.0.0.0") ? "127.0.0.1" : config.bindHost();
    return "jdbc:ordo://" + host + ":" + port() + "/" + config.database();
  }

  public int port() {
    return server.port();
  }

  public NodeConfig config() {
    return config;
  }

  /** Where this node's time goes, stage by stage (benchmarks print it). */
  public Stages stages() {
    return coordinator.stages();
  }

  public Sequencer sequencer() {
    return sequencer;
  }

  public List<Replica> replicas() {
    return List.copyOf(replicas);
  }

  /**
   * The repeated checkpoint reports this node read in the log since it
   * started (of any replica of any node): a replica reports a checkpoint again
   * when it re-reads it after a restart, from what it recorded then. Counts the
   * repeats and describes those that contradicted the replica's first report
   * (each also logged as a warning). For tests and status.
   */
  public CheckpointReports checkpointReports() {
    return monitor.reports();
  }

  /** One line on the node's state, for operators. */
  public String status() {
    return config.nodeId() + ": log leader " + sequencer.leaderId() + ", committed " + sequencer.committedIndex()
        + "; replicas " + coordinator.describeReplicas();
  }

  @Override
  public ResultData replicaStatus() {
    List<ColumnInfo> cols = List.of(text("REPLICA"), text("ENGINE"), text("STATE"),
        ColumnInfo.simple("APPLIED_INDEX", Types.BIGINT, "BIGINT", "java.lang.Long"), text("LAST_APPLIED"),
        text("LAST_CHECKPOINT"), text("LAST_DIGEST"), text("PROBLEM"));
    List<Object[]> rows = new ArrayList<>();
    String refused = coordinator.writesRefused();
    for (Replica r : replicas) {
      String problem = r.lastProblem();
      if (refused != null && r.isHealthy()) {
        problem = "writes refused: " + refused;
      }
      rows.add(new Object[] {r.name(), r.backend().productName(), r.state().name(), r.appliedIndex(),
          r.lastApplied().toString(), r.lastCheckpoint() == null ? null : r.lastCheckpoint().toString(),
          r.lastDigest(), problem});
    }
    return new ResultData(cols, rows);
  }

  private static ColumnInfo text(String name) {
    return ColumnInfo.simple(name, Types.VARCHAR, "VARCHAR", "java.lang.String");
  }

  @Override
  public synchronized ResultData addReplica(String name, String jdbcUrl, String user, String password, String from)
      throws SQLException {
    if (replicas.stream().anyMatch(r -> r.name().equals(name))) {
      throw new SQLException("node " + config.nodeId() + " already has a replica named " + name
          + "; choose another name", SqlState.DUPLICATE_OBJECT.code());
    }
    ReplicaConfig rc;
    try {
      rc = new ReplicaConfig(name, jdbcUrl, user, password);
    } catch (IllegalArgumentException e) {
      throw new SQLException(e.getMessage(), SqlState.INVALID_PARAMETER_VALUE.code(), e);
    }
    String host = urlHost(jdbcUrl);
    java.util.Set<String> allowed = allowedReplicaHosts();
    if (rc.backend() == Backend.POSTGRESQL
        && (host == null || !allowed.contains(host.toLowerCase(java.util.Locale.ROOT)))) {
      throw new SQLException("node " + config.nodeId() + " copies replicas only to the hosts it is allowed to ("
          + String.join(", ", allowed) + "), not to " + host + "; an operator allows more with --replica-hosts",
          SqlState.INSUFFICIENT_PRIVILEGE.code());
    }
    if (rc.backend() != Backend.POSTGRESQL || config.backend() != Backend.POSTGRESQL) {
      throw new SQLException("adding a replica to a running node copies a PostgreSQL replica into an empty "
          + "PostgreSQL database; this node's replicas are " + config.backend().productName() + " and the new one is "
          + rc.backend().productName() + ". Add H2 replicas by copying a stopped replica's files "
          + "(docs/configuration.md)", SqlState.FEATURE_NOT_SUPPORTED.code());
    }
    Replica source = replicas.stream()
        .filter(r -> from == null ? r.isHealthy() : r.name().equals(from))
        .findFirst()
        .orElseThrow(() -> new SQLException(from == null
            ? "no replica of node " + config.nodeId() + " is healthy to copy from: " + coordinator.describeReplicas()
            : "node " + config.nodeId() + " has no replica named " + from, SqlState.OBJECT_NOT_IN_STATE.code()));
    if (!source.isHealthy()) {
      throw new SQLException("replica " + source.name() + " is " + source.state() + ", not healthy; copy from a "
          + "healthy one: " + coordinator.describeReplicas(), SqlState.OBJECT_NOT_IN_STATE.code());
    }
    log.info("{}: adding replica {} ({}), copied from {}", config.nodeId(), name, jdbcUrl, source.name());
    PgReplicaCopy.Result copied;
    ReplicaConfig src = source.config();
    try (Connection s = DriverManager.getConnection(src.jdbcUrl(), src.user(), src.password());
        Connection t = DriverManager.getConnection(rc.jdbcUrl(), rc.user(), rc.password())) {
      copied = PgReplicaCopy.copy(s, t);
    }
    ResultSink sink = coordinator::applied;
    Replica r = new Replica(rc, sequencer, sink, config.replicaPoolSize(), config.timeZone(), analyzer,
        coordinator.stages(), config.earlyExecution());
    r.setDigestSink(monitor);
    r.start();
    replicas.add(r);
    coordinator.addReplica(r);
    log.info("{}: replica {} copied from {} as of log position {} ({} tables, {} rows); it now follows the log. "
        + "Add it to the node's configuration so that it is there after a restart.", config.nodeId(), name,
        source.name(), copied.position(), copied.tables(), copied.rows());
    List<ColumnInfo> cols = List.of(text("REPLICA"), text("COPIED_FROM"), text("AS_OF_LOG_POSITION"),
        ColumnInfo.simple("TABLES", Types.INTEGER, "INTEGER", "java.lang.Integer"),
        ColumnInfo.simple("ROWS", Types.BIGINT, "BIGINT", "java.lang.Long"));
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {name, source.name(), copied.position().toString(), copied.tables(), copied.rows()});
    return new ResultData(cols, rows);
  }

  @Override
  public synchronized ResultData resyncReplica(String name, String from) throws SQLException {
    Replica target = replicas.stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new SQLException("node " + config.nodeId() + " has no replica named " + name
            + " (ORDO STATUS lists them)", SqlState.UNDEFINED_OBJECT.code()));
    if (target.isHealthy() && coordinator.writesRefused() == null) {
      throw new SQLException("replica " + name + " is healthy; only a fenced or failing replica is "
          + "resynchronised, or any replica while writes are refused because replicas disagree without a majority "
          + "(ORDO STATUS shows each replica's state)", SqlState.OBJECT_NOT_IN_STATE.code());
    }
    Replica source = replicas.stream()
        .filter(r -> r != target && (from == null ? r.isHealthy() : r.name().equals(from)))
        .findFirst()
        .orElseThrow(() -> new SQLException(from == null
            ? "no other replica of node " + config.nodeId() + " is healthy to copy from: "
                + coordinator.describeReplicas()
            : "node " + config.nodeId() + " has no other replica named " + from, SqlState.OBJECT_NOT_IN_STATE.code()));
    if (!source.isHealthy()) {
      throw new SQLException("replica " + source.name() + " is " + source.state() + ", not healthy; copy from a "
          + "healthy one: " + coordinator.describeReplicas(), SqlState.OBJECT_NOT_IN_STATE.code());
    }
    log.info("{}: resynchronising replica {} from {}", config.nodeId(), name, source.name());
    target.stop();
    ReplicaConfig src = source.config();
    ReplicaConfig dst = target.config();
    String position;
    if (config.backend() == Backend.POSTGRESQL) {
      try (Connection s = DriverManager.getConnection(src.jdbcUrl(), src.user(), src.password());
          Connection t = DriverManager.getConnection(dst.jdbcUrl(), dst.user(), dst.password())) {
        PgReplicaCopy.wipe(t);
        position = PgReplicaCopy.copy(s, t).position().toString();
      }
    } else {
      position = copyH2(source, dst);
    }
    monitor.forget(name, sequencer.committedIndex());
    coordinator.allowWrites();
    target.start();
    log.info("{}: replica {} resynchronised from {} as of log position {}; it now follows the log",
        config.nodeId(), name, source.name(), position);
    List<ColumnInfo> cols = List.of(text("REPLICA"), text("COPIED_FROM"), text("AS_OF_LOG_POSITION"));
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {name, source.name(), position});
    return new ResultData(cols, rows);
  }

  /**
   * H2: pauses the source between two entries with nothing in flight (its
   * committed data still, bookkeeping included, as after a crash), scripts it,
   * and replaces the target's contents with the script.
   */
  private static String copyH2(Replica source, ReplicaConfig dst) throws SQLException {
    java.nio.file.Path script = null;
    try {
      if (!source.pause(Duration.ofSeconds(60))) {
        throw new SQLException("replica " + source.name() + " could not pause its applier within 60 s to be "
            + "copied; retry", SqlState.OBJECT_NOT_IN_STATE.code());
      }
      script = Files.createTempFile("ordo-resync-", ".sql");
      String file = script.toAbsolutePath().toString().replace("'", "''");
      ReplicaConfig src = source.config();
      try (Connection s = DriverManager.getConnection(src.jdbcUrl(), src.user(), src.password());
          java.sql.Statement st = s.createStatement()) {
        st.execute("SCRIPT TO '" + file + "'");
      }
      source.unpause();
      try (Connection t = DriverManager.getConnection(dst.jdbcUrl(), dst.user(), dst.password());
          java.sql.Statement st = t.createStatement()) {
        st.execute("DROP ALL OBJECTS");
        st.execute("RUNSCRIPT FROM '" + file + "'");
        try (java.sql.ResultSet rs = st.executeQuery("SELECT LOG_INDEX, SUB_INDEX FROM ORDO.APPLIED "
            + "ORDER BY LOG_INDEX DESC, SUB_INDEX DESC LIMIT 1")) {
          return rs.next() ? rs.getLong(1) + "." + rs.getInt(2) : "0.0";
        }
      }
    } catch (IOException e) {
      throw new SQLException("cannot write the copy of replica " + source.name() + ": " + e.getMessage(),
          SqlState.IO_ERROR.code(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while copying replica " + source.name(), SqlState.QUERY_CANCELED.code(), e);
    } finally {
      source.unpause();
      if (script != null) {
        try {
          Files.deleteIfExists(script);
        } catch (IOException ignored) {
          // A temporary file.
        }
      }
    }
  }

  /** Stops serving, stops the appliers, closes the log. Data stays on disk. */
  @Override
  public void close() {
    log.info("{}: stopping", config.nodeId());
    coordinator.stopCheckpoints();
    coordinator.stopOwnerWatch();
    server.close();
    replicas.forEach(Replica::stop);
    sequencer.close();
    log.info("{}: stopped", config.nodeId());
  }

  /** The users of {@code config}: its users file and its single account (an administrator); null if neither. */
  private static Users users(NodeConfig config) {
    Users users = null;
    if (config.security().usersFile() != null) {
      try {
        users = Users.load(config.security().usersFile());
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("cannot read the users file " + config.security().usersFile() + ": "
            + e, e);
      }
    }
    if (config.user() != null) {
      Users single = Users.single(config.user(), config.password());
      users = users == null ? single : users.and(single);
    }
    return users;
  }

  /**
   * The hosts ORDO ADD REPLICA may copy to: {@code --replica-hosts}, or else loopback and the hosts of the
   * configured replicas. Lower case.
   */
  private java.util.Set<String> allowedReplicaHosts() {
    java.util.Set<String> hosts = new java.util.TreeSet<>();
    if (!config.security().replicaHosts().isEmpty()) {
      config.security().replicaHosts().forEach(h -> hosts.add(h.toLowerCase(java.util.Locale.ROOT)));
      return hosts;
    }
    hosts.addAll(java.util.List.of("127.0.0.1", "localhost", "::1", "[::1]"));
    for (ReplicaConfig r : config.replicas()) {
      String h = urlHost(r.jdbcUrl());
      if (h != null) {
        hosts.add(h.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return hosts;
  }

  /** The host of a {@code jdbc:postgresql://host[:port]/…} URL (the first, if it lists several), or null. */
  static String urlHost(String jdbcUrl) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^jdbc:postgresql://(\\[[^\\]]*\\]|[^:/,?]*)")
        .matcher(jdbcUrl);
    return m.find() && !m.group(1).isEmpty() ? m.group(1) : null;
  }
}
