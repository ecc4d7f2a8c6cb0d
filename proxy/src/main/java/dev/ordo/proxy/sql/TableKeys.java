package dev.ordo.proxy.sql;

import java.util.List;
import java.util.Map;

/**
 * What key-level locking needs to know about one table of a replica's catalog
 * ({@link KeyLocks}): the key that names its rows, every set of columns the
 * backend keeps unique, and the types of the columns those keys use.
 *
 * @param rowKey the columns (upper-cased, sorted) that name a row: the primary key, or else the first unique key
 *     whose columns are all NOT NULL; empty when the table has neither (its rows are locked only as a whole table)
 * @param uniqueKeys every set of columns (upper-cased, sorted) with a unique constraint or unique index, the row key
 *     among them: a row inserted with given values in them must wait for anyone else inserting the same values
 * @param types the comparison type of each column (upper-cased) of a key whose values Ordo can put in canonical form;
 *     a key column missing here makes statements on that key lock the whole table
 * @param opaque whether the table has uniqueness Ordo cannot see as plain column values (a unique index on
 *     expressions or with a predicate, an exclusion constraint, columns whose names differ only in case): every
 *     write of it locks the whole table
 * @param foreignKeys the table's foreign keys, column by column, so that an insert can lock the parent rows it
 *     checks instead of the parent tables
 */
public record TableKeys(List<String> rowKey, List<List<String>> uniqueKeys, Map<String, KeyType> types,
    boolean opaque, List<ForeignKey> foreignKeys) {
  public TableKeys {
    rowKey = List.copyOf(rowKey);
    uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
    types = Map.copyOf(types);
    foreignKeys = List.copyOf(foreignKeys);
  }

  /** A table without foreign keys. */
  public TableKeys(List<String> rowKey, List<List<String>> uniqueKeys, Map<String, KeyType> types, boolean opaque) {
    this(rowKey, uniqueKeys, types, opaque, List.of());
  }

  /**
   * One foreign key: {@code columns.get(i)} of this table references {@code parentColumns.get(i)} of
   * {@code parent}.
   *
   * @param columns this table's columns (upper-cased), in the constraint's order
   * @param parent the referenced table, {@code SCHEMA.TABLE} upper-cased as the catalog names it
   * @param parentColumns the referenced columns (upper-cased), a unique key of the parent
   */
  public record ForeignKey(List<String> columns, String parent, List<String> parentColumns) {
    public ForeignKey {
      columns = List.copyOf(columns);
      parentColumns = List.copyOf(parentColumns);
      if (columns.size() != parentColumns.size() || columns.isEmpty()) {
        throw new IllegalArgumentException("a foreign key pairs its columns with as many parent columns: "
            + columns + " -> " + parent + parentColumns);
      }
    }
  }

  /** How the backend compares values of a key column, as far as Ordo normalises them. */
  public enum KeyType {
    /** {@code SMALLINT}, {@code INTEGER}, {@code BIGINT} (and H2's {@code TINYINT}): compared as integers. */
    INTEGER,
    /** {@code VARCHAR} and {@code TEXT} with a deterministic, binary-comparing collation: compared as text. */
    TEXT,
    /** {@code UUID}: compared as 128-bit values. */
    UUID
  }

  /** Finds a table's keys by name. */
  @FunctionalInterface
  public interface Lookup {
    /**
     * The keys of the table {@code name} (upper-cased, possibly schema-qualified as {@code SCHEMA.TABLE}), or null
     * when it is no base table.
     */
    TableKeys keys(String name);
  }
}
