package dev.ordo.proxy.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the lock manager needs to know about a replica's schema: its base tables
 * and the foreign keys between them, and which other relations exist. Loaded
 * from the standard {@code INFORMATION_SCHEMA} when a replica starts and again
 * after every entry that held the global lock or ran DDL, so every replica sees
 * the same catalog at the same log position.
 */
final class Catalog {
  static final String DEFAULT_SCHEMA = "PUBLIC";

  private final Set<String> tables;
  /** Every relation name: base tables, views, synonyms, system tables. */
  private final Set<String> relations;
  private final Map<String, Set<String>> parents;
  private final Map<String, Set<String>> children;
  private final Map<String, Set<String>> defaultSequences;
  private final Set<String> triggered;

  private Catalog(Set<String> tables, Set<String> relations, Map<String, Set<String>> parents,
      Map<String, Set<String>> children, Map<String, Set<String>> defaultSequences, Set<String> triggered) {
    this.tables = tables;
    this.relations = relations;
    this.parents = parents;
    this.children = children;
    this.defaultSequences = defaultSequences;
    this.triggered = triggered;
  }

  private static final java.util.regex.Pattern NEXT_VALUE =
      java.util.regex.Pattern.compile("NEXT VALUE FOR\\s+([^\\s()]+)", java.util.regex.Pattern.CASE_INSENSITIVE);

  static Catalog load(Connection c) throws SQLException {
    Set<String> tables = new HashSet<>();
    Map<String, Set<String>> parents = new HashMap<>();
    Map<String, Set<String>> children = new HashMap<>();
    Map<String, Set<String>> defaultSequences = new HashMap<>();
    Set<String> triggered = new HashSet<>();
    Set<String> relations = new HashSet<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES")) {
        while (rs.next()) {
          relations.add(name(rs.getString(1), rs.getString(2)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
          + "WHERE TABLE_TYPE IN ('BASE TABLE', 'TABLE')")) {
        while (rs.next()) {
          tables.add(name(rs.getString(1), rs.getString(2)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT fk.TABLE_SCHEMA, fk.TABLE_NAME, pk.TABLE_SCHEMA, pk.TABLE_NAME "
          + "FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc "
          + "JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS fk ON fk.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA "
          + "AND fk.CONSTRAINT_NAME = rc.CONSTRAINT_NAME "
          + "JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS pk ON pk.CONSTRAINT_SCHEMA = rc.UNIQUE_CONSTRAINT_SCHEMA "
          + "AND pk.CONSTRAINT_NAME = rc.UNIQUE_CONSTRAINT_NAME")) {
        while (rs.next()) {
          String child = name(rs.getString(1), rs.getString(2));
          String parent = name(rs.getString(3), rs.getString(4));
          parents.computeIfAbsent(child, k -> new HashSet<>()).add(parent);
          children.computeIfAbsent(parent, k -> new HashSet<>()).add(child);
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_DEFAULT FROM "
          + "INFORMATION_SCHEMA.COLUMNS WHERE COLUMN_DEFAULT IS NOT NULL")) {
        while (rs.next()) {
          java.util.regex.Matcher m = NEXT_VALUE.matcher(rs.getString(3));
          while (m.find()) {
            defaultSequences.computeIfAbsent(name(rs.getString(1), rs.getString(2)), k -> new HashSet<>())
                .add(sequence(m.group(1).replace("\"", "")));
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE "
          + "FROM INFORMATION_SCHEMA.TRIGGERS")) {
        while (rs.next()) {
          triggered.add(name(rs.getString(1), rs.getString(2)));
        }
      }
    }
    if (relations.contains("INFORMATION_SCHEMA.SYNONYMS")) { // H2's other names for tables
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT SYNONYM_SCHEMA, SYNONYM_NAME FROM INFORMATION_SCHEMA.SYNONYMS")) {
        while (rs.next()) {
          relations.add(name(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return new Catalog(tables, relations, parents, children, defaultSequences, triggered);
  }

  /** Whether {@code qualified} names a relation that is not a base table: a view, a synonym, a system table. */
  boolean isOtherRelation(String qualified) {
    return relations.contains(qualified) && !tables.contains(qualified);
  }

  /**
   * Whether {@code qualified} may be a table that describes the catalog, which
   * DDL changes: one in {@code INFORMATION_SCHEMA} or {@code pg_catalog}, or an
   * unqualified {@code pg_…} name (PostgreSQL finds its catalog tables without
   * a schema).
   */
  static boolean isSystem(String qualified) {
    return qualified.startsWith("INFORMATION_SCHEMA.") || qualified.startsWith("PG_CATALOG.")
        || qualified.substring(qualified.lastIndexOf('.') + 1).startsWith("PG_");
  }

  private static String name(String schema, String table) {
    return (schema + "." + table).toUpperCase(Locale.ROOT);
  }

  /** The lock resource of a sequence, from its name as written (qualified with the default schema). */
  static String sequence(String name) {
    return "SEQUENCE " + qualify(name.toUpperCase(Locale.ROOT));
  }

  /** Sequences that column defaults of {@code table} draw from: an insert uses them. */
  Set<String> defaultSequencesOf(String table) {
    return defaultSequences.getOrDefault(table, Set.of());
  }

  /** Whether {@code table} has triggers, whose effects table locks cannot see. */
  boolean hasTriggers(String table) {
    return triggered.contains(table);
  }

  /** A table name as the analyzer gives it, qualified with the default schema. */
  static String qualify(String table) {
    return table.indexOf('.') >= 0 ? table : DEFAULT_SCHEMA + "." + table;
  }

  /** Whether {@code qualified} is a base table (not a view, not a system table, not unknown). */
  boolean isBaseTable(String qualified) {
    return tables.contains(qualified);
  }

  /** Tables that {@code table} references through foreign keys. */
  Set<String> parentsOf(String table) {
    return parents.getOrDefault(table, Set.of());
  }

  /** Tables that reference {@code table} through foreign keys. */
  Set<String> childrenOf(String table) {
    return children.getOrDefault(table, Set.of());
  }
}
