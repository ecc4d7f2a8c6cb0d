package dev.ordo.driver;

/**
 * The SQLStates Ordo itself raises. Backend SQLStates (from the replicas) pass
 * through unchanged; these are the ones Ordo decides. Every one is listed with
 * its meaning in {@code docs/errors.md}.
 */
public enum SqlState {
  /** A warning: a statement expected to return no rows returned a result set. */
  TOO_MANY_RESULTS("0100E"),
  /** A query method ran a statement that returned no rows (an update count instead). */
  NO_DATA("02000"),
  /** {@code setObject} got a value whose SQL type the driver cannot infer. */
  INVALID_PARAMETER_TYPE("07006"),
  /** The driver could not open a connection to any listed node. */
  UNABLE_TO_CONNECT("08001"),
  /** The connection is closed. */
  CONNECTION_DOES_NOT_EXIST("08003"),
  /** The node refused the session (wrong protocol version, unknown database). */
  CONNECTION_REJECTED("08004"),
  /** The connection broke while a request was in flight. */
  CONNECTION_FAILURE("08006"),
  /** The outcome of a write is unknown: it may or may not have committed. */
  TRANSACTION_RESOLUTION_UNKNOWN("08007"),
  /** The peer sent bytes that are not the Ordo protocol. */
  PROTOCOL_VIOLATION("08P01"),
  /** Refused: Ordo cannot run this (yet, or deterministically). */
  FEATURE_NOT_SUPPORTED("0A000"),
  /** A numeric value does not fit the requested Java type. */
  NUMERIC_VALUE_OUT_OF_RANGE("22003"),
  /** A value cannot be converted to the requested type. */
  INVALID_CHARACTER_VALUE_FOR_CAST("22018"),
  /** An argument the application passed is invalid. */
  INVALID_PARAMETER_VALUE("22023"),
  /** The result set is not on a row (before the first, after the last, or empty). */
  INVALID_CURSOR_STATE("24000"),
  /** The operation is not allowed while a transaction is in progress. */
  ACTIVE_SQL_TRANSACTION("25001"),
  /** {@code commit} or {@code rollback} called in autocommit mode. */
  NO_ACTIVE_SQL_TRANSACTION("25P01"),
  /** A write in a read-only transaction. */
  READ_ONLY_SQL_TRANSACTION("25006"),
  /** A statement of a transaction that an earlier error, a timeout or a deadlock verdict aborted. */
  IN_FAILED_SQL_TRANSACTION("25P02"),
  /** The node rolled back a transaction idle longer than its idle-in-transaction timeout. */
  IDLE_IN_TRANSACTION_SESSION_TIMEOUT("25P03"),
  /** The connection names a database the node does not serve. */
  INVALID_CATALOG_NAME("3D000"),
  /**
   * The node requires credentials that were not given, turns away logins from the client's address for a while
   * after repeated failures, or could not prove that it knows the password.
   */
  INVALID_AUTHORIZATION("28000"),
  /** Wrong user name or password. */
  INVALID_PASSWORD("28P01"),
  /** Serialization conflict; safe to retry. */
  SERIALIZATION_FAILURE("40001"),
  /**
   * PostgreSQL's deadlock victim; safe to retry. Ordo answers its own deadlock verdicts with {@link
   * #SERIALIZATION_FAILURE}, which retry loops recognise.
   */
  DEADLOCK_DETECTED("40P01"),
  /**
   * The statement would reach beyond the replicated data (files, programs, links, accounts or configuration of a
   * replica's server, other sessions, Ordo's bookkeeping), or the session's user lacks the role a command needs.
   */
  INSUFFICIENT_PRIVILEGE("42501"),
  /** A statement Ordo itself answers (an {@code ORDO} command) is malformed. */
  SYNTAX_ERROR("42601"),
  /** A result set has no column of the given name. */
  UNDEFINED_COLUMN("42703"),
  /** An operator command names a replica the node does not have. */
  UNDEFINED_OBJECT("42704"),
  /** An operator command gives a replica a name the node already uses. */
  DUPLICATE_OBJECT("42710"),
  /** A method was called on the wrong kind of object, e.g. {@code executeQuery(String)} on a prepared statement. */
  WRONG_OBJECT_TYPE("42809"),
  /** The node has as many client connections as it keeps, overall or from the client's address; retry later. */
  TOO_MANY_CONNECTIONS("53300"),
  /** A request is larger than an Ordo message may be (256 MiB). */
  PROGRAM_LIMIT_EXCEEDED("54000"),
  /** The statement or result set is closed. */
  OBJECT_NOT_IN_STATE("55000"),
  /** The statement was cancelled or timed out. */
  QUERY_CANCELED("57014"),
  /** The node is shutting down. */
  ADMIN_SHUTDOWN("57P01"),
  /** The node cannot serve yet (no healthy replica, no log leader). */
  CANNOT_CONNECT_NOW("57P03"),
  /** Copying a replica failed while reading or writing its data. */
  IO_ERROR("58030"),
  /** A defect in Ordo; the message says where. */
  INTERNAL_ERROR("XX000");

  private final String code;

  SqlState(String code) {
    this.code = code;
  }

  /** The five-character SQLState. */
  public String code() {
    return code;
  }
}
