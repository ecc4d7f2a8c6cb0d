package dev.ordo.proxy.replica;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.ResultData;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Executes one {@link TxnEntry} on a replica connection as one backend
 * transaction, with its bookkeeping row. Deterministic errors become a
 * {@link Outcome.Failed} (recorded too); any other error is thrown as a
 * {@link ReplicaFault} with the transaction rolled back.
 */
final class EntryExecutor {
  private EntryExecutor() {}

  static Outcome execute(Connection c, TxnEntry txn, LogPosition pos) throws ReplicaFault {
    int current = 0;
    try {
      c.setAutoCommit(false);
      int n = txn.statements().size();
      long[] counts = new long[n];
      ResultData keys = null;
      ResultData rows = null;
      for (current = 0; current < n; current++) {
        TxnEntry.Statement s = txn.statements().get(current);
        try (Statement st = prepare(c, s, txn.keys())) {
          boolean hasRows = st instanceof PreparedStatement ps ? ps.execute() : execute(st, s.sql(), txn.keys());
          if (hasRows) {
            try (ResultSet rs = st.getResultSet()) {
              rows = Jdbc.materialise(rs, 0);
            }
            counts[current] = -1;
          } else {
            counts[current] = st.getLargeUpdateCount();
          }
          if (txn.keys().kind() != KeyRequest.Kind.NONE) {
            try (ResultSet rs = st.getGeneratedKeys()) {
              keys = Jdbc.concat(keys, Jdbc.materialise(rs, 0));
            }
          }
        }
      }
      current = -1;
      Outcome ok = new Outcome.Committed(counts, keys, rows);
      Bookkeeping.record(c, pos, txn.txnId(), ok);
      c.commit();
      return ok;
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (current == -1 && Bookkeeping.isDuplicateTxn(e)) {
        return duplicate(c, txn);
      }
      if (current >= 0 && DeterministicErrors.isDeterministic(e)) {
        Outcome failed = new Outcome.Failed(e.getSQLState(), e.getErrorCode(), e.getMessage(), current);
        recordFailure(c, txn, pos, failed);
        return failed;
      }
      throw new ReplicaFault("entry " + pos + " (" + txn.txnId() + ") failed on the replica: " + e, e);
    }
  }

  private static Statement prepare(Connection c, TxnEntry.Statement s, KeyRequest keys) throws SQLException {
    if (s.params().isEmpty()) {
      return c.createStatement();
    }
    PreparedStatement ps = switch (keys.kind()) {
      case NONE -> c.prepareStatement(s.sql());
      case AUTO -> c.prepareStatement(s.sql(), Statement.RETURN_GENERATED_KEYS);
      case NAMES -> c.prepareStatement(s.sql(), keys.columnNames().toArray(new String[0]));
      case INDEXES -> c.prepareStatement(s.sql(), keys.columnIndexes());
    };
    try {
      Jdbc.bind(ps, s.params());
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }

  private static boolean execute(Statement st, String sql, KeyRequest keys) throws SQLException {
    return switch (keys.kind()) {
      case NONE -> st.execute(sql);
      case AUTO -> st.execute(sql, Statement.RETURN_GENERATED_KEYS);
      case NAMES -> st.execute(sql, keys.columnNames().toArray(new String[0]));
      case INDEXES -> st.execute(sql, keys.columnIndexes());
    };
  }

  private static void recordFailure(Connection c, TxnEntry txn, LogPosition pos, Outcome failed)
      throws ReplicaFault {
    try {
      Bookkeeping.record(c, pos, txn.txnId(), failed);
      c.commit();
    } catch (SQLException e) {
      rollbackQuietly(c);
      if (Bookkeeping.isDuplicateTxn(e)) {
        return;
      }
      throw new ReplicaFault("entry " + pos + ": could not record its failure: " + e, e);
    }
  }

  private static Outcome duplicate(Connection c, TxnEntry txn) throws ReplicaFault {
    try {
      Outcome first = Bookkeeping.recordedTxn(c, txn.txnId());
      c.commit();
      if (first == null) {
        throw new ReplicaFault("transaction " + txn.txnId() + " is recorded as applied but its row is gone", null);
      }
      return first;
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw new ReplicaFault("transaction " + txn.txnId() + ": could not read its first outcome: " + e, e);
    }
  }

  static void rollbackQuietly(Connection c) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // The connection is broken; the replica reconnects.
    }
  }
}
