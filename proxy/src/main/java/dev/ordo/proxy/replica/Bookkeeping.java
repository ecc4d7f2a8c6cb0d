package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.Outcome;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import dev.ordo.proxy.config.Backend;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Exactly-once apply. Every transaction that ends on a replica — a one-shot
 * entry, an interactive transaction's commit, rollback or abort — writes its own
 * row in {@code ORDO.APPLIED}: transaction id, the log position where it ended,
 * its outcome, and the <em>low-water position</em>: the first entry of the
 * oldest transaction still open (or still waiting for locks) at that moment. A
 * commit writes its row in the same backend transaction as its effects. There is
 * no shared "position" row: concurrent transactions would contend on it.
 *
 * <p>On restart a replica reads the last row: it re-reads the log from that
 * row's low-water position, skips every transaction with a row (they ended) and
 * re-executes the others, which were open and lost their uncommitted work. The
 * transaction id is the primary key, so an entry appended twice takes effect
 * once and answers with the first outcome.
 *
 * <p>The schema {@code ORDO} is reserved on every replica and hidden from metadata calls.
 */
final class Bookkeeping {
  static final String SCHEMA = "ORDO";

  /** Outcome codes stored in {@code OUTCOME}. */
  static final String COMMITTED = "C";
  static final String FAILED = "E";
  static final String ROLLED_BACK = "R";
  static final String ABORTED = "A";

  private static final String CREATE_SCHEMA = "CREATE SCHEMA IF NOT EXISTS ORDO";
  private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS ORDO.APPLIED ("
      + "TXN_ID VARCHAR(200) NOT NULL, LOG_INDEX BIGINT NOT NULL, SUB_INDEX INTEGER NOT NULL, "
      + "LOW_INDEX BIGINT NOT NULL, LOW_SUB INTEGER NOT NULL, OUTCOME CHAR(1) NOT NULL, "
      + "UPDATE_COUNTS VARCHAR(1000000), SQL_STATE VARCHAR(5), CONSTRAINT APPLIED_TXN PRIMARY KEY (TXN_ID))";
  private static final String CREATE_INDEX_H2 =
      "CREATE INDEX IF NOT EXISTS ORDO.APPLIED_POSITION ON ORDO.APPLIED (LOG_INDEX, SUB_INDEX)";
  /** PostgreSQL puts an index in its table's schema and refuses a qualified index name. */
  private static final String CREATE_INDEX_PG =
      "CREATE INDEX IF NOT EXISTS APPLIED_POSITION ON ORDO.APPLIED (LOG_INDEX, SUB_INDEX)";
  /**
   * PostgreSQL only: the value of every sequence as the last transaction that
   * used it left it, written with that transaction's row. PostgreSQL logs
   * sequence values ahead of use, so after a crash its sequences may have
   * jumped; a restarted replica sets them back from here before re-executing.
   */
  private static final String CREATE_SEQUENCES = "CREATE TABLE IF NOT EXISTS ORDO.SEQUENCES ("
      + "NAME VARCHAR(1000) NOT NULL, LAST_VALUE BIGINT NOT NULL, IS_CALLED BOOLEAN NOT NULL, "
      + "CONSTRAINT SEQUENCES_NAME PRIMARY KEY (NAME))";
  private static final String SAVE_SEQUENCE = "INSERT INTO ORDO.SEQUENCES (NAME, LAST_VALUE, IS_CALLED) "
      + "VALUES (?, ?, ?) ON CONFLICT (NAME) DO UPDATE SET LAST_VALUE = EXCLUDED.LAST_VALUE, "
      + "IS_CALLED = EXCLUDED.IS_CALLED";
  private static final String INSERT = "INSERT INTO ORDO.APPLIED (TXN_ID, LOG_INDEX, SUB_INDEX, LOW_INDEX, LOW_SUB, "
      + "OUTCOME, UPDATE_COUNTS, SQL_STATE, OUTCOME_HASH, FIRST_INDEX, FIRST_SUB) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** Where each transaction began: a restart replays the locks of every transaction it overlaps. */
  private static final String ADD_FIRST_INDEX = "ALTER TABLE ORDO.APPLIED ADD COLUMN IF NOT EXISTS FIRST_INDEX BIGINT";
  private static final String ADD_FIRST_SUB = "ALTER TABLE ORDO.APPLIED ADD COLUMN IF NOT EXISTS FIRST_SUB INTEGER";
  /** The hash of each transaction's outcome ({@link Digests#end}), summed into the running digest. */
  private static final String ADD_OUTCOME_HASH =
      "ALTER TABLE ORDO.APPLIED ADD COLUMN IF NOT EXISTS OUTCOME_HASH BIGINT";
  /**
   * The running digest at each checkpoint this replica passed: the sum of the
   * outcome hashes of every transaction that ended before it, and the hash of
   * the tables' contents when the checkpoint asked for one.
   */
  private static final String CREATE_CHECKPOINTS = "CREATE TABLE IF NOT EXISTS ORDO.CHECKPOINTS ("
      + "LOG_INDEX BIGINT NOT NULL, SUB_INDEX INTEGER NOT NULL, DIGEST BIGINT NOT NULL, TABLE_HASH BIGINT, "
      + "CONSTRAINT CHECKPOINTS_POSITION PRIMARY KEY (LOG_INDEX, SUB_INDEX))";

  /** Where a replica resumes. */
  record Resume(LogPosition last, LogPosition lowWater, Set<String> ended) {
    static final Resume EMPTY = new Resume(LogPosition.ZERO, LogPosition.ZERO, Set.of());
  }

  private Bookkeeping() {}

  static void install(Connection c, Backend backend) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute(CREATE_SCHEMA);
      s.execute(CREATE_TABLE);
      s.execute(ADD_OUTCOME_HASH);
      s.execute(ADD_FIRST_INDEX);
      s.execute(ADD_FIRST_SUB);
      s.execute(CREATE_CHECKPOINTS);
      if (backend == Backend.POSTGRESQL) {
        s.execute(CREATE_INDEX_PG);
        s.execute(CREATE_SEQUENCES);
      } else {
        s.execute(CREATE_INDEX_H2);
      }
    }
  }

  /**
   * PostgreSQL: saves the current value of each sequence (by SQL name) in the
   * current transaction of {@code c}. The caller holds the sequences' locks, so
   * the values are exactly what the transaction left.
   */
  static void saveSequences(Connection c, Collection<String> sequences) throws SQLException {
    if (sequences.isEmpty()) {
      return;
    }
    try (Statement s = c.createStatement(); PreparedStatement ps = c.prepareStatement(SAVE_SEQUENCE)) {
      for (String name : sequences) {
        try (ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + name)) {
          if (!rs.next()) {
            continue;
          }
          ps.setString(1, name);
          ps.setLong(2, rs.getLong(1));
          ps.setBoolean(3, rs.getBoolean(2));
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /** As {@link #saveSequences(Connection, Collection)}; null: every sequence of the database. */
  static void saveSequencesOrAll(Connection c, Collection<String> sequences) throws SQLException {
    saveSequences(c, sequences == null ? allSequences(c) : sequences);
  }

  /**
   * Records a transaction that ended without committing its effects (in a
   * backend transaction of its own on {@code c}, autocommit off), with the
   * sequence values it moved (null: all): sequences do not roll back. A row
   * recorded before (the entry re-read after a restart) is left as it is.
   */
  static void recordEnd(Connection c, String txnId, LogPosition pos, LogPosition low, String code,
      String sqlState, Collection<String> seqs, long outcomeHash, LogPosition first) throws SQLException {
    try {
      saveSequencesOrAll(c, seqs);
      record(c, txnId, pos, low, code, null, sqlState, outcomeHash, first);
      c.commit();
    } catch (SQLException se) {
      c.rollback();
      if (!isDuplicateTxn(se)) {
        throw se;
      }
    }
  }

  /** PostgreSQL: the SQL names of every sequence of the database (quoted, qualified). */
  static java.util.List<String> allSequences(Connection c) throws SQLException {
    java.util.List<String> out = new java.util.ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(q.relname) "
            + "FROM pg_class q JOIN pg_namespace n ON n.oid = q.relnamespace WHERE q.relkind = 'S' ORDER BY 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * PostgreSQL: sets every saved sequence back to its saved value (a crash may
   * have moved it ahead). Returns how many were restored.
   */
  static int restoreSequences(Connection c) throws SQLException {
    int n = 0;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT s.NAME, s.LAST_VALUE, s.IS_CALLED FROM ORDO.SEQUENCES s "
            + "WHERE to_regclass(s.NAME) IS NOT NULL");
        PreparedStatement set = c.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
      while (rs.next()) {
        set.setString(1, rs.getString(1));
        set.setLong(2, rs.getLong(2));
        set.setBoolean(3, rs.getBoolean(3));
        set.executeQuery().close();
        n++;
      }
    }
    return n;
  }

  static Resume resume(Connection c) throws SQLException {
    LogPosition last;
    LogPosition low;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT LOG_INDEX, SUB_INDEX, LOW_INDEX, LOW_SUB FROM ORDO.APPLIED "
            + "ORDER BY LOG_INDEX DESC, SUB_INDEX DESC LIMIT 1")) {
      if (!rs.next()) {
        return Resume.EMPTY;
      }
      last = new LogPosition(rs.getLong(1), rs.getInt(2));
      low = new LogPosition(rs.getLong(3), rs.getInt(4));
    }
    // Transactions that ended at or after the low-water position may have begun before it, holding locks there.
    // Go back to the first entry of every such transaction, until none began earlier: at that position no
    // transaction held or awaited a lock, so replaying the locks from there repeats every decision made since.
    try (PreparedStatement ps = c.prepareStatement("SELECT FIRST_INDEX, FIRST_SUB FROM ORDO.APPLIED "
        + "WHERE LOG_INDEX >= ? AND FIRST_INDEX IS NOT NULL ORDER BY FIRST_INDEX, FIRST_SUB LIMIT 1")) {
      while (true) {
        ps.setLong(1, low.index());
        LogPosition earliest = null;
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            earliest = new LogPosition(rs.getLong(1), rs.getInt(2));
          }
        }
        if (earliest == null || earliest.compareTo(low) >= 0) {
          break;
        }
        low = earliest;
      }
    }
    Set<String> ended = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT TXN_ID FROM ORDO.APPLIED "
        + "WHERE LOG_INDEX > ? OR (LOG_INDEX = ? AND SUB_INDEX >= ?)")) {
      ps.setLong(1, low.index());
      ps.setLong(2, low.index());
      ps.setInt(3, low.sub());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ended.add(rs.getString(1));
        }
      }
    }
    return new Resume(last, low, ended);
  }

  /** Records how a transaction ended, inside the current transaction of {@code c}. */
  static void record(Connection c, String txnId, LogPosition pos, LogPosition low, String outcome, long[] counts,
      String sqlState, long outcomeHash, LogPosition first) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, txnId);
      ps.setLong(2, pos.index());
      ps.setInt(3, pos.sub());
      ps.setLong(4, low.index());
      ps.setInt(5, low.sub());
      ps.setString(6, outcome);
      ps.setString(7, counts == null ? null
          : Arrays.stream(counts).mapToObj(Long::toString).collect(Collectors.joining(",")));
      ps.setString(8, sqlState);
      ps.setLong(9, outcomeHash);
      ps.setLong(10, first.index());
      ps.setInt(11, first.sub());
      ps.executeUpdate();
    }
  }

  /** The checkpoint recorded at {@code pos}, or null. */
  static Checkpoint checkpointAt(Connection c, LogPosition pos) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT LOG_INDEX, SUB_INDEX, DIGEST, TABLE_HASH "
        + "FROM ORDO.CHECKPOINTS WHERE LOG_INDEX = ? AND SUB_INDEX = ?")) {
      ps.setLong(1, pos.index());
      ps.setInt(2, pos.sub());
      return checkpoint(ps);
    }
  }

  /** The last checkpoint recorded before {@code pos}, or null. */
  static Checkpoint lastCheckpointBefore(Connection c, LogPosition pos) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT LOG_INDEX, SUB_INDEX, DIGEST, TABLE_HASH "
        + "FROM ORDO.CHECKPOINTS WHERE LOG_INDEX < ? OR (LOG_INDEX = ? AND SUB_INDEX < ?) "
        + "ORDER BY LOG_INDEX DESC, SUB_INDEX DESC LIMIT 1")) {
      ps.setLong(1, pos.index());
      ps.setLong(2, pos.index());
      ps.setInt(3, pos.sub());
      return checkpoint(ps);
    }
  }

  /** The last checkpoint recorded, or null. */
  static Checkpoint lastCheckpoint(Connection c) throws SQLException {
    return lastCheckpointBefore(c, new LogPosition(Long.MAX_VALUE, Integer.MAX_VALUE));
  }

  private static Checkpoint checkpoint(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return null;
      }
      // wasNull() speaks of the column read last: ask it right after TABLE_HASH, before any other column.
      long table = rs.getLong(4);
      Long tableHash = rs.wasNull() ? null : table;
      return new Checkpoint(new LogPosition(rs.getLong(1), rs.getInt(2)), rs.getLong(3), tableHash);
    }
  }

  /** A checkpoint as recorded: its position, the running digest there, the tables' hash if taken. */
  record Checkpoint(LogPosition position, long digest, Long tableHash) {}

  /**
   * The running digest at {@code to}: {@code from}'s digest plus the outcome
   * hashes of the transactions that ended in {@code [from, to)}.
   */
  static long digestBetween(Connection c, Checkpoint from, LogPosition to) throws SQLException {
    long sum = from == null ? 0 : from.digest();
    LogPosition start = from == null ? LogPosition.ZERO : from.position();
    try (PreparedStatement ps = c.prepareStatement("SELECT LOG_INDEX, SUB_INDEX, OUTCOME_HASH FROM ORDO.APPLIED "
        + "WHERE LOG_INDEX >= ? AND LOG_INDEX <= ? AND OUTCOME_HASH IS NOT NULL")) {
      ps.setLong(1, start.index());
      ps.setLong(2, to.index());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          LogPosition p = new LogPosition(rs.getLong(1), rs.getInt(2));
          if (p.compareTo(start) >= 0 && p.compareTo(to) < 0) {
            sum += rs.getLong(3);
          }
        }
      }
    }
    return sum;
  }

  /** Records a checkpoint (its own backend transaction; autocommit on {@code c}). */
  static void recordCheckpoint(Connection c, Checkpoint cp) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO ORDO.CHECKPOINTS (LOG_INDEX, SUB_INDEX, DIGEST, TABLE_HASH) VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, cp.position().index());
      ps.setInt(2, cp.position().sub());
      ps.setLong(3, cp.digest());
      if (cp.tableHash() == null) {
        ps.setNull(4, java.sql.Types.BIGINT);
      } else {
        ps.setLong(4, cp.tableHash());
      }
      ps.executeUpdate();
    }
  }

  /** The outcome recorded for a transaction id, or null. */
  static Outcome recordedTxn(Connection c, String txnId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT OUTCOME, UPDATE_COUNTS, SQL_STATE FROM ORDO.APPLIED WHERE TXN_ID = ?")) {
      ps.setString(1, txnId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        String code = rs.getString(1);
        if (COMMITTED.equals(code) || ROLLED_BACK.equals(code)) {
          String counts = rs.getString(2);
          long[] n = counts == null || counts.isEmpty()
              ? new long[0]
              : Arrays.stream(counts.split(",")).mapToLong(Long::parseLong).toArray();
          return new Outcome.Done(n, null, null);
        }
        String state = rs.getString(3);
        return new Outcome.Failed(state, 0,
            "this transaction failed with SQLState " + state + " when it was first applied", 0);
      }
    }
  }

  /** Whether {@code e} is the primary-key violation of a repeated transaction id. */
  static boolean isDuplicateTxn(SQLException e) {
    String msg = String.valueOf(e.getMessage()).toUpperCase(Locale.ROOT);
    return "23505".equals(e.getSQLState()) && msg.contains("APPLIED")
        && (msg.contains("TXN_ID") || msg.contains("APPLIED_TXN"));
  }
}
