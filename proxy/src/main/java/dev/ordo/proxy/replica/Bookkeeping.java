package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.Outcome;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Exactly-once apply. Each applied entry writes its own row in
 * {@code ORDO.APPLIED} — log position, transaction id, outcome, update counts —
 * in the same backend transaction as its effects, so a replica's data and its
 * record of what it applied can never disagree. There is no shared "position"
 * row: concurrent appliers would contend on it. The transaction id is unique,
 * so an entry appended twice takes effect once and answers with the first
 * outcome.
 *
 * <p>The schema {@code ORDO} is reserved on every replica and hidden from
 * metadata calls.
 */
final class Bookkeeping {
  static final String SCHEMA = "ORDO";

  private static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS ORDO";
  private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS ORDO.APPLIED ("
      + "LOG_INDEX BIGINT NOT NULL, SUB_INDEX INTEGER NOT NULL, TXN_ID VARCHAR(200) NOT NULL, "
      + "OUTCOME CHAR(1) NOT NULL, UPDATE_COUNTS VARCHAR(1000000), SQL_STATE VARCHAR(5), "
      + "PRIMARY KEY (LOG_INDEX, SUB_INDEX))";
  private static final String CREATE_INDEX =
      "CREATE UNIQUE INDEX IF NOT EXISTS ORDO.APPLIED_TXN ON ORDO.APPLIED (TXN_ID)";
  private static final String INSERT = "INSERT INTO ORDO.APPLIED "
      + "(LOG_INDEX, SUB_INDEX, TXN_ID, OUTCOME, UPDATE_COUNTS, SQL_STATE) VALUES (?, ?, ?, ?, ?, ?)";

  private Bookkeeping() {}

  static void install(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute(CREATE_SCHEMA);
      s.execute(CREATE_TABLE);
      s.execute(CREATE_INDEX);
    }
  }

  /**
   * The position after which this replica resumes. Entries are applied in log
   * order, one committed backend transaction each, so every position up to the
   * highest recorded one is applied.
   */
  static LogPosition lastApplied(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT LOG_INDEX, SUB_INDEX FROM ORDO.APPLIED ORDER BY LOG_INDEX DESC, SUB_INDEX DESC LIMIT 1")) {
      return rs.next() ? new LogPosition(rs.getLong(1), rs.getInt(2)) : LogPosition.ZERO;
    }
  }

  /** Records an entry's outcome inside the current transaction of {@code c}. */
  static void record(Connection c, LogPosition pos, String txnId, Outcome outcome) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setLong(1, pos.index());
      ps.setInt(2, pos.sub());
      ps.setString(3, txnId);
      if (outcome instanceof Outcome.Committed ok) {
        ps.setString(4, "C");
        ps.setString(5, Arrays.stream(ok.counts()).mapToObj(Long::toString).collect(Collectors.joining(",")));
        ps.setNull(6, java.sql.Types.VARCHAR);
      } else {
        Outcome.Failed f = (Outcome.Failed) outcome;
        ps.setString(4, "E");
        ps.setNull(5, java.sql.Types.VARCHAR);
        ps.setString(6, f.sqlState());
      }
      ps.executeUpdate();
    }
  }

  /** The outcome recorded for a position, or null if it was not applied. */
  static Outcome recorded(Connection c, LogPosition pos) throws SQLException {
    return query(c, "LOG_INDEX = ? AND SUB_INDEX = ?", pos.index(), pos.sub());
  }

  /** The outcome recorded for a transaction id, or null. */
  static Outcome recordedTxn(Connection c, String txnId) throws SQLException {
    return query(c, "TXN_ID = ?", txnId);
  }

  private static Outcome query(Connection c, String where, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT OUTCOME, UPDATE_COUNTS, SQL_STATE FROM ORDO.APPLIED WHERE " + where)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        if ("C".equals(rs.getString(1))) {
          String counts = rs.getString(2);
          long[] n = counts == null || counts.isEmpty()
              ? new long[0]
              : Arrays.stream(counts.split(",")).mapToLong(Long::parseLong).toArray();
          return new Outcome.Committed(n, null, null);
        }
        String state = rs.getString(3);
        return new Outcome.Failed(state, 0,
            "this transaction failed with SQLState " + state + " when it was first applied", 0);
      }
    }
  }

  /** Whether {@code e} is the unique violation of a repeated transaction id. */
  static boolean isDuplicateTxn(SQLException e) {
    String msg = String.valueOf(e.getMessage()).toUpperCase(java.util.Locale.ROOT);
    return "23505".equals(e.getSQLState()) && msg.contains("APPLIED_TXN");
  }
}
