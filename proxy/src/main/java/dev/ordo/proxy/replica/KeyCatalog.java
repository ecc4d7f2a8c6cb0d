package dev.ordo.proxy.replica;

import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.sql.TableKeys;
import dev.ordo.proxy.sql.TableKeys.KeyType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Loads, for the catalog, what key-level locks need of each base table
 * ({@link TableKeys}): its primary key and unique indexes, the comparison types
 * of their columns, and whether it has uniqueness that is not plain columns.
 * H2: {@code INFORMATION_SCHEMA.INDEXES}, {@code INDEX_COLUMNS} and
 * {@code COLUMNS}; PostgreSQL: {@code pg_index} (key columns only, not
 * {@code INCLUDE} ones), {@code pg_constraint} (exclusion constraints),
 * {@code pg_attribute}, {@code pg_type} and {@code pg_collation}.
 */
final class KeyCatalog {
  private KeyCatalog() {}

  private record Index(boolean primary, Set<String> columns) {}

  static Map<String, TableKeys> load(Connection c, Backend backend, Set<String> tables) throws SQLException {
    boolean pg = backend == Backend.POSTGRESQL;
    // table → index name → (primary?, columns); TreeMaps so that the row key chosen is the same everywhere.
    Map<String, Map<String, Index>> indexes = new TreeMap<>();
    Map<String, Map<String, KeyType>> types = new HashMap<>();
    Map<String, Set<String>> notNull = new HashMap<>();
    Set<String> opaque = new HashSet<>();
    String columnSql = pg
        ? "SELECT n.nspname, c.relname, a.attname, t.typname, a.attnotnull,"
            + " COALESCE((SELECT k.collisdeterministic FROM pg_collation k WHERE k.oid = a.attcollation), true)"
            + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
            + " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        : "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, IS_NULLABLE = 'NO',"
            + " COLLATION_NAME IS NULL OR COLLATION_NAME = 'OFF' FROM INFORMATION_SCHEMA.COLUMNS";
    String indexSql = pg
        ? "SELECT n.nspname, c.relname, i.indexrelid::text, a.attname, i.indisprimary FROM pg_index i"
            + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS u(attnum, ord)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.attnum"
            + " WHERE i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND u.ord <= i.indnkeyatts"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        : "SELECT i.TABLE_SCHEMA, i.TABLE_NAME, i.INDEX_NAME, k.COLUMN_NAME, i.INDEX_TYPE_NAME = 'PRIMARY KEY'"
            + " FROM INFORMATION_SCHEMA.INDEXES i JOIN INFORMATION_SCHEMA.INDEX_COLUMNS k"
            + " ON k.INDEX_SCHEMA = i.INDEX_SCHEMA AND k.INDEX_NAME = i.INDEX_NAME AND k.TABLE_NAME = i.TABLE_NAME"
            + " WHERE i.INDEX_TYPE_NAME IN ('PRIMARY KEY', 'UNIQUE INDEX')";
    try (Statement s = c.createStatement()) {
      Map<String, Set<String>> seen = new HashMap<>();
      try (ResultSet rs = s.executeQuery(columnSql)) {
        while (rs.next()) {
          String table = name(rs.getString(1), rs.getString(2));
          if (!tables.contains(table)) {
            continue;
          }
          String column = rs.getString(3).toUpperCase(Locale.ROOT);
          if (!seen.computeIfAbsent(table, k -> new HashSet<>()).add(column)) {
            opaque.add(table); // "id" and "ID": a statement's column names cannot be matched safely
          }
          KeyType type = type(rs.getString(4), pg);
          if (type == KeyType.TEXT && !rs.getBoolean(6)) {
            type = null; // a collation that may find different texts equal
          }
          if (type != null) {
            types.computeIfAbsent(table, k -> new HashMap<>()).put(column, type);
          }
          if (rs.getBoolean(5)) {
            notNull.computeIfAbsent(table, k -> new HashSet<>()).add(column);
          }
        }
      }
      try (ResultSet rs = s.executeQuery(indexSql)) {
        while (rs.next()) {
          String table = name(rs.getString(1), rs.getString(2));
          Index index = indexes.computeIfAbsent(table, k -> new TreeMap<>())
              .computeIfAbsent(rs.getString(3), k -> new Index(false, new TreeSet<>()));
          index.columns().add(rs.getString(4).toUpperCase(Locale.ROOT));
          if (rs.getBoolean(5)) {
            indexes.get(table).put(rs.getString(3), new Index(true, index.columns()));
          }
        }
      }
      if (pg) {
        try (ResultSet rs = s.executeQuery("SELECT n.nspname, c.relname FROM pg_index i"
            + " JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE i.indisunique AND (i.indpred IS NOT NULL OR i.indexprs IS NOT NULL)"
            + " UNION SELECT n.nspname, c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'x'")) {
          while (rs.next()) {
            opaque.add(name(rs.getString(1), rs.getString(2)));
          }
        }
      }
    }
    Map<String, List<TableKeys.ForeignKey>> foreignKeys = foreignKeys(c, pg, tables);
    Map<String, TableKeys> out = new HashMap<>();
    for (String table : tables) {
      Map<String, Index> byName = indexes.getOrDefault(table, Map.of());
      Set<List<String>> unique = new java.util.LinkedHashSet<>();
      List<String> primary = null;
      List<String> firstNotNull = null;
      Set<String> nn = notNull.getOrDefault(table, Set.of());
      for (Index index : byName.values()) {
        List<String> cols = List.copyOf(index.columns()); // sorted
        unique.add(cols);
        if (index.primary()) {
          primary = cols;
        } else if (firstNotNull == null && nn.containsAll(cols)) {
          firstNotNull = cols;
        }
      }
      List<String> rowKey = primary != null ? primary : firstNotNull != null ? firstNotNull : List.of();
      out.put(table, new TableKeys(rowKey, new ArrayList<>(unique), types.getOrDefault(table, Map.of()),
          opaque.contains(table), foreignKeys.getOrDefault(table, List.of())));
    }
    return out;
  }

  /**
   * Every foreign key of the given tables, column by column in the constraint's order. H2: the standard
   * {@code REFERENTIAL_CONSTRAINTS} and {@code KEY_COLUMN_USAGE} (a referencing column's
   * {@code POSITION_IN_UNIQUE_CONSTRAINT} names the column it references); PostgreSQL: {@code pg_constraint}'s
   * {@code conkey} and {@code confkey}, pairwise.
   */
  private static Map<String, List<TableKeys.ForeignKey>> foreignKeys(Connection c, boolean pg, Set<String> tables)
      throws SQLException {
    String sql = pg
        ? "SELECT k.oid::text, cn.nspname, cl.relname, a.attname, pn.nspname, p.relname, pa.attname"
            + " FROM pg_constraint k JOIN pg_class cl ON cl.oid = k.conrelid"
            + " JOIN pg_namespace cn ON cn.oid = cl.relnamespace JOIN pg_class p ON p.oid = k.confrelid"
            + " JOIN pg_namespace pn ON pn.oid = p.relnamespace"
            + " CROSS JOIN LATERAL unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(ck, pk, ord)"
            + " JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.ck"
            + " JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = u.pk"
            + " WHERE k.contype = 'f' ORDER BY 1, u.ord"
        : "SELECT rc.CONSTRAINT_SCHEMA || '.' || rc.CONSTRAINT_NAME, fk.TABLE_SCHEMA, fk.TABLE_NAME, fk.COLUMN_NAME,"
            + " pk.TABLE_SCHEMA, pk.TABLE_NAME, pk.COLUMN_NAME FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc"
            + " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE fk ON fk.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA"
            + " AND fk.CONSTRAINT_NAME = rc.CONSTRAINT_NAME"
            + " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE pk ON pk.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA"
            + " AND pk.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME"
            + " AND pk.ORDINAL_POSITION = fk.POSITION_IN_UNIQUE_CONSTRAINT"
            + " ORDER BY 1, fk.ORDINAL_POSITION";
    record Columns(String table, String parent, List<String> columns, List<String> parentColumns) {}
    Map<String, Columns> byConstraint = new java.util.LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String table = name(rs.getString(2), rs.getString(3));
        String parent = name(rs.getString(5), rs.getString(6));
        Columns k = byConstraint.computeIfAbsent(rs.getString(1),
            id -> new Columns(table, parent, new ArrayList<>(), new ArrayList<>()));
        k.columns().add(rs.getString(4).toUpperCase(Locale.ROOT));
        k.parentColumns().add(rs.getString(7).toUpperCase(Locale.ROOT));
      }
    }
    Map<String, List<TableKeys.ForeignKey>> out = new HashMap<>();
    for (Columns k : byConstraint.values()) {
      if (tables.contains(k.table())) {
        out.computeIfAbsent(k.table(), t -> new ArrayList<>())
            .add(new TableKeys.ForeignKey(k.columns(), k.parent(), k.parentColumns()));
      }
    }
    return out;
  }

  /** The comparison type Ordo normalises values of a column type to, or null. */
  private static KeyType type(String typeName, boolean pg) {
    String t = typeName.toUpperCase(Locale.ROOT);
    if (pg) {
      return switch (t) {
        case "INT2", "INT4", "INT8" -> KeyType.INTEGER;
        case "TEXT", "VARCHAR" -> KeyType.TEXT;
        case "UUID" -> KeyType.UUID;
        default -> null; // bpchar pads, numeric rounds, domains may do anything
      };
    }
    return switch (t) {
      case "TINYINT", "SMALLINT", "INTEGER", "BIGINT" -> KeyType.INTEGER;
      case "CHARACTER VARYING" -> KeyType.TEXT;
      case "UUID" -> KeyType.UUID;
      default -> null;
    };
  }

  private static String name(String schema, String table) {
    return (schema + "." + table).toUpperCase(Locale.ROOT);
  }
}
