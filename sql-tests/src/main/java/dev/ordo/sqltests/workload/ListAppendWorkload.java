package dev.ordo.sqltests.workload;

import dev.ordo.sqltests.history.MicroOp;
import dev.ordo.sqltests.history.Op;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elle's list-append workload over JDBC: transactions of 1–4 micro-operations on
 * a small key space, each either "append a unique element to key k's list" or
 * "read key k's list". A key is a row of {@code la(k INT PRIMARY KEY, v
 * VARCHAR)} whose value is a comma-separated list. Every operation is recorded
 * as invoke / ok / fail / info with its process and time, for the history
 * checker. Outcomes and reconnection: see {@link TxnClients}.
 */
public final class ListAppendWorkload extends TxnClients {
  /**
   * What to run.
   *
   * @param url JDBC URL of the database under test
   * @param user user name
   * @param password password
   * @param isolation JDBC isolation level to ask for, or -1 to leave it
   * @param clients concurrent clients
   * @param duration how long to run
   * @param keys size of the key space
   * @param seed randomness seed (printed by callers)
   */
  public record Config(String url, String user, String password, int isolation, int clients, Duration duration,
      int keys, long seed) {}

  private final Config config;
  private final AtomicLong elements = new AtomicLong();

  public ListAppendWorkload(Config config) {
    super(config.url(), config.user(), config.password(), config.isolation(), config.clients(), config.duration(),
        config.seed());
    this.config = config;
  }

  /** Creates the table and one empty list per key. */
  public static void setUp(String url, String user, String password, int keys) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE la (k INT PRIMARY KEY, v VARCHAR(1000000) NOT NULL)");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO la VALUES (?, '')")) {
        for (int k = 0; k < keys; k++) {
          ps.setInt(1, k);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  /** What {@link #awaitServingNodesAgree} found. */
  public record Agreement(boolean agree, List<String> serving, List<String> fenced, List<String> contents) {}

  /**
   * Waits until every node that still serves holds the same lists, writing a
   * no-op now and then so that checkpoints keep coming (a replica that diverged
   * is fenced at the next one and stops serving). Returns the last comparison.
   */
  public static Agreement awaitServingNodesAgree(List<String> urls, String user, String password, Duration wait)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Agreement last;
    while (true) {
      List<String> serving = new ArrayList<>();
      List<String> fenced = new ArrayList<>();
      for (String url : urls) {
        List<String> f = fencedReplicas(url, user, password, Duration.ofSeconds(60));
        if (f.isEmpty()) {
          serving.add(url);
        } else {
          fenced.addAll(f);
        }
      }
      List<String> contents = contentsThroughEachNode(serving, user, password, Duration.ofSeconds(60));
      boolean agree = serving.size() >= 2 && contents.stream().distinct().count() == 1;
      last = new Agreement(agree, serving, fenced, contents);
      if (agree || System.nanoTime() > deadline) {
        return last;
      }
      try (Connection c = DriverManager.getConnection(serving.isEmpty() ? urls.get(0) : serving.get(0), user,
          password); Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE la SET v = v WHERE k = -1"); // moves the log: another checkpoint comes
      } catch (SQLException e) {
        // A node restarting: the next round tries again.
      }
      Thread.sleep(1_000);
    }
  }

  /**
   * Replicas that a node reports {@code FENCED} (a digest comparison found them
   * different from the majority), as "node URL: replica (reason)"; a node that
   * cannot be reached within {@code wait} fails the call.
   */
  public static List<String> fencedReplicas(String url, String user, String password, Duration wait)
      throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("ORDO STATUS")) {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
          if ("FENCED".equals(rs.getString("STATE"))) {
            out.add(url + ": " + rs.getString("REPLICA") + " (" + rs.getString("PROBLEM") + ")");
          }
        }
        return out;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new SQLException("cannot ask " + url + " for its status within " + wait + ": " + e.getMessage(),
              e.getSQLState(), e);
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * The lists as each node serves them, in node order: {@code k=v} lines. Reads
   * through a node are linearizable, so once the load has stopped every node
   * must answer the same; a node that is still starting is retried for up to
   * {@code wait}.
   */
  public static List<String> contentsThroughEachNode(List<String> urls, String user, String password,
      Duration wait) throws SQLException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String url : urls) {
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT k, v FROM la ORDER BY k")) {
          StringBuilder b = new StringBuilder();
          while (rs.next()) {
            b.append(rs.getInt(1)).append('=').append(rs.getString(2)).append('\n');
          }
          out.add(b.toString());
          break;
        } catch (SQLException e) {
          if (System.nanoTime() > deadline) {
            throw new SQLException("cannot read the lists through " + url + " within " + wait + ": " + e.getMessage(),
                e.getSQLState(), e);
          }
          Thread.sleep(200);
        }
      }
    }
    return out;
  }

  @Override
  protected Invocation generate(Random random) {
    return new Invocation(Op.TXN, List.copyOf(generateTxn(random)));
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Object execute(Connection c, Invocation op) throws SQLException {
    List<MicroOp> txn = (List<MicroOp>) op.value();
    List<MicroOp> done = new ArrayList<>(txn.size());
    for (MicroOp m : txn) {
      done.add(execute(c, m));
    }
    return List.copyOf(done);
  }

  private List<MicroOp> generateTxn(Random random) {
    int n = 1 + random.nextInt(4);
    List<MicroOp> txn = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long key = random.nextInt(config.keys());
      txn.add(random.nextBoolean() ? MicroOp.read(key) : MicroOp.append(key, elements.incrementAndGet()));
    }
    return txn;
  }

  private static MicroOp execute(Connection c, MicroOp op) throws SQLException {
    int key = ((Number) op.key()).intValue();
    if (op.f() == MicroOp.Fn.APPEND) {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE la SET v = CASE WHEN v = '' THEN ? ELSE v || ',' || ? END WHERE k = ?")) {
        String e = Long.toString(op.element());
        ps.setString(1, e);
        ps.setString(2, e);
        ps.setInt(3, key);
        if (ps.executeUpdate() != 1) {
          throw new SQLException("key " + key + " has no row", "22000");
        }
      }
      return op;
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM la WHERE k = ?")) {
      ps.setInt(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        List<Long> list = new ArrayList<>();
        if (rs.next()) {
          String v = rs.getString(1);
          if (!v.isEmpty()) {
            for (String s : v.split(",")) {
              list.add(Long.parseLong(s));
            }
          }
        }
        return MicroOp.read(op.key(), list);
      }
    }
  }
}
