package dev.ordo.sqltests.workload;

import dev.ordo.sqltests.history.Keyword;
import dev.ordo.sqltests.history.Op;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * The client loop shared by the workloads: each client runs transactions over
 * JDBC for a while and records every one as {@code :invoke} then {@code :ok},
 * {@code :fail} or {@code :info}.
 *
 * <p>Outcomes: a commit that returned is {@code :ok}; an error that proves the
 * transaction did not commit (a failed connect, a rollback SQLState of class
 * 40, 25P02, 23505, or any non-connection error before commit was sent) is
 * {@code :fail}; an error during commit, or a broken connection, leaves the
 * outcome unknown: {@code :info}, and the client continues as a new process,
 * as in Jepsen. After a connection problem the client reconnects, to the URL
 * its next attempt number gives (spreading clients over nodes).
 */
public abstract class TxnClients {
  /** One generated operation: its function and invocation value. */
  public record Invocation(Keyword f, Object value) {}

  /** SQLState of a transaction the workload itself rolled back (class 40: certainly not committed). */
  public static final String ABORTED_BY_CLIENT = "40ORD";

  private final String user;
  private final String password;
  private final int isolation;
  private final int clients;
  private final Duration duration;
  private final long seed;
  private IntFunction<String> urls;
  private Recorder recorder = new Recorder();

  protected TxnClients(String url, String user, String password, int isolation, int clients, Duration duration,
      long seed) {
    this.urls = attempt -> url;
    this.user = user;
    this.password = password;
    this.isolation = isolation;
    this.clients = clients;
    this.duration = duration;
    this.seed = seed;
  }

  /** Connects each client's {@code attempt}-th connection to {@code urls.apply(attempt)}. */
  public TxnClients withUrls(IntFunction<String> newUrls) {
    this.urls = newUrls;
    return this;
  }

  /** Records into a shared recorder (e.g. one the fault runner also writes to). */
  public TxnClients withRecorder(Recorder newRecorder) {
    this.recorder = newRecorder;
    return this;
  }

  /** The recorder of this run. */
  public Recorder recorder() {
    return recorder;
  }

  /** Generates the next operation of a client. */
  protected abstract Invocation generate(Random random);

  /**
   * Runs an operation inside a transaction (the caller commits) and returns the completion value.
   * Throw an SQLException with state {@link #ABORTED_BY_CLIENT} to roll back and record {@code :fail}.
   */
  protected abstract Object execute(Connection c, Invocation op) throws SQLException;

  /** Runs the clients for the configured duration and returns the history, in order. */
  public List<Op> run() throws Exception {
    long end = System.nanoTime() + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      futures.add(pool.submit(() -> {
        client(client, end);
        return null;
      }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return recorder.history();
  }

  private void client(int client, long end) throws InterruptedException {
    Random random = new Random(seed * 31 + client);
    long process = client;
    int attempt = client;
    Connection c = null;
    while (System.nanoTime() < end) {
      Invocation op = generate(random);
      recorder.record(Op.Type.INVOKE, process, op.f(), op.value(), null);
      if (c == null) {
        try {
          c = DriverManager.getConnection(urls.apply(attempt), user, password);
          if (isolation >= 0) {
            c.setTransactionIsolation(isolation);
          }
          c.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
          closeQuietly(c);
          c = null;
          recorder.record(Op.Type.FAIL, process, op.f(), op.value(), error(e));
          attempt++;
          Thread.sleep(50);
          continue;
        }
      }
      boolean commitSent = false;
      try {
        Object value = execute(c, op);
        commitSent = true;
        c.commit();
        recorder.record(Op.Type.OK, process, op.f(), value, null);
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean conflict = state.startsWith("40") || state.equals("25P02") || state.equals("23505");
        boolean definitelyAborted = !commitSent && !state.startsWith("08") || conflict;
        rollbackQuietly(c);
        if (definitelyAborted) {
          recorder.record(Op.Type.FAIL, process, op.f(), op.value(), error(e));
          if (!conflict) {
            closeQuietly(c);
            c = null;
            attempt++;
            Thread.sleep(20);
          }
        } else {
          recorder.record(Op.Type.INFO, process, op.f(), op.value(), error(e));
          process += clients;
          closeQuietly(c);
          c = null;
          attempt++;
          Thread.sleep(20);
        }
      } catch (RuntimeException e) {
        recorder.record(Op.Type.INFO, process, op.f(), op.value(), error(e));
        process += clients;
        closeQuietly(c);
        c = null;
        attempt++;
      }
    }
    closeQuietly(c);
  }

  private static String error(Exception e) {
    String s = (e instanceof SQLException q && q.getSQLState() != null ? q.getSQLState() + " " : "")
        + e.getMessage();
    return s.length() > 200 ? s.substring(0, 200) : s;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (c != null && !c.isClosed()) {
        c.rollback();
      }
    } catch (SQLException | RuntimeException ignored) {
      // The connection is gone; the next transaction reconnects.
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException | RuntimeException ignored) {
      // Already closed.
    }
  }
}
