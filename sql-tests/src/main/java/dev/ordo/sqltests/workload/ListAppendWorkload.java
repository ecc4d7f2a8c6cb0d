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
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elle's list-append workload over JDBC: transactions of 1–4 micro-operations on
 * a small key space, each either "append a unique element to key k's list" or
 * "read key k's list". A key is a row of {@code la(k INT PRIMARY KEY, v
 * VARCHAR)} whose value is a comma-separated list. Every operation is recorded
 * as invoke / ok / fail / info with its process and time, for the history
 * checker.
 *
 * <p>Outcomes: a commit that returned is {@code :ok}; an error that proves the
 * transaction did not commit (a rollback SQLState of class 40, 25P02, or any
 * error before commit was sent) is {@code :fail}; an error during commit, or a
 * broken connection, leaves the outcome unknown: {@code :info}, and the client
 * continues as a new process, as in Jepsen.
 */
public final class ListAppendWorkload {
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
  private final long start = System.nanoTime();
  private final AtomicLong index = new AtomicLong();
  private final AtomicLong elements = new AtomicLong();
  private final List<Op> history = Collections.synchronizedList(new ArrayList<>());

  public ListAppendWorkload(Config config) {
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

  /** Runs the clients for the configured duration and returns the history, in order. */
  public List<Op> run() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(config.clients());
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < config.clients(); i++) {
      int client = i;
      futures.add(pool.submit(() -> {
        client(client);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    synchronized (history) {
      List<Op> out = new ArrayList<>(history);
      out.sort((a, b) -> Long.compare(a.index(), b.index()));
      return out;
    }
  }

  private void client(int client) {
    Random random = new Random(config.seed() * 31 + client);
    long process = client;
    long end = start + config.duration().toNanos();
    Connection c = null;
    while (System.nanoTime() < end) {
      List<MicroOp> txn = generate(random);
      record(Op.Type.INVOKE, process, txn);
      boolean commitSent = false;
      try {
        if (c == null) {
          c = DriverManager.getConnection(config.url(), config.user(), config.password());
          if (config.isolation() >= 0) {
            c.setTransactionIsolation(config.isolation());
          }
          c.setAutoCommit(false);
        }
        List<MicroOp> done = new ArrayList<>(txn.size());
        for (MicroOp op : txn) {
          done.add(execute(c, op));
        }
        commitSent = true;
        c.commit();
        record(Op.Type.OK, process, done);
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean definitelyAborted = !commitSent && !state.startsWith("08")
            || state.startsWith("40") || state.equals("25P02") || state.equals("23505");
        rollbackQuietly(c);
        if (definitelyAborted) {
          record(Op.Type.FAIL, process, txn);
        } else {
          record(Op.Type.INFO, process, txn);
          process += config.clients();
          closeQuietly(c);
          c = null;
        }
      }
    }
    closeQuietly(c);
  }

  private List<MicroOp> generate(Random random) {
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

  private void record(Op.Type type, long process, List<MicroOp> txn) {
    synchronized (history) {
      history.add(Op.txn(index.getAndIncrement(), type, process, txn, System.nanoTime() - start));
    }
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (c != null && !c.isClosed()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // The connection is gone; the next transaction reconnects.
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // Already closed.
    }
  }
}
