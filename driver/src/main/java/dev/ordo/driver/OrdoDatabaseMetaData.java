package dev.ordo.driver;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.ResultData;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.RowIdLifetime;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Database metadata. What describes the backend database and its catalog
 * (product, SQL dialect, limits, tables, columns, keys, ...) is answered by
 * the node's replica through {@link RemoteMetaData}; what describes this
 * driver and Ordo's own behaviour (transactions, result sets, batches,
 * generated keys, savepoints, stored procedures) is answered here.
 */
final class OrdoDatabaseMetaData extends ForwardingDatabaseMetaData {
  private final OrdoConnection connection;
  private final RemoteMetaData remote;

  OrdoDatabaseMetaData(OrdoConnection connection) {
    this(connection, new RemoteMetaData(connection));
  }

  private OrdoDatabaseMetaData(OrdoConnection connection, RemoteMetaData remote) {
    super(remote);
    this.connection = connection;
    this.remote = remote;
  }

  // ---- the replica session's names, for the connection ----

  /** The catalog of the node's replica connections, or null if the node cannot say (an older node). */
  String sessionCatalog() throws SQLException {
    return ifAnswered(RemoteMetaData.SESSION_CATALOG);
  }

  /** The current schema of the node's replica connections, or null if the node cannot say. */
  String sessionSchema() throws SQLException {
    return ifAnswered(RemoteMetaData.SESSION_SCHEMA);
  }

  private String ifAnswered(String method) throws SQLException {
    try {
      return remote.str(method);
    } catch (SQLException e) {
      if (SqlState.FEATURE_NOT_SUPPORTED.code().equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  // ---- answered locally: the driver ----

  @Override
  public String getURL() {
    return OrdoUrl.redact(connection.url().url());
  }

  @Override
  public String getUserName() {
    return connection.user();
  }

  @Override
  public String getDriverName() {
    return "Ordo JDBC Driver";
  }

  @Override
  public String getDriverVersion() {
    return OrdoDriver.VERSION;
  }

  @Override
  public int getDriverMajorVersion() {
    return OrdoDriver.MAJOR_VERSION;
  }

  @Override
  public int getDriverMinorVersion() {
    return OrdoDriver.MINOR_VERSION;
  }

  @Override
  public int getJDBCMajorVersion() {
    return 4;
  }

  @Override
  public int getJDBCMinorVersion() {
    return 2;
  }

  @Override
  public Connection getConnection() {
    return connection;
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    return connection.isReadOnly();
  }

  @Override
  public int getSQLStateType() {
    return sqlStateSQL;
  }

  @Override
  public RowIdLifetime getRowIdLifetime() {
    return RowIdLifetime.ROWID_UNSUPPORTED;
  }

  /** The client info properties the driver keeps (it does not send them to the node yet). */
  @Override
  public ResultSet getClientInfoProperties() {
    List<ColumnInfo> cols = List.of(
        ColumnInfo.simple("NAME", Types.VARCHAR, "VARCHAR", String.class.getName()),
        ColumnInfo.simple("MAX_LEN", Types.INTEGER, "INTEGER", Integer.class.getName()),
        ColumnInfo.simple("DEFAULT_VALUE", Types.VARCHAR, "VARCHAR", String.class.getName()),
        ColumnInfo.simple("DESCRIPTION", Types.VARCHAR, "VARCHAR", String.class.getName()));
    List<Object[]> rows = List.<Object[]>of(new Object[] {"ApplicationName", 255, null,
        "The name of the application; initially the applicationName connection property."});
    return new OrdoResultSet(null, new ResultData(cols, rows), ResultSet.TYPE_SCROLL_INSENSITIVE);
  }

  // ---- answered locally: transactions (always strictly serializable) ----

  @Override
  public boolean supportsTransactions() {
    return true;
  }

  @Override
  public int getDefaultTransactionIsolation() {
    return Connection.TRANSACTION_SERIALIZABLE;
  }

  @Override
  public boolean supportsTransactionIsolationLevel(int level) {
    return level == Connection.TRANSACTION_READ_UNCOMMITTED || level == Connection.TRANSACTION_READ_COMMITTED
        || level == Connection.TRANSACTION_REPEATABLE_READ || level == Connection.TRANSACTION_SERIALIZABLE;
  }

  @Override
  public boolean supportsSavepoints() {
    return true;
  }

  @Override
  public boolean autoCommitFailureClosesAllResultSets() {
    return false;
  }

  // ---- answered locally: statements and results (materialised, read-only copies) ----

  @Override
  public boolean supportsGetGeneratedKeys() {
    return true;
  }

  @Override
  public boolean supportsBatchUpdates() {
    return true;
  }

  @Override
  public boolean supportsResultSetType(int type) {
    return type == ResultSet.TYPE_FORWARD_ONLY || type == ResultSet.TYPE_SCROLL_INSENSITIVE;
  }

  @Override
  public boolean supportsResultSetConcurrency(int type, int concurrency) {
    return supportsResultSetType(type) && concurrency == ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public boolean supportsResultSetHoldability(int holdability) {
    return holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT || holdability == ResultSet.CLOSE_CURSORS_AT_COMMIT;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    return connection.getHoldability();
  }

  @Override
  public boolean ownUpdatesAreVisible(int type) {
    return false;
  }

  @Override
  public boolean ownDeletesAreVisible(int type) {
    return false;
  }

  @Override
  public boolean ownInsertsAreVisible(int type) {
    return false;
  }

  @Override
  public boolean othersUpdatesAreVisible(int type) {
    return false;
  }

  @Override
  public boolean othersDeletesAreVisible(int type) {
    return false;
  }

  @Override
  public boolean othersInsertsAreVisible(int type) {
    return false;
  }

  @Override
  public boolean updatesAreDetected(int type) {
    return false;
  }

  @Override
  public boolean deletesAreDetected(int type) {
    return false;
  }

  @Override
  public boolean insertsAreDetected(int type) {
    return false;
  }

  @Override
  public boolean supportsMultipleResultSets() {
    return false;
  }

  @Override
  public boolean supportsMultipleOpenResults() {
    return false;
  }

  @Override
  public boolean supportsOpenCursorsAcrossCommit() {
    return true;
  }

  @Override
  public boolean supportsOpenCursorsAcrossRollback() {
    return true;
  }

  @Override
  public boolean supportsOpenStatementsAcrossCommit() {
    return true;
  }

  @Override
  public boolean supportsOpenStatementsAcrossRollback() {
    return true;
  }

  @Override
  public boolean supportsPositionedDelete() {
    return false;
  }

  @Override
  public boolean supportsPositionedUpdate() {
    return false;
  }

  @Override
  public boolean supportsStatementPooling() {
    return false;
  }

  @Override
  public boolean locatorsUpdateCopy() {
    return true;
  }

  @Override
  public boolean supportsRefCursors() {
    return false;
  }

  @Override
  public boolean supportsSharding() {
    return false;
  }

  // ---- answered locally: no stored procedure calls (prepareCall is refused) ----

  @Override
  public boolean supportsStoredProcedures() {
    return false;
  }

  @Override
  public boolean supportsStoredFunctionsUsingCallSyntax() {
    return false;
  }

  @Override
  public boolean allProceduresAreCallable() {
    return false;
  }

  @Override
  public boolean supportsNamedParameters() {
    return false;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "This DatabaseMetaData does not wrap a "
        + iface.getName() + ".");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
