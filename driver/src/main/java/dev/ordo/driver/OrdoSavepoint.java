package dev.ordo.driver;

import java.sql.SQLException;
import java.sql.Savepoint;

/** A savepoint of an Ordo transaction: named by the application, or numbered by the driver. */
final class OrdoSavepoint implements Savepoint {
  private final int id;
  private final String name;

  OrdoSavepoint(int id, String name) {
    this.id = id;
    this.name = name;
  }

  @Override
  public int getSavepointId() throws SQLException {
    if (name != null) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Savepoint '" + name
          + "' is named; it has no id (use getSavepointName()).");
    }
    return id;
  }

  @Override
  public String getSavepointName() throws SQLException {
    if (name == null) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Savepoint " + id
          + " is unnamed; it has no name (use getSavepointId()).");
    }
    return name;
  }

  /** The savepoint's name in SQL: the application's name quoted, or ORDO_SAVEPOINT_n. */
  String sqlName() {
    return name != null ? "\"" + name.replace("\"", "\"\"") + "\"" : "ORDO_SAVEPOINT_" + id;
  }

  @Override
  public String toString() {
    return name != null ? "savepoint '" + name + "'" : "savepoint " + id;
  }
}
