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
 */
public record TableKeys(List<String> rowKey, List<List<String>> uniqueKeys, Map<String, KeyType> types,
    boolean opaque) {
  public TableKeys {
    rowKey = List.copyOf(rowKey);
    uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
    types = Map.copyOf(types);
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
