package dev.ordo.sqltests.slt;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where one side runs one test file: a JDBC URL and its credentials.
 *
 * @param name a short name for messages (a database or replica name)
 * @param url the JDBC URL
 * @param user the user, or null
 * @param password the password, or null
 */
public record Database(String name, String url, String user, String password) {
  /** A new connection to this database. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url, user, password);
  }

  @Override
  public String toString() {
    return name + " (" + url + ")";
  }
}
