package dev.ordo.proxy.replica;

import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.sql.TableSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads, for the catalog, each base table's columns (defaults, identity) and
 * unique NOT NULL keys, which the determinism rules read ({@link TableSchema}).
 * H2: {@code INFORMATION_SCHEMA.COLUMNS} and the primary key and unique
 * constraints; PostgreSQL: {@code pg_attribute}, {@code pg_attrdef} (through
 * {@code pg_get_expr}) and every unique index without predicate or expressions.
 */
final class TableSchemas {
  private TableSchemas() {}

  static Map<String, TableSchema> load(Connection c, Backend backend, Set<String> tables) throws SQLException {
    Map<String, List<TableSchema.Column>> columns = new LinkedHashMap<>();
    Map<String, Set<String>> notNull = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    Map<String, Map<String, Set<String>>> keys = new HashMap<>();
    boolean pg = backend == Backend.POSTGRESQL;
    String columnSql = pg
        ? "SELECT n.nspname, c.relname, a.attname, CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid)"
            + " END, a.attnotnull, a.attidentity <> '' FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid"
            + " AND d.adnum = a.attnum WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, a.attnum"
        : "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE = 'NO', IS_IDENTITY = 'YES'"
            + " FROM INFORMATION_SCHEMA.COLUMNS ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";
    String keySql = pg
        ? "SELECT n.nspname, c.relname, i.indexrelid::text, a.attname FROM pg_index i"
            + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " CROSS JOIN LATERAL unnest(i.indkey) AS u(attnum)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum"
            + " WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        : "SELECT tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.COLUMN_NAME"
            + " FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k"
            + " ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME"
            + " WHERE tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE')";
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery(columnSql)) {
        while (rs.next()) {
          String table = name(rs.getString(1), rs.getString(2));
          if (!tables.contains(table)) {
            continue;
          }
          names.putIfAbsent(table, rs.getString(2));
          columns.computeIfAbsent(table, k -> new ArrayList<>())
              .add(new TableSchema.Column(rs.getString(3), rs.getString(4), rs.getBoolean(6)));
          if (rs.getBoolean(5)) {
            notNull.computeIfAbsent(table, k -> new HashSet<>()).add(rs.getString(3).toUpperCase(Locale.ROOT));
          }
        }
      }
      try (ResultSet rs = s.executeQuery(keySql)) {
        while (rs.next()) {
          String table = name(rs.getString(1), rs.getString(2));
          keys.computeIfAbsent(table, k -> new LinkedHashMap<>())
              .computeIfAbsent(rs.getString(3), k -> new HashSet<>()).add(rs.getString(4).toUpperCase(Locale.ROOT));
        }
      }
    }
    Map<String, TableSchema> out = new HashMap<>();
    for (Map.Entry<String, List<TableSchema.Column>> e : columns.entrySet()) {
      List<Set<String>> unique = new ArrayList<>();
      Set<String> nn = notNull.getOrDefault(e.getKey(), Set.of());
      for (Set<String> key : keys.getOrDefault(e.getKey(), Map.of()).values()) {
        if (nn.containsAll(key)) {
          unique.add(Set.copyOf(key));
        }
      }
      out.put(e.getKey(), new TableSchema(names.get(e.getKey()), e.getValue(), unique));
    }
    return out;
  }

  private static String name(String schema, String table) {
    return (schema + "." + table).toUpperCase(Locale.ROOT);
  }
}
