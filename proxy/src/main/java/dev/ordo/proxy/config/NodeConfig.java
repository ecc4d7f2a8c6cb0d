package dev.ordo.proxy.config;

import dev.ordo.sequencer.SequencerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything one Ordo node needs: where it listens, its log peer, its replicas.
 * Validated on construction; the field name is in every message.
 *
 * @param nodeId this node's id, also its log peer id
 * @param database the database name clients connect to ({@code jdbc:ordo://host:port/<database>})
 * @param bindHost the address the proxy listens on (loopback unless configured)
 * @param port the proxy's client port
 * @param dataDir the directory holding the log and the embedded replicas
 * @param log the log peer's configuration
 * @param replicas the node's replica databases (at least one)
 * @param user user name clients must give, or null for none
 * @param password password clients must give when {@code user} is set
 * @param replicaPoolSize connections per replica pool
 * @param timeZone the time zone pinned on every replica connection
 * @param writeTimeout how long a write waits for its outcome before answering 08007
 * @param handshakeTimeout how long a new connection may take to say hello
 * @param idleInTransactionTimeout how long an interactive transaction may stay idle before it is rolled back
 * @param checkpoints when replicas report digests and hash their tables
 * @param earlyExecution whether, on the node that leads the log, replicas execute entries once the log has
 *     ordered them and statements of interactive transactions are answered then, before their entries are
 *     durable (backend commits, lock releases and every other answer still wait for durability; see
 *     docs/architecture.md)
 */
public record NodeConfig(
    String nodeId,
    String database,
    String bindHost,
    int port,
    Path dataDir,
    SequencerConfig log,
    List<ReplicaConfig> replicas,
    String user,
    String password,
    int replicaPoolSize,
    String timeZone,
    Duration writeTimeout,
    Duration handshakeTimeout,
    Duration idleInTransactionTimeout,
    CheckpointSettings checkpoints,
    boolean earlyExecution,
    ClientSecurity security) {

  /** A configuration without a users file or client TLS. */
  public NodeConfig(String nodeId, String database, String bindHost, int port, Path dataDir, SequencerConfig log,
      List<ReplicaConfig> replicas, String user, String password, int replicaPoolSize, String timeZone,
      Duration writeTimeout, Duration handshakeTimeout, Duration idleInTransactionTimeout,
      CheckpointSettings checkpoints, boolean earlyExecution) {
    this(nodeId, database, bindHost, port, dataDir, log, replicas, user, password, replicaPoolSize, timeZone,
        writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints, earlyExecution, ClientSecurity.NONE);
  }

  /** Early execution is on unless configured off. */
  public static final boolean DEFAULT_EARLY_EXECUTION = false;

  /** A configuration with the default early execution. */
  public NodeConfig(String nodeId, String database, String bindHost, int port, Path dataDir, SequencerConfig log,
      List<ReplicaConfig> replicas, String user, String password, int replicaPoolSize, String timeZone,
      Duration writeTimeout, Duration handshakeTimeout, Duration idleInTransactionTimeout,
      CheckpointSettings checkpoints) {
    this(nodeId, database, bindHost, port, dataDir, log, replicas, user, password, replicaPoolSize, timeZone,
        writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints, DEFAULT_EARLY_EXECUTION);
  }

  /** The default client port. */
  public static final int DEFAULT_PORT = 6736;
  /** The default database name. */
  public static final String DEFAULT_DATABASE = "ordo";

  public NodeConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(writeTimeout, "writeTimeout");
    Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    Objects.requireNonNull(idleInTransactionTimeout, "idleInTransactionTimeout");
    Objects.requireNonNull(checkpoints, "checkpoints");
    Objects.requireNonNull(security, "security");
    if (idleInTransactionTimeout.isNegative() || idleInTransactionTimeout.isZero()) {
      throw new IllegalArgumentException("idleInTransactionTimeout: must be positive, got " + idleInTransactionTimeout);
    }
    replicas = List.copyOf(Objects.requireNonNull(replicas, "replicas"));
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " is not in 0..65535");
    }
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException("replicas: a node needs at least one replica");
    }
    if (replicas.stream().map(ReplicaConfig::backend).distinct().count() != 1) {
      throw new IllegalArgumentException("replicas: all replicas of a node must be H2 or all PostgreSQL, got "
          + replicas);
    }
    if (replicas.stream().map(ReplicaConfig::name).distinct().count() != replicas.size()) {
      throw new IllegalArgumentException("replicas: names must be distinct, got " + replicas);
    }
    if (!nodeId.equals(log.peerId())) {
      throw new IllegalArgumentException("nodeId: '" + nodeId + "' differs from the log peer id '"
          + log.peerId() + "'");
    }
    if (user != null && password == null) {
      throw new IllegalArgumentException("password: required when user is set");
    }
    if (replicaPoolSize < 2) {
      throw new IllegalArgumentException("replicaPoolSize: must be at least 2 (one applier, one reader), got "
          + replicaPoolSize);
    }
    if (!database.matches("[A-Za-z0-9_\\-]+")) {
      throw new IllegalArgumentException("database: '" + database + "' must be letters, digits, '_' or '-'");
    }
  }

  /**
   * The embedded default: one node, a single-peer log under {@code dataDir/log},
   * {@code replicaCount} H2 file replicas under {@code dataDir/replicas}. The log peer listens on {@code bindHost}
   * if that is a loopback address, else on 127.0.0.1: a single peer needs no one to reach it.
   */
  public static NodeConfig embedded(Path dataDir, String bindHost, int port, int raftPort, int replicaCount) {
    Path abs = dataDir.toAbsolutePath().normalize();
    boolean loopback;
    try {
      loopback = java.net.InetAddress.getByName(bindHost).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      loopback = false;
    }
    SequencerConfig log = SequencerConfig.single("n1", loopback ? bindHost : "127.0.0.1", raftPort,
        abs.resolve("log"));
    return new NodeConfig("n1", DEFAULT_DATABASE, bindHost, port, abs, log, h2Replicas(abs, replicaCount),
        null, null, 64, "UTC", Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(60),
        CheckpointSettings.DEFAULT);
  }

  /** This configuration with other replicas. */
  public NodeConfig withReplicas(List<ReplicaConfig> newReplicas) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, newReplicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints,
        earlyExecution, security);
  }

  /** The engine of this node's replicas. */
  public Backend backend() {
    return replicas.get(0).backend();
  }

  /** {@code count} H2 file replicas under {@code dataDir/replicas/r<i>}. */
  public static List<ReplicaConfig> h2Replicas(Path dataDir, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("replicas: need at least 1, got " + count);
    }
    return java.util.stream.IntStream.rangeClosed(1, count)
        .mapToObj(i -> new ReplicaConfig("r" + i,
            "jdbc:h2:file:" + dataDir.resolve("replicas").resolve("r" + i).resolve("ordo")
                + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=60000",
            "sa", ""))
        .toList();
  }

  /** A copy with another log configuration (multi-peer groups). */
  public NodeConfig withLog(SequencerConfig newLog) {
    return new NodeConfig(newLog.peerId(), database, bindHost, port, dataDir, newLog, replicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints,
        earlyExecution, security);
  }

  /** A copy with client credentials required. */
  public NodeConfig withCredentials(String newUser, String newPassword) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, replicas, newUser, newPassword,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints,
        earlyExecution, security);
  }

  /** A copy with another idle-in-transaction timeout. */
  public NodeConfig withIdleInTransactionTimeout(Duration newTimeout) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, replicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, newTimeout, checkpoints, earlyExecution, security);
  }

  /** A copy with another write timeout. */
  public NodeConfig withWriteTimeout(Duration newTimeout) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, replicas, user, password,
        replicaPoolSize, timeZone, newTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints,
        earlyExecution, security);
  }

  /** A copy with other checkpoint settings. */
  public NodeConfig withCheckpoints(CheckpointSettings newCheckpoints) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, replicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, newCheckpoints,
        earlyExecution, security);
  }

  /** A copy with early execution on or off. */
  public NodeConfig withEarlyExecution(boolean on) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, replicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints, on, security);
  }

  /** A copy listening on another port. */
  public NodeConfig withSecurity(ClientSecurity newSecurity) {
    return new NodeConfig(nodeId, database, bindHost, port, dataDir, log, replicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints,
        earlyExecution, newSecurity);
  }

  public NodeConfig withPort(int newPort) {
    return new NodeConfig(nodeId, database, bindHost, newPort, dataDir, log, replicas, user, password,
        replicaPoolSize, timeZone, writeTimeout, handshakeTimeout, idleInTransactionTimeout, checkpoints,
        earlyExecution, security);
  }

  /** The configuration as one line per setting, password hidden, for the start-up log. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append("nodeId=").append(nodeId).append('\n')
        .append("database=").append(database).append('\n')
        .append("bind=").append(bindHost).append(':').append(port).append('\n')
        .append("dataDir=").append(dataDir).append('\n')
        .append("log.peers=").append(log.peers()).append('\n')
        .append("log.storageDir=").append(log.storageDir()).append('\n')
        .append("log.maxBatchPayloads=").append(log.maxBatchPayloads()).append('\n')
        .append("log.maxInFlight=").append(log.maxInFlight()).append('\n')
        .append("log.requestTimeout=").append(log.requestTimeout()).append('\n');
    for (ReplicaConfig r : replicas) {
      b.append("replica.").append(r.name()).append('=').append(r.jdbcUrl()).append('\n');
    }
    b.append("auth=").append(user == null ? "none" : "user " + user).append('\n')
        .append("replicaPoolSize=").append(replicaPoolSize).append('\n')
        .append("timeZone=").append(timeZone).append('\n')
        .append("writeTimeout=").append(writeTimeout).append('\n')
        .append("handshakeTimeout=").append(handshakeTimeout).append('\n')
        .append("idleInTransactionTimeout=").append(idleInTransactionTimeout).append('\n')
        .append("checkpoints=").append(checkpoints.enabled() ? "every " + checkpoints.interval() + " or "
            + checkpoints.entries() + " indexes, tables hashed every " + checkpoints.tableHashInterval() : "off")
        .append('\n').append("earlyExecution=").append(earlyExecution);
    return b.toString();
  }
}
