package dev.ordo.proxy.session;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.Response;
import dev.ordo.proxy.txn.NodeAdmin;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Operator commands, sent as statements on any connection to a node and
 * answered by that node (never logged, never sent to a replica):
 * <pre>
 * ORDO STATUS
 * ORDO ADD REPLICA name URL 'jdbc:postgresql://...' [USER 'user'] [PASSWORD 'password'] [FROM replica]
 * ORDO RESYNC REPLICA name [FROM replica]
 * </pre>
 */
final class OrdoCommands {
  private static final String STRING = "'((?:[^']|'')*)'";
  private static final Pattern STATUS = Pattern.compile("\\s*ORDO\\s+STATUS\\s*;?\\s*", Pattern.CASE_INSENSITIVE);
  private static final Pattern ADD_REPLICA = Pattern.compile("\\s*ORDO\\s+ADD\\s+REPLICA\\s+(\\w+)\\s+URL\\s+" + STRING
      + "(?:\\s+USER\\s+" + STRING + ")?(?:\\s+PASSWORD\\s+" + STRING + ")?(?:\\s+FROM\\s+(\\w+))?\\s*;?\\s*",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern RESYNC = Pattern.compile(
      "\\s*ORDO\\s+RESYNC\\s+REPLICA\\s+(\\w+)(?:\\s+FROM\\s+(\\w+))?\\s*;?\\s*", Pattern.CASE_INSENSITIVE);
  static final String USAGE = "ORDO STATUS | ORDO ADD REPLICA name URL 'jdbc:postgresql://host:port/db' "
      + "[USER 'user'] [PASSWORD 'password'] [FROM replica] | ORDO RESYNC REPLICA name [FROM replica]";

  private OrdoCommands() {}

  static Response run(String sql, boolean autocommit, NodeAdmin admin) {
    if (!autocommit) {
      return new Response.Error(SqlState.ACTIVE_SQL_TRANSACTION.code(), "ORDO commands run outside transactions; "
          + "call commit() or rollback(), or use a connection with autocommit on");
    }
    if (admin == null) {
      return new Response.Error(SqlState.CANNOT_CONNECT_NOW.code(), "this node is still starting; retry");
    }
    if (STATUS.matcher(sql).matches()) {
      return new Response.Rows(admin.replicaStatus());
    }
    Matcher m = ADD_REPLICA.matcher(sql);
    if (m.matches()) {
      try {
        return new Response.Rows(admin.addReplica(m.group(1), unquote(m.group(2)), unquote(m.group(3)),
            unquote(m.group(4)), m.group(5)));
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? SqlState.INTERNAL_ERROR.code() : e.getSQLState();
        return new Response.Error(state, "ORDO ADD REPLICA " + m.group(1) + " failed: " + e.getMessage());
      }
    }
    Matcher r = RESYNC.matcher(sql);
    if (r.matches()) {
      try {
        return new Response.Rows(admin.resyncReplica(r.group(1), r.group(2)));
      } catch (SQLException e) {
        String state = e.getSQLState() == null ? SqlState.INTERNAL_ERROR.code() : e.getSQLState();
        return new Response.Error(state, "ORDO RESYNC REPLICA " + r.group(1) + " failed: " + e.getMessage());
      }
    }
    return new Response.Error(SqlState.SYNTAX_ERROR.code(), "unknown or malformed ORDO command; the commands are: "
        + USAGE);
  }

  private static String unquote(String s) {
    return s == null ? null : s.replace("''", "'");
  }
}
