package dev.ordo.sqltests;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Writers that insert unique ids into {@code table(id BIGINT PRIMARY KEY, writer INT)}
 * through the driver and remember which inserts were acknowledged. A writer
 * whose connection fails moves on to the next URL. Used to check that faults
 * lose no acknowledged write and invent none.
 */
final class InsertLoad implements AutoCloseable {
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  private final Set<Long> attempted = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger errors = new AtomicInteger();
  private final ExecutorService pool;
  private final List<Future<?>> futures = new ArrayList<>();
  /** Each writer's current connection, for diagnostics. */
  private final Map<Integer, String> connections = new ConcurrentHashMap<>();

  /**
   * @param urls the URL for the i-th attempt of a writer (i counts reconnections)
   */
  InsertLoad(String table, int writers, IntFunction<String> urls) {
    pool = Executors.newFixedThreadPool(writers);
    for (int w = 0; w < writers; w++) {
      int writer = w;
      futures.add(pool.submit(() -> run(table, writer, urls)));
    }
  }

  private Void run(String table, int writer, IntFunction<String> urls) {
    long seq = 0;
    int attempt = writer;
    Connection c = null;
    while (running.get()) {
      long id = writer * 1_000_000_000L + seq++;
      try {
        if (c == null) {
          c = DriverManager.getConnection(urls.apply(attempt));
          connections.put(writer, c.toString());
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
          ps.setLong(1, id);
          ps.setInt(2, writer);
          attempted.add(id);
          ps.executeUpdate();
          acked.add(id);
        }
      } catch (SQLException e) {
        errors.incrementAndGet();
        closeQuietly(c);
        c = null;
        attempt++;
        sleep(50);
      }
    }
    closeQuietly(c);
    return null;
  }

  int acknowledged() {
    return acked.size();
  }

  int errors() {
    return errors.get();
  }

  /** Stops the writers and waits for them. */
  @Override
  public void close() throws Exception {
    running.set(false);
    for (Future<?> f : futures) {
      try {
        f.get(90, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        StringBuilder dump = new StringBuilder("A writer is stuck; connections " + connections + "; threads:\n");
        Thread.getAllStackTraces().forEach((t, stack) -> {
          dump.append(t.getName()).append(' ').append(t.getState()).append('\n');
          for (StackTraceElement el : stack) {
            dump.append("    at ").append(el).append('\n');
          }
        });
        System.out.println(dump);
        try {
          // Virtual threads too (the replicas' backend work runs on them).
          java.nio.file.Path file = java.nio.file.Files.createTempFile("ordo-stuck-writer-", ".txt");
          java.nio.file.Files.delete(file);
          java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
              .dumpThreads(file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
          System.out.println("All threads, virtual ones included: " + file);
        } catch (java.io.IOException | RuntimeException ignored) {
          // The dump above must do.
        }
        throw e;
      }
    }
    pool.shutdown();
  }

  /**
   * Checks the table as one database holds it: every acknowledged id present,
   * none twice, none that no writer tried. Returns the ids.
   */
  Set<Long> verify(Connection db, String table) throws SQLException {
    Set<Long> ids = new HashSet<>();
    int rows = 0;
    try (ResultSet rs = db.createStatement().executeQuery("SELECT id FROM " + table)) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
        rows++;
      }
    }
    if (rows != ids.size()) {
      throw new AssertionError((rows - ids.size()) + " ids stored twice");
    }
    Set<Long> lost = new HashSet<>(acked);
    lost.removeAll(ids);
    if (!lost.isEmpty()) {
      Set<Long> unacked = new HashSet<>(ids);
      unacked.removeAll(acked);
      throw new AssertionError(lost.size() + " acknowledged writes lost, e.g. " + lost.iterator().next()
          + " (of " + acked.size() + " acknowledged, " + ids.size() + " stored; stored but not acknowledged: "
          + unacked + ")");
    }
    Set<Long> invented = new HashSet<>(ids);
    invented.removeAll(attempted);
    if (!invented.isEmpty()) {
      throw new AssertionError("rows nobody wrote: " + invented);
    }
    return ids;
  }

  /** Where the log of {@code node} holds inserts of {@code id}, and what each replica recorded for them. */
  static String traceInLog(dev.ordo.proxy.OrdoNode node, long id) throws Exception {
    StringBuilder b = new StringBuilder(node.sequencer().peerId() + ": ");
    long next = 1;
    while (next <= node.sequencer().committedIndex()) {
      dev.ordo.sequencer.LogChunk chunk = node.sequencer().read(next, 1000);
      for (dev.ordo.sequencer.LogEntry e : chunk.entries()) {
        dev.ordo.proxy.txn.TxnEntry t = dev.ordo.proxy.txn.TxnEntry.decode(e.payload());
        if (t.statements().stream().anyMatch(st -> st.params().contains(id))) {
          b.append(e.position()).append(" txn ").append(t.txnId());
          try (Connection c = Nodes.replica(node.config(), 0);
              ResultSet rs = c.createStatement().executeQuery("SELECT OUTCOME, SQL_STATE FROM ORDO.APPLIED"
                  + " WHERE LOG_INDEX = " + e.position().index() + " AND SUB_INDEX = " + e.position().sub())) {
            b.append(rs.next() ? " recorded " + rs.getString(1) + " " + rs.getString(2) : " not recorded");
          }
          b.append("; ");
        }
      }
      next = chunk.nextIndex();
    }
    return b.toString();
  }

  /**
   * Every replica of the node holds every acknowledged row once, the replicas
   * are identical, and each replica's bookkeeping records exactly the log's
   * positions: nothing skipped, nothing applied twice.
   */
  void checkExactlyOnce(dev.ordo.proxy.OrdoNode node, String table) throws Exception {
    List<String> logPositions = new ArrayList<>();
    long next = 1;
    while (next <= node.sequencer().committedIndex()) {
      dev.ordo.sequencer.LogChunk chunk = node.sequencer().read(next, 1000);
      for (dev.ordo.sequencer.LogEntry e : chunk.entries()) {
        if (dev.ordo.proxy.txn.TxnEntry.decode(e.payload()).kind() == dev.ordo.proxy.txn.TxnEntry.Kind.ONE_SHOT) {
          logPositions.add(e.position().toString());
        }
      }
      next = chunk.nextIndex();
    }
    for (int i = 0; i < node.config().replicas().size(); i++) {
      try (Connection c = Nodes.replica(node.config(), i)) {
        verify(c, table);
        List<String> applied = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery(
            "SELECT LOG_INDEX, SUB_INDEX FROM ORDO.APPLIED ORDER BY LOG_INDEX, SUB_INDEX")) {
          while (rs.next()) {
            applied.add(rs.getLong(1) + "." + rs.getInt(2));
          }
        }
        if (!logPositions.equals(applied)) {
          throw new AssertionError("replica " + i + " applied " + applied.size() + " positions, the log has "
              + logPositions.size());
        }
      }
    }
    var contents = Nodes.replicaContents(node.config());
    for (int i = 1; i < contents.size(); i++) {
      if (!contents.get(0).equals(contents.get(i))) {
        throw new AssertionError("replica " + i + " differs from replica 0");
      }
    }
  }

  static void closeQuietly(Connection c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (SQLException ignored) {
      // Already broken.
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
