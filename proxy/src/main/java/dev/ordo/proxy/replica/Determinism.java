package dev.ordo.proxy.replica;

import dev.ordo.driver.SqlState;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.sql.ColumnDefaults;
import dev.ordo.proxy.sql.OrderRules;
import dev.ordo.proxy.sql.TableSchema;
import dev.ordo.proxy.txn.TxnEntry;
import java.sql.SQLException;

/**
 * The determinism rules a replica applies to a statement before running it,
 * with its catalog at the statement's log position (the same on every replica):
 * order-dependent writes are refused ({@link OrderRules}, {@code 0A000}, which
 * every replica answers alike and which applies nothing), and nondeterministic
 * column defaults are supplied explicitly ({@link ColumnDefaults}).
 */
final class Determinism {
  private Determinism() {}

  /**
   * The statement {@code index} of {@code entry} as the replica runs it (before
   * its time functions become literals).
   *
   * @throws SQLException {@code 0A000} when the statement is refused
   */
  static String prepare(String sql, TableSchema.Lookup schema, Backend backend, TxnEntry entry, int index)
      throws SQLException {
    String why = OrderRules.refusal(sql, schema);
    if (why != null) {
      throw new SQLException("Ordo refuses this statement: " + why + ".", SqlState.FEATURE_NOT_SUPPORTED.code());
    }
    return ColumnDefaults.rewrite(sql, schema, backend, seed(entry, index));
  }

  /** What random literals of statement {@code index} are drawn from: the entry's identity in the log. */
  static String seed(TxnEntry entry, int index) {
    return entry.origin() + "/" + entry.incarnation() + "/" + entry.requestId() + "/" + index;
  }
}
