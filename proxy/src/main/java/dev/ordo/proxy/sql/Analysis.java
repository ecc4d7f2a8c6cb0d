package dev.ordo.proxy.sql;

import java.util.Set;

/**
 * What the analyzer learned about one statement.
 *
 * @param kind how the statement is routed
 * @param parsed whether Ordo's SQL parser (Calcite's grammar, extended) read it; if not, it is a {@link Kind#WRITE}
 *     under the global lock
 * @param globalLock whether the statement must run alone (DDL, unparseable or unknown statements)
 * @param tablesRead tables the statement reads (upper-cased, possibly schema-qualified)
 * @param tablesWritten tables the statement writes
 * @param reason a short phrase saying why it was classified so, shown by {@code EXPLAIN ORDO}
 * @param sequences sequences the statement draws from or sets (upper-cased, possibly schema-qualified); for
 *     DDL, also the sequences it creates, alters or drops
 * @param ddl whether the statement is DDL that Calcite parsed ({@code CREATE}, {@code ALTER}, {@code DROP},
 *     {@code TRUNCATE}, {@code COMMENT}): a {@link Kind#WRITE} under the global lock whose tables are known (tables
 *     written: those it creates, alters, drops or empties; tables read: those it refers to)
 * @param advisoryLock whether the statement takes PostgreSQL transaction-level advisory locks
 *     ({@code pg_advisory_xact_lock} and its variants): it holds Ordo's advisory-lock resource exclusively until its
 *     transaction ends, so no two transactions hold advisory locks on a replica at once
 */
public record Analysis(
    Kind kind, boolean parsed, boolean globalLock, Set<String> tablesRead, Set<String> tablesWritten, String reason,
    Set<String> sequences, boolean ddl, boolean advisoryLock) {

  /** How a statement is routed. */
  public enum Kind {
    /** A pure read: served from the local replica at the linearizable read index. */
    READ,
    /** A write (DML, DDL, or anything not known to be a pure read): appended to the log. */
    WRITE,
    /** Transaction control written as SQL ({@code BEGIN}, {@code COMMIT}, {@code SAVEPOINT}, ...). */
    TRANSACTION_CONTROL,
    /** A statement Ordo refuses outright (0A000); {@link Analysis#reason()} says why. */
    REFUSED,
    /**
     * A statement that would reach beyond the replicated data (the replica server's files, programs, links,
     * accounts or configuration, other sessions, Ordo's bookkeeping): refused with 42501; see {@code Confinement}.
     */
    FORBIDDEN
  }

  public Analysis {
    tablesRead = Set.copyOf(tablesRead);
    tablesWritten = Set.copyOf(tablesWritten);
    sequences = Set.copyOf(sequences);
  }

  /** An analysis of a statement that takes no advisory lock. */
  public Analysis(Kind kind, boolean parsed, boolean globalLock, Set<String> tablesRead, Set<String> tablesWritten,
      String reason, Set<String> sequences, boolean ddl) {
    this(kind, parsed, globalLock, tablesRead, tablesWritten, reason, sequences, ddl, false);
  }

  /** An analysis of a statement that is not DDL. */
  public Analysis(Kind kind, boolean parsed, boolean globalLock, Set<String> tablesRead, Set<String> tablesWritten,
      String reason, Set<String> sequences) {
    this(kind, parsed, globalLock, tablesRead, tablesWritten, reason, sequences, false, false);
  }

  /** An analysis of a statement that is not DDL and uses no sequence. */
  public Analysis(Kind kind, boolean parsed, boolean globalLock, Set<String> tablesRead, Set<String> tablesWritten,
      String reason) {
    this(kind, parsed, globalLock, tablesRead, tablesWritten, reason, Set.of(), false, false);
  }

  public boolean isRead() {
    return kind == Kind.READ;
  }
}
