package dev.ordo.proxy.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the determinism rules need to know about one table of a replica's
 * catalog: its columns in order (with their defaults and whether they are
 * identity columns) and its unique NOT NULL keys.
 *
 * @param name the table's name as the catalog stores it
 * @param columns its columns, in order
 * @param uniqueKeys the column sets (upper-cased) of its primary key and of its unique constraints whose columns
 *     are all NOT NULL: each identifies a row
 */
public record TableSchema(String name, List<Column> columns, List<Set<String>> uniqueKeys) {
  public TableSchema {
    columns = List.copyOf(columns);
    uniqueKeys = List.copyOf(uniqueKeys);
  }

  /**
   * One column.
   *
   * @param name its name as the catalog stores it (H2: upper case, PostgreSQL: lower case, unless quoted)
   * @param defaultExpression its default as the catalog shows it, or null
   * @param identity whether it is an identity (auto-increment) column
   */
  public record Column(String name, String defaultExpression, boolean identity) {
    /** Whether its value is drawn from a sequence when not supplied: identity, serial, {@code nextval} default. */
    public boolean generated() {
      if (identity) {
        return true;
      }
      if (defaultExpression == null) {
        return false;
      }
      String d = defaultExpression.toUpperCase(Locale.ROOT);
      return d.contains("NEXTVAL") || d.contains("NEXT VALUE FOR");
    }
  }

  /** The column named {@code upperName} (upper-cased), or null. */
  public Column column(String upperName) {
    for (Column c : columns) {
      if (c.name().toUpperCase(Locale.ROOT).equals(upperName)) {
        return c;
      }
    }
    return null;
  }

  /** Finds tables by name as a statement writes it. */
  @FunctionalInterface
  public interface Lookup {
    /**
     * The table {@code name} (upper-cased, possibly schema-qualified as {@code SCHEMA.TABLE}), or null when it is
     * no base table.
     */
    TableSchema table(String name);
  }
}
