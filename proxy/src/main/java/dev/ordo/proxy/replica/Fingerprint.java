package dev.ordo.proxy.replica;

import dev.ordo.proxy.config.Backend;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A replica's environment: engine, version, and the settings that change what
 * the same SQL returns (collation, encoding, time zone, date and float output).
 * Replicas that execute one log must agree on it; each reports it with every
 * checkpoint, and an odd one is fenced.
 */
final class Fingerprint {
  private Fingerprint() {}

  static String of(Connection c, Backend backend) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    List<String> parts = new ArrayList<>();
    parts.add(md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
    try (Statement s = c.createStatement()) {
      if (backend == Backend.POSTGRESQL) {
        try (ResultSet rs = s.executeQuery("SELECT d.datcollate, d.datctype, pg_encoding_to_char(d.encoding), "
            + "current_setting('TimeZone'), current_setting('DateStyle'), current_setting('IntervalStyle'), "
            + "current_setting('extra_float_digits'), current_setting('standard_conforming_strings') "
            + "FROM pg_database d WHERE d.datname = current_database()")) {
          if (rs.next()) {
            String[] names = {"collate", "ctype", "encoding", "TimeZone", "DateStyle", "IntervalStyle",
                "extra_float_digits", "standard_conforming_strings"};
            for (int i = 0; i < names.length; i++) {
              parts.add(names[i] + "=" + rs.getString(i + 1));
            }
          }
        }
      } else {
        try (ResultSet rs = s.executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
            + "WHERE SETTING_NAME IN ('COLLATION', 'MODE', 'DEFAULT_NULL_ORDERING', 'TIME ZONE', "
            + "'DATABASE_TO_UPPER', 'DATABASE_TO_LOWER', 'CASE_INSENSITIVE_IDENTIFIERS', 'BINARY_COLLATION', "
            + "'UUID_COLLATION') ORDER BY SETTING_NAME")) {
          while (rs.next()) {
            parts.add(rs.getString(1) + "=" + rs.getString(2));
          }
        }
      }
    }
    return String.join("; ", parts);
  }
}
