package dev.ordo.sqltests.slt;

import dev.ordo.proxy.config.ReplicaConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A database engine the suite runs on, seen from both sides: fresh databases
 * used directly (the baseline, one per test file) and the replica databases of
 * the Ordo node. Both come from the same engine in the same configuration, so
 * any difference in results is Ordo's.
 */
public interface Backend extends AutoCloseable {
  /** The time zone of every session on both sides (Ordo's default replica time zone). */
  String TIME_ZONE = "UTC";

  /** The engines there is a backend for. */
  enum Kind {
    H2("h2"),
    POSTGRESQL("postgresql");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name used on the command line and in reports: {@code h2}, {@code postgresql}. */
    public String label() {
      return label;
    }

    /** The kind named {@code text} ({@code h2}, {@code postgresql}, any case). */
    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.label.equalsIgnoreCase(text) || k.name().equalsIgnoreCase(text)) {
          return k;
        }
      }
      throw new IllegalArgumentException("backend '" + text + "': expected h2 or postgresql");
    }

    /** Starts this backend with its files under {@code dir}. */
    public Backend open(Path dir) throws Exception {
      return switch (this) {
        case H2 -> new H2Backend(dir);
        case POSTGRESQL -> PostgresBackend.start(dir);
      };
    }
  }

  Kind kind();

  /** A new, empty database for one test file, used directly. */
  Database createBareDatabase() throws Exception;

  /** Removes a database made by {@link #createBareDatabase} (its connections are closed). */
  void dropBareDatabase(Database db) throws Exception;

  /** New, empty databases for the Ordo node's replicas, named {@code r1}..{@code rN}. */
  List<ReplicaConfig> createReplicas(int count) throws Exception;

  /**
   * Pins on a direct connection the session settings that Ordo pins on every
   * replica connection (isolation, time zone), so both sides run alike.
   */
  void configureSession(Connection c) throws SQLException;

  @Override
  void close() throws Exception;

  /** Schemas that hold no user objects: the engines' catalogs and Ordo's bookkeeping. */
  Set<String> SYSTEM_SCHEMAS = Set.of("INFORMATION_SCHEMA", "PG_CATALOG", "PG_TOAST", "ORDO");

  /**
   * Every user object of a database read directly, as {@code TYPE schema.name}:
   * tables, views, indexes, sequences... anything outside the system schemas.
   */
  static List<String> userObjects(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getTables(null, null, "%", null)) {
      while (rs.next()) {
        String schema = rs.getString("TABLE_SCHEM");
        if (schema != null && SYSTEM_SCHEMAS.contains(schema.toUpperCase(Locale.ROOT))) {
          continue;
        }
        if (schema != null && schema.toLowerCase(Locale.ROOT).startsWith("pg_temp")) {
          continue;
        }
        out.add(rs.getString("TABLE_TYPE") + " " + schema + "." + rs.getString("TABLE_NAME"));
      }
    }
    return out;
  }

  /** The user tables (not views) of a database read directly, as quoted {@code "schema"."name"}. */
  static List<String> userTables(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE", "BASE TABLE"})) {
      while (rs.next()) {
        String schema = rs.getString("TABLE_SCHEM");
        if (schema != null && SYSTEM_SCHEMAS.contains(schema.toUpperCase(Locale.ROOT))) {
          continue;
        }
        out.add(quote(schema) + "." + quote(rs.getString("TABLE_NAME")));
      }
    }
    out.sort(null);
    return out;
  }

  /** {@code name} as a quoted SQL identifier. */
  static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
