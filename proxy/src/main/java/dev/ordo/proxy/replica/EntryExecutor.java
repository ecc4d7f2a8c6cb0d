package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.ResultData;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.sql.Analysis;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.sql.Nondeterminism;
import dev.ordo.proxy.sql.TimeFunctions;
import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/** Runs the statements of one entry on a replica connection, inside its current transaction. */
final class EntryExecutor {
  private EntryExecutor() {}

  /** How many statement texts {@link #PLAIN} remembers per catalog before it starts again. */
  private static final int PLAIN_LIMIT = 20_000;

  /**
   * Per catalog (each reload is a new object, so a schema change starts afresh): the statement texts that
   * run exactly as written — not refused, no column default supplied, no time or random-value call. Every
   * replica executes every entry: this spares the scans of a text already found plain. Whether a text is
   * plain depends only on the text and the catalog, never on the entry (the entry only seeds the values
   * that a rewrite puts in).
   */
  private static final Map<dev.ordo.proxy.sql.TableSchema.Lookup, Set<String>> PLAIN =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static Set<String> plainFor(dev.ordo.proxy.sql.TableSchema.Lookup schema) {
    Set<String> plain = PLAIN.computeIfAbsent(schema, k -> ConcurrentHashMap.newKeySet());
    if (plain.size() > PLAIN_LIMIT) {
      plain.clear();
    }
    return plain;
  }

  /** The statement that failed and why. */
  static final class StatementFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int statement;

    StatementFailure(int statement, SQLException cause) {
      super(cause);
      this.statement = statement;
    }

    SQLException sqlException() {
      return (SQLException) getCause();
    }
  }

  /**
   * Executes every statement of {@code entry} on {@code c} (autocommit off; no
   * commit here), collecting update counts, generated keys and the rows of the
   * last statement that returned rows.
   *
   * <p>Time functions become literals ({@link TimeFunctions}): transaction time is
   * {@code transactionMicros} (the time of the transaction's first entry), and
   * statement {@code i}'s time is the entry's time plus {@code i} µs. Both come
   * from the log, so every replica executes the same text. So do random-value calls
   * in writes ({@link Nondeterminism}), from a seed made of the entry's identity and
   * the statement's index. Before that, {@link Determinism} refuses order-dependent writes
   * and supplies nondeterministic column defaults, from {@code schema} (the catalog).
   */
  static Outcome.Done run(Connection c, TxnEntry entry, long transactionMicros, ZoneId zone, Backend backend,
      Analyzer analyzer, dev.ordo.proxy.sql.TableSchema.Lookup schema) throws StatementFailure {
    Instant txnTime = instant(transactionMicros);
    int n = entry.statements().size();
    long[] counts = new long[n];
    ResultData keys = null;
    ResultData rows = null;
    Set<String> plain = plainFor(schema);
    for (int i = 0; i < n; i++) {
      TxnEntry.Statement given = entry.statements().get(i);
      String sql = given.sql();
      if (!plain.contains(sql)) {
        // A node refuses these before they are appended; an entry holding one anyway is refused here, alike on
        // every replica, and never run.
        Analysis checked = analyzer.analyze(sql);
        if (checked.kind() == Analysis.Kind.REFUSED || checked.kind() == Analysis.Kind.FORBIDDEN) {
          SqlState state = checked.kind() == Analysis.Kind.FORBIDDEN ? SqlState.INSUFFICIENT_PRIVILEGE
              : SqlState.FEATURE_NOT_SUPPORTED;
          throw new StatementFailure(i, new SQLException("Ordo refuses this statement: " + checked.reason() + ".",
              state.code()));
        }
        try {
          sql = Determinism.prepare(given.sql(), schema, backend, entry, i); // refusals, column defaults
        } catch (SQLException e) {
          throw new StatementFailure(i, e);
        }
        if (analyzer.analyze(sql).kind() == Analysis.Kind.WRITE && !Analyzer.isDdl(sql)) {
          sql = Nondeterminism.rewrite(sql, Nondeterminism.seed(entry.origin(), entry.incarnation(),
              entry.requestId(), i), backend);
        }
        sql = TimeFunctions.rewrite(sql, txnTime, instant(entry.timestampMicros() + i), zone, backend);
        if (sql.equals(given.sql())) {
          plain.add(sql);
        }
      }
      TxnEntry.Statement s = sql.equals(given.sql()) ? given : new TxnEntry.Statement(sql, given.params());
      try (Statement st = prepare(c, s, entry.keys())) {
        boolean hasRows = st instanceof PreparedStatement ps ? ps.execute() : execute(st, s.sql(), entry.keys());
        if (hasRows) {
          try (ResultSet rs = st.getResultSet()) {
            rows = Jdbc.materialise(rs, 0);
          }
          counts[i] = -1;
        } else {
          counts[i] = st.getLargeUpdateCount();
        }
        if (entry.keys().kind() != KeyRequest.Kind.NONE) {
          try (ResultSet rs = st.getGeneratedKeys()) {
            keys = Jdbc.concat(keys, Jdbc.materialise(rs, 0));
          }
        }
      } catch (SQLException e) {
        throw new StatementFailure(i, e);
      }
    }
    return new Outcome.Done(counts, keys, rows);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
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

  static void rollbackQuietly(Connection c) {
    try {
      if (c != null && !c.isClosed() && !c.getAutoCommit()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // The connection is broken; the replica reconnects.
    }
  }
}
