package dev.ordo.proxy.replica;

import dev.ordo.proxy.config.Backend;
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
final class Catalog implements dev.ordo.proxy.sql.TableSchema.Lookup, dev.ordo.proxy.sql.TableKeys.Lookup {
  static final String DEFAULT_SCHEMA = "PUBLIC";

  private final Set<String> tables;
  /** Every relation name: base tables, views, synonyms, system tables. */
  private final Set<String> relations;
  private final Map<String, Set<String>> parents;
  private final Map<String, Set<String>> children;
  private final Map<String, Set<String>> defaultSequences;
  private final Set<String> triggered;
  /** PostgreSQL: every sequence, lock resource to SQL name (quoted, qualified). */
  private final Map<String, String> sequenceNames;
  /** Columns, defaults and unique NOT NULL keys of each base table, for the determinism rules. */
  private Map<String, dev.ordo.proxy.sql.TableSchema> schemas = Map.of();
  /** Primary keys, unique keys and key column types of each base table, for key-level locks. */
  private Map<String, dev.ordo.proxy.sql.TableKeys> keys = Map.of();

  private Catalog(Set<String> tables, Set<String> relations, Map<String, Set<String>> parents,
      Map<String, Set<String>> children, Map<String, Set<String>> defaultSequences, Set<String> triggered,
      Map<String, String> sequenceNames) {
    this.tables = tables;
    this.relations = relations;
    this.parents = parents;
    this.children = children;
    this.defaultSequences = defaultSequences;
    this.triggered = triggered;
    this.sequenceNames = sequenceNames;
  }

  private static final java.util.regex.Pattern NEXT_VALUE =
      java.util.regex.Pattern.compile("NEXT VALUE FOR\\s+([^\\s()]+)", java.util.regex.Pattern.CASE_INSENSITIVE);
  /** PostgreSQL column defaults: {@code nextval('schema.seq'::regclass)}. */
  private static final java.util.regex.Pattern NEXTVAL =
      java.util.regex.Pattern.compile("nextval\\('([^']+)'", java.util.regex.Pattern.CASE_INSENSITIVE);

  static Catalog load(Connection c, Backend backend) throws SQLException {
    Catalog catalog = backend == Backend.POSTGRESQL ? loadPostgres(c) : load(c);
    catalog.schemas = TableSchemas.load(c, backend, catalog.tables);
    catalog.keys = KeyCatalog.load(c, backend, catalog.tables);
    return catalog;
  }

  @Override
  public dev.ordo.proxy.sql.TableKeys keys(String name) {
    return keys.get(qualify(name));
  }

  @Override
  public dev.ordo.proxy.sql.TableSchema table(String name) {
    return schemas.get(qualify(name));
  }

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
    return new Catalog(tables, relations, parents, children, defaultSequences, triggered, Map.of());
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

  /**
   * PostgreSQL's catalog: the same facts from {@code INFORMATION_SCHEMA}, plus
   * the sequences owned by columns ({@code SERIAL} and identity columns, from
   * {@code pg_depend}), which an insert into the table draws from.
   */
  private static Catalog loadPostgres(Connection c) throws SQLException {
    Set<String> tables = new HashSet<>();
    Map<String, Set<String>> parents = new HashMap<>();
    Map<String, Set<String>> children = new HashMap<>();
    Map<String, Set<String>> defaultSequences = new HashMap<>();
    Set<String> triggered = new HashSet<>();
    Map<String, String> sequenceNames = new HashMap<>();
    Set<String> relations = new HashSet<>();
    try (Statement s = c.createStatement()) {
      // Every relation a statement may name: tables, views, sequences, foreign tables, in any schema.
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, r.relname FROM pg_class r "
          + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') "
          + "AND n.nspname NOT LIKE 'pg_toast%'")) {
        while (rs.next()) {
          relations.add(name(rs.getString(1), rs.getString(2)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, r.relname FROM pg_class r "
          + "JOIN pg_namespace n ON n.oid = r.relnamespace WHERE r.relkind IN ('r', 'p') "
          + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
        while (rs.next()) {
          tables.add(name(rs.getString(1), rs.getString(2)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT cn.nspname, c.relname, pn.nspname, p.relname FROM pg_constraint k "
          + "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace "
          + "JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace "
          + "WHERE k.contype = 'f'")) {
        while (rs.next()) {
          String child = name(rs.getString(1), rs.getString(2));
          String parent = name(rs.getString(3), rs.getString(4));
          parents.computeIfAbsent(child, k -> new HashSet<>()).add(parent);
          children.computeIfAbsent(parent, k -> new HashSet<>()).add(child);
        }
      }
      // The SQL name in the form Bookkeeping.allSequences gives: one saved row per sequence.
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, q.relname, "
          + "quote_ident(n.nspname) || '.' || quote_ident(q.relname) FROM pg_class q "
          + "JOIN pg_namespace n ON n.oid = q.relnamespace WHERE q.relkind = 'S'")) {
        while (rs.next()) {
          sequenceNames.put(sequence(rs.getString(1) + "." + rs.getString(2)), rs.getString(3));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT table_schema, table_name, column_default FROM "
          + "information_schema.columns WHERE column_default LIKE '%nextval(%'")) {
        while (rs.next()) {
          java.util.regex.Matcher m = NEXTVAL.matcher(rs.getString(3));
          while (m.find()) {
            String seq = m.group(1).replace("\"", "");
            defaultSequences.computeIfAbsent(name(rs.getString(1), rs.getString(2)), k -> new HashSet<>())
                .add(sequence(seq));
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT tn.nspname, t.relname, qn.nspname, q.relname FROM pg_depend d "
          + "JOIN pg_class q ON q.oid = d.objid AND q.relkind = 'S' JOIN pg_namespace qn ON qn.oid = q.relnamespace "
          + "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace "
          + "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass "
          + "AND d.deptype IN ('a', 'i')")) {
        while (rs.next()) {
          defaultSequences.computeIfAbsent(name(rs.getString(1), rs.getString(2)), k -> new HashSet<>())
              .add(sequence(rs.getString(3) + "." + rs.getString(4)));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT n.nspname, t.relname FROM pg_trigger g "
          + "JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
          + "WHERE NOT g.tgisinternal")) {
        while (rs.next()) {
          triggered.add(name(rs.getString(1), rs.getString(2)));
        }
      }
    }
    return new Catalog(tables, relations, parents, children, defaultSequences, triggered, sequenceNames);
  }

  /**
   * PostgreSQL: the SQL names of the sequences among lock resources, or of
   * every sequence when {@code all} (an entry under the global lock may use any).
   */
  java.util.List<String> sequenceNames(java.util.Collection<String> resources, boolean all) {
    if (all) {
      return java.util.List.copyOf(new java.util.TreeSet<>(sequenceNames.values()));
    }
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (String r : resources) {
      String n = sequenceNames.get(r);
      if (n != null) {
        out.add(n);
      }
    }
    return java.util.List.copyOf(out);
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
  /** Every base table outside Ordo's own schema (upper-cased, qualified): what a checkpoint hashes. */
  java.util.SortedSet<String> userTables() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (String t : tables) {
      if (!t.startsWith("ORDO.") && !isSystem(t)) {
        out.add(t);
      }
    }
    return out;
  }

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
