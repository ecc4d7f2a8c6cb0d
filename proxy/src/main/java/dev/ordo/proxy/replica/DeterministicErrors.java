package dev.ordo.proxy.replica;

import java.sql.SQLException;
import java.util.Set;

/**
 * Which backend errors are results. An error that every replica raises for the
 * same entry — data exceptions (22), integrity violations (23), syntax and
 * access errors (42), cardinality (21), check option (44), unsupported
 * feature (0A), user-raised errors (P0), PostgreSQL's errors of routines,
 * triggers, savepoints, cursors and schemas (2F, 27, 38, 39, 3B, 34, 3F), invalid
 * transaction state other than an aborted transaction (25, not 25P02), and H2's
 * statement errors — is the
 * transaction's answer. Anything else (lost connection, lock timeout, backend
 * deadlock, I/O, out of memory, shutdown) is one replica's problem: it retries
 * the entry or fences itself, and never answers a client with it.
 */
public final class DeterministicErrors {
  private static final Set<String> CLASSES = Set.of("21", "22", "23", "2B", "42", "44", "0A", "P0",
      "2F", "27", "38", "39", "3B", "34", "3F", "25");

  /** States within those classes that come from the backend's situation rather than the statement. */
  private static final Set<String> ENVIRONMENTAL_STATES = Set.of(
      "25P02", // in failed transaction: an earlier failure, not this statement
      "25P03"); // idle-in-transaction timeout of the backend session

  /** H2 error codes in its 9xxxx range that come from the replica's state, not the statement. */
  private static final Set<Integer> H2_ENVIRONMENTAL = Set.of(
      90007, // object already closed
      90020, // database may be already in use
      90028, // IO exception
      90030, // file corrupted
      90031, // IO exception
      90034, // trace file error
      90067, // connection broken
      90098, // database closed
      90100, // disk full
      90108, // out of memory
      90121, // database called at shutdown
      90131, // concurrent update
      90135, // exclusive mode
      90138, // invalid database name
      90141); // serializer error

  private DeterministicErrors() {}

  /** Whether {@code e} is a deterministic outcome of the statement that raised it. */
  public static boolean isDeterministic(SQLException e) {
    String state = e.getSQLState();
    if (state == null || state.length() < 2) {
      return false;
    }
    if (ENVIRONMENTAL_STATES.contains(state)) {
      return false;
    }
    if (CLASSES.contains(state.substring(0, 2))) {
      return true;
    }
    // H2's "feature not supported" (HYC00, 50100) and "unknown data type" (HY004, 50004) are the statement's.
    if (state.equals("HYC00") || state.equals("HY004")) {
      return true;
    }
    // H2 uses its error code as the SQLState for its own errors (9xxxx).
    if (state.startsWith("9") && state.length() == 5) {
      return !H2_ENVIRONMENTAL.contains(e.getErrorCode());
    }
    return false;
  }
}
