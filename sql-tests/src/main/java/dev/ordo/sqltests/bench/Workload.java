package dev.ordo.sqltests.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SplittableRandom;

/**
 * An interactive-transaction workload of {@code bench-tpcb}: its tables and
 * rows, one client's transaction, and the invariant every system must keep.
 * The benchmark owns the retry loop: it commits, rolls back and retries.
 */
interface Workload {
  /** One line saying what the workload does, for the benchmark's header. */
  String describe();

  /** Creates and fills the tables through {@code c} (autocommit). */
  void load(Connection c) throws SQLException;

  /** Prepares one client's statements on its connection (autocommit off). */
  Client client(Connection c, SplittableRandom random) throws SQLException;

  /** Reads the invariant through {@code c} (autocommit). */
  Check check(Connection c) throws SQLException;

  /** One client's transactions. */
  interface Client {
    /** Chooses the next transaction's parameters; its retries reuse them. */
    void next();

    /** Runs the chosen transaction's statements, without the commit. */
    void attempt() throws SQLException;
  }

  /** What the invariant check found, and whether the invariant holds. */
  record Check(String found, boolean holds) {}

  /** Inserts ids 1..n in batches of 1000; with {@code perGroup > 0} the second parameter is the id's group. */
  static void insertRows(Connection c, String sql, int n, int perGroup) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int id = 1; id <= n; id++) {
        ps.setInt(1, id);
        if (perGroup > 0) {
          ps.setInt(2, (id - 1) / perGroup + 1);
        }
        ps.addBatch();
        if (id % 1000 == 0 || id == n) {
          ps.executeBatch();
        }
      }
    }
  }

  /** Sets {@code (amount, id)} and runs an update that must change exactly one row. */
  static void update(PreparedStatement ps, long amount, int id) throws SQLException {
    ps.setLong(1, amount);
    ps.setInt(2, id);
    if (ps.executeUpdate() != 1) {
      throw new IllegalStateException("update of row " + id + " did not change one row");
    }
  }
}
