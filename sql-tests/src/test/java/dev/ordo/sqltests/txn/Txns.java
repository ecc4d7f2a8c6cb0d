package dev.ordo.sqltests.txn;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the interactive-transaction ITs share: retrying a transaction on the
 * SQLStates that invite a retry, running workers that fail fast, seeds, and
 * comparing replicas.
 */
final class Txns {
  /**
   * Ordo's deadlock verdict: this transaction closed a cycle and was rolled back. Ordo answers it as a
   * serialization failure, the SQLState retry loops retry.
   */
  static final String DEADLOCK = "40001";
  /** Serialization failure (for Ordo: schema changed under the transaction); safe to retry. */
  static final String SERIALIZATION = "40001";
  /** A statement after an error in the same transaction, before rollback. */
  static final String IN_FAILED_TRANSACTION = "25P02";
  /** A write inside a read-only transaction. */
  static final String READ_ONLY = "25006";

  /** Attempts of one transaction before a test gives up (a livelock is a bug, not bad luck). */
  static final int MAX_ATTEMPTS = 1_000;

  private Txns() {}

  /** A unit of work inside an open transaction; it must not commit or roll back itself. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * The seed of a test's randomness: {@code -Dordo.seed=N} to replay one, a
   * random one otherwise. Printed so that a failure can be replayed.
   */
  static long seed(Class<?> test) {
    Long fixed = Long.getLong("ordo.seed");
    long seed = fixed != null ? fixed : ThreadLocalRandom.current().nextLong();
    System.out.printf("%s: seed %d (replay with -Dordo.seed=%d)%n", test.getSimpleName(), seed, seed);
    return seed;
  }

  static boolean retryable(SQLException e) {
    return DEADLOCK.equals(e.getSQLState()) || SERIALIZATION.equals(e.getSQLState());
  }

  /**
   * Runs {@code work} in a transaction on {@code c} (autocommit must be off)
   * and commits; on 40P01 or 40001 rolls back, counts an abort and starts
   * over. Any other error is rolled back and thrown.
   */
  static <T> T retrying(Connection c, LongAdder aborts, Work<T> work) throws SQLException {
    return retrying(c, aborts, true, work);
  }

  /**
   * As {@link #retrying(Connection, LongAdder, Work)}, but ends a successful
   * run with a rollback when {@code commit} is false.
   */
  static <T> T retrying(Connection c, LongAdder aborts, boolean commit, Work<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        T result = work.run(c);
        if (commit) {
          c.commit();
        } else {
          c.rollback();
        }
        return result;
      } catch (SQLException e) {
        rollbackAfter(c, e);
        if (!retryable(e)) {
          throw e;
        }
        aborts.increment();
        if (attempt >= MAX_ATTEMPTS) {
          throw new AssertionError("a transaction was aborted " + attempt + " times in a row; last: "
              + describe(e), e);
        }
        backoff(attempt);
      }
    }
  }

  /** Rolls back after {@code cause}; a failure to roll back is attached to it rather than hiding it. */
  static void rollbackAfter(Connection c, SQLException cause) {
    try {
      if (!c.isClosed() && !c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * A random pause of up to 2^attempt ms (at most 64 ms), so that retried
   * victims do not collide in step again: with table locks, every two
   * read-then-write transactions on one table that overlap end in a deadlock.
   */
  static void backoff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1 << Math.min(attempt, 6)) + 1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String describe(SQLException e) {
    return e.getClass().getSimpleName() + " SQLState " + e.getSQLState() + " (vendor code " + e.getErrorCode()
        + "): " + e.getMessage();
  }

  /** The single number a query returns. */
  static long queryLong(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new AssertionError("no row from " + sql);
        }
        long v = rs.getLong(1);
        if (rs.next()) {
          throw new AssertionError("more than one row from " + sql);
        }
        return v;
      }
    }
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  /** Every row of the ordinary table {@code table}, as {@link Nodes#contents} renders it. */
  static List<String> rows(Map<String, List<String>> contents, String table) {
    List<String> rows = contents.get("\"PUBLIC\".\"" + table.toUpperCase(java.util.Locale.ROOT) + "\"");
    if (rows == null) {
      rows = contents.get("\"public\".\"" + table.toLowerCase(java.util.Locale.ROOT) + "\"");
    }
    if (rows == null) {
      throw new AssertionError("no table " + table + " among " + contents.keySet());
    }
    return rows;
  }

  /**
   * Waits until every replica of the node applied the whole committed log and
   * checks that they hold the same rows in every table (bookkeeping included).
   * Returns the contents of replica 0.
   */
  static Map<String, List<String>> assertReplicasIdentical(OrdoNode node) throws Exception {
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> replicas = Nodes.replicaContents(node.config());
    Map<String, List<String>> first = replicas.get(0);
    for (int i = 1; i < replicas.size(); i++) {
      Map<String, List<String>> other = replicas.get(i);
      if (!first.equals(other)) {
        TreeSet<String> differing = new TreeSet<>(first.keySet());
        differing.addAll(other.keySet());
        differing.removeIf(t -> Objects.equals(first.get(t), other.get(t)));
        throw new AssertionError("replica " + i + " differs from replica 0 in " + differing + ": "
            + differing.stream().map(t -> t + " " + first.get(t) + " vs " + other.get(t)).toList());
      }
    }
    return first;
  }

  /**
   * Runs the tasks on their own daemon threads and returns their results in
   * order. Fails fast: the first task to fail cancels (interrupts) the others,
   * and its exception is thrown as is, so a test fails with the cause (for
   * example an SQLException's state) rather than a wrapper.
   */
  static <T> List<T> runAll(String name, List<Callable<T>> tasks, Duration timeout) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size(),
        Thread.ofPlatform().daemon().name(name + "-", 0).factory());
    try {
      ExecutorCompletionService<T> done = new ExecutorCompletionService<>(pool);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> t : tasks) {
        futures.add(done.submit(t));
      }
      long deadline = System.nanoTime() + timeout.toNanos();
      for (int i = 0; i < tasks.size(); i++) {
        Future<T> f = done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError(name + ": " + (tasks.size() - i) + " of " + tasks.size()
              + " tasks still running after " + timeout + "\n" + threadDump(name));
        }
        try {
          f.get();
        } catch (ExecutionException e) {
          throw unwrap(e);
        }
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Runs {@code call} on its own daemon thread and fails if it does not finish
   * within {@code bound}: a liveness check that names what got stuck.
   */
  static <T> T within(Duration bound, String what, Callable<T> call) throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("within").factory());
    try {
      Future<T> f = one.submit(call);
      try {
        return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(what + " did not finish within " + bound + "\n" + threadDump("within"));
      } catch (ExecutionException e) {
        throw unwrap(e);
      }
    } finally {
      one.shutdownNow();
    }
  }

  static Exception unwrap(ExecutionException e) {
    Throwable cause = e.getCause();
    if (cause instanceof Error err) {
      throw err;
    }
    return cause instanceof Exception ex ? ex : e;
  }

  /** Stack traces of the live threads whose names start with {@code prefix}. */
  static String threadDump(String prefix) {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().startsWith(prefix)) {
        dump.append(t.getName()).append(' ').append(t.getState()).append('\n');
        for (StackTraceElement el : stack) {
          dump.append("    at ").append(el).append('\n');
        }
      }
    });
    return dump.toString();
  }
}
