package dev.ordo.driver;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

/**
 * Builds the {@link SQLException} subclass that JDBC prescribes for a
 * SQLState's class, so that applications and pools can react by type:
 * 08 connection, 0A not supported, 22 data, 23 integrity, 28 authorization,
 * 40 rollback (retry), 42 syntax or access, 57014 timeout.
 */
public final class SqlExceptions {
  private SqlExceptions() {}

  public static SQLException create(SqlState state, String message) {
    return create(state.code(), message, 0, null);
  }

  public static SQLException create(SqlState state, String message, Throwable cause) {
    return create(state.code(), message, 0, cause);
  }

  public static SQLException create(String sqlState, String message, int vendorCode, Throwable cause) {
    String cls = sqlState == null || sqlState.length() < 2 ? "" : sqlState.substring(0, 2);
    SQLException e;
    switch (cls) {
      case "08":
        if (sqlState.equals("08006") || sqlState.equals("08007")) {
          e = new SQLTransientConnectionException(message, sqlState, vendorCode);
        } else {
          e = new SQLNonTransientConnectionException(message, sqlState, vendorCode);
        }
        break;
      case "0A":
        e = new SQLFeatureNotSupportedException(message, sqlState, vendorCode);
        break;
      case "22":
        e = new SQLDataException(message, sqlState, vendorCode);
        break;
      case "23":
        e = new SQLIntegrityConstraintViolationException(message, sqlState, vendorCode);
        break;
      case "28":
        e = new SQLInvalidAuthorizationSpecException(message, sqlState, vendorCode);
        break;
      case "40":
        e = new SQLTransactionRollbackException(message, sqlState, vendorCode);
        break;
      case "42":
        e = new SQLSyntaxErrorException(message, sqlState, vendorCode);
        break;
      default:
        e = "57014".equals(sqlState) ? new SQLTimeoutException(message, sqlState, vendorCode)
            : "53300".equals(sqlState) ? new SQLTransientConnectionException(message, sqlState, vendorCode)
            : new SQLException(message, sqlState, vendorCode);
        break;
    }
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
