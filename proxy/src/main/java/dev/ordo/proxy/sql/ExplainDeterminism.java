package dev.ordo.proxy.sql;

import dev.ordo.proxy.config.Backend;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;

/** What {@code EXPLAIN ORDO} says about the determinism rules a replica applies with its catalog. */
public final class ExplainDeterminism {
  private ExplainDeterminism() {}

  /**
   * A description of the replicas' refusal or column-default rewrite of {@code sql} (time functions then shown
   * with this node's clock), or null when neither applies or no catalog is at hand.
   */
  public static String describe(String sql, TableSchema.Lookup schema, Backend backend, ZoneId zone) {
    if (schema == null) {
      return null;
    }
    String why = OrderRules.refusal(sql, schema);
    if (why != null) {
      return "refused by the replicas (0A000): " + why;
    }
    String rewritten;
    try {
      rewritten = ColumnDefaults.rewrite(sql, schema, backend, "explain");
    } catch (SQLException e) {
      return "refused by the replicas (" + e.getSQLState() + "): " + e.getMessage();
    }
    if (rewritten == sql) {
      return null;
    }
    Instant now = Instant.now();
    return "omitted columns with nondeterministic defaults are supplied (random values differ per log entry),"
        + " time functions become literals of the transaction's log time; with this node's clock now: "
        + TimeFunctions.rewrite(rewritten, now, now, zone, backend);
  }
}
