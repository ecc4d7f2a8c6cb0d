package dev.ordo.sqltests.slt;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.sqltests.workload.InJvmCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ordo in this JVM: one node (single-peer log on disk, real sockets, the real
 * driver) whose replicas are databases of the backend. It runs for the whole
 * suite; between files every view and table is dropped through Ordo, and each
 * replica is then checked directly to hold no user object. Optionally the
 * replicas' table contents are compared with each other after every file. A
 * node that stops serving (a replica not healthy, a failed connection or
 * clean-up) is replaced by a new one on new replicas, and the run goes on.
 */
public final class OrdoSide implements Side {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /**
   * How long a write waits for its outcome. Every statement of the suite takes
   * milliseconds; a write that takes this long has hit a stalled replica, and
   * the shorter wait gets the report sooner.
   */
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);

  private final Backend backend;
  private final Path dir;
  private final int replicaCount;
  private final boolean compareReplicas;
  private int starts;
  private OrdoNode node;
  private Database db;

  private OrdoSide(Backend backend, Path dir, int replicaCount, boolean compareReplicas) {
    this.backend = backend;
    this.dir = dir;
    this.replicaCount = replicaCount;
    this.compareReplicas = compareReplicas;
  }

  /**
   * Starts a node with {@code replicas} replicas of {@code backend}, its log
   * under {@code dir}.
   *
   * @param compareReplicas compare the replicas' table contents after every file
   */
  public static OrdoSide start(Backend backend, Path dir, int replicas, boolean compareReplicas) throws Exception {
    OrdoSide side = new OrdoSide(backend, dir, replicas, compareReplicas);
    side.startNode();
    return side;
  }

  /**
   * Starts a new node on new replicas. A port taken by someone else between
   * choosing and binding it fails the start; it is tried again on new ports
   * (three attempts).
   */
  private void startNode() throws Exception {
    Exception last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      NodeConfig cfg = config(backend, dir.resolve("node-" + ++starts), replicaCount);
      OrdoNode n = null;
      try {
        n = OrdoNode.start(cfg);
        if (!n.awaitReady(Duration.ofSeconds(90))) {
          throw new IllegalStateException("the Ordo node did not become ready: " + n.status());
        }
        node = n;
        db = new Database("ordo", n.jdbcUrl(), "sa", "");
        return;
      } catch (Exception e) {
        last = e;
        if (n != null) {
          n.close();
        }
        if (e instanceof IllegalArgumentException) {
          break; // a configuration the node refuses: new ports will not help
        }
      }
    }
    throw last;
  }

  /** The embedded default's configuration with the backend's replicas instead of its H2 files. */
  static NodeConfig config(Backend backend, Path dir, int replicas) throws Exception {
    int[] ports = InJvmCluster.freePorts(2);
    NodeConfig base = NodeConfig.embedded(dir, "127.0.0.1", ports[0], ports[1], 1);
    List<ReplicaConfig> rcs = backend.createReplicas(replicas);
    return new NodeConfig(base.nodeId(), base.database(), base.bindHost(), base.port(), base.dataDir(), base.log(),
        rcs, null, null, base.replicaPoolSize(), Backend.TIME_ZONE, WRITE_TIMEOUT, base.handshakeTimeout(),
        base.idleInTransactionTimeout(), base.checkpoints());
  }

  @Override
  public String name() {
    return "ordo";
  }

  /** The node's client URL. */
  public String url() {
    return node.jdbcUrl();
  }

  /** The node's configuration. */
  public NodeConfig config() {
    return node.config();
  }

  /** How many nodes this side has started (more than one after a node had to be replaced). */
  public int nodesStarted() {
    return starts;
  }

  @Override
  public FileRun run(ParsedFile file) throws Exception {
    FileRun run;
    String lost = null;
    try {
      run = new SltExecutor(db, null).run(file, name(), this::unhealthy);
    } catch (SQLException e) {
      lost = "the connection to the node failed: " + e;
      run = SltExecutor.abandoned(file, name(), lost);
    }
    long t0 = System.nanoTime();
    List<String> problems = new ArrayList<>();
    String why = lost != null ? lost : unhealthy();
    boolean replace = why != null;
    if (why != null) {
      problems.add("after " + file.name() + ": the node stopped serving (" + why + ")");
    } else {
      try {
        if (compareReplicas) {
          problems.addAll(replicaDifferences(file.name()));
        }
        clean(file.name());
      } catch (IllegalStateException | SQLException e) {
        problems.add("after " + file.name() + ": " + e.getMessage());
        replace = true;
      }
    }
    if (replace) {
      // Later files need a node that serves and starts clean.
      node.close();
      startNode();
      problems.add("the node was replaced by a new one on new replicas for the next file");
    }
    return run.with(problems, System.nanoTime() - t0);
  }

  /** Why the node cannot serve correctly any more (a replica that is not healthy), or null. */
  String unhealthy() {
    for (Replica r : node.replicas()) {
      if (r.state() != Replica.State.HEALTHY) {
        return "replica " + r.name() + " is " + r.state() + ": " + r.lastProblem();
      }
    }
    return null;
  }

  /**
   * Drops every view and table through Ordo (as listed by Ordo's own
   * metadata), waits until every replica applied the drops, and checks each
   * replica directly: none may hold a user object any more.
   */
  void clean(String file) throws Exception {
    try (Connection c = db.connect()) {
      for (String type : List.of("VIEW", "TABLE")) {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {type})) {
          while (rs.next()) {
            String schema = rs.getString("TABLE_SCHEM");
            if (schema == null || !Backend.SYSTEM_SCHEMAS.contains(schema.toUpperCase(Locale.ROOT))) {
              String table = Backend.quote(rs.getString("TABLE_NAME"));
              names.add(schema == null ? table : Backend.quote(schema) + "." + table);
            }
          }
        }
        for (String name : names) {
          try (Statement s = c.createStatement()) {
            s.execute("DROP " + type + " IF EXISTS " + name + " CASCADE");
          }
        }
      }
    }
    awaitReplicasCaughtUp();
    for (ReplicaConfig rc : node.config().replicas()) {
      try (Connection c = DriverManager.getConnection(rc.jdbcUrl(), rc.user(), rc.password())) {
        List<String> left = Backend.userObjects(c);
        if (!left.isEmpty()) {
          throw new IllegalStateException("after " + file + ", dropping every view and table through Ordo left "
              + left + " on replica " + rc.name() + "; the next file would not start clean");
        }
      }
    }
  }

  /** Compares the table contents of every replica with the first's; says where they differ. */
  List<String> replicaDifferences(String file) throws Exception {
    awaitReplicasCaughtUp();
    List<ReplicaConfig> rcs = node.config().replicas();
    Map<String, String> first = null;
    List<String> problems = new ArrayList<>();
    for (ReplicaConfig rc : rcs) {
      Map<String, String> digests;
      try (Connection c = DriverManager.getConnection(rc.jdbcUrl(), rc.user(), rc.password())) {
        digests = tableDigests(c);
      }
      if (first == null) {
        first = digests;
      } else if (!first.equals(digests)) {
        problems.add("after " + file + ": replica " + rc.name() + " differs from " + rcs.get(0).name()
            + " (table digests " + digests + " vs " + first + ")");
      }
    }
    return problems;
  }

  /** Each user table's row count and order-insensitive digest of its rows. */
  static Map<String, String> tableDigests(Connection c) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : Backend.userTables(c)) {
      List<String> rows = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
          StringBuilder b = new StringBuilder();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            b.append(rs.getString(i)).append('|');
          }
          rows.add(b.toString());
        }
      }
      rows.sort(null);
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      for (String r : rows) {
        md5.update(r.getBytes(StandardCharsets.UTF_8));
        md5.update((byte) '\n');
      }
      out.put(t, rows.size() + " rows " + HexFormat.of().formatHex(md5.digest()));
    }
    return out;
  }

  /**
   * Waits until every replica of the node applied the log up to a
   * linearizable read index: everything acknowledged before this call.
   */
  private void awaitReplicasCaughtUp() throws InterruptedException {
    long target;
    try {
      target = Math.max(node.sequencer().committedIndex(),
          node.sequencer().readIndex().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("no read index from the log: " + e, e);
    }
    for (Replica r : node.replicas()) {
      if (!r.awaitApplied(target, WAIT)) {
        throw new IllegalStateException("replica " + r.name() + " did not apply the log up to " + target + " in "
            + WAIT.toSeconds() + " s: " + node.status());
      }
    }
  }

  @Override
  public void close() {
    node.close();
  }
}
