package dev.ordo.driver;

import dev.ordo.driver.OrdoUrl.HostPort;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.ClientInfoStatus;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A session with one Ordo node.
 *
 * <p>Autocommit and read-only are client-side flags sent with every
 * statement. Transactions are always serializable (strictly serializable):
 * any isolation level is accepted and {@link #getTransactionIsolation()}
 * reports {@code TRANSACTION_SERIALIZABLE}. As in pgjdbc, {@link #commit()}
 * and {@link #rollback()} in autocommit mode throw 25P01, and they send
 * nothing when no statement ran since the transaction began.
 *
 * <p>When the connection to the node breaks, it is closed for good; the
 * exception that reported it says whether the statement in flight may have
 * taken effect (08007) or not (08006).
 */
public final class OrdoConnection implements Connection {
  private final OrdoUrl url;
  private final Properties props;
  private final Channel channel;
  private final Response.HelloOk hello;
  private volatile boolean closed;
  private volatile boolean autoCommit = true;
  private volatile boolean readOnly;
  /** A statement ran with autocommit off since the last commit or rollback. */
  private volatile boolean inTransaction;
  private int savepointIds;
  private int holdability = ResultSet.HOLD_CURSORS_OVER_COMMIT;
  /** The replicas' catalog and current schema, once asked of the node. */
  private String catalog;
  private String schema;
  private volatile boolean sessionNamesKnown;
  private final Properties clientInfo = new Properties();
  private SQLWarning warnings;
  private OrdoDatabaseMetaData metaData;

  OrdoConnection(OrdoUrl url, Properties props, Channel channel, Response.HelloOk hello) {
    this.url = url;
    this.props = props;
    this.channel = channel;
    this.hello = hello;
    String app = OrdoProperty.APPLICATION_NAME.get(props);
    if (app != null) {
      clientInfo.setProperty("ApplicationName", app);
    }
    for (String key : props.stringPropertyNames()) {
      if (OrdoProperty.forName(key) == null) {
        // Not silently: a property meant for another driver (pgjdbc's stringtype, currentSchema, …) does nothing.
        addWarning("The Ordo driver ignored connection property '" + key + "': it is not one of its properties ("
            + OrdoProperty.names() + "); check its spelling, or remove it if it was meant for another driver");
      }
    }
  }

  // ---- plumbing for statements and metadata ----

  int flags() {
    return (autoCommit ? Request.FLAG_AUTOCOMMIT : 0) | (readOnly ? Request.FLAG_READ_ONLY : 0);
  }

  /** Sends a request; Error responses are returned, not thrown (batches need their item index). */
  Response call(Request req, int timeoutMillis) throws SQLException {
    checkOpen();
    if (!autoCommit && (req instanceof Request.Execute || req instanceof Request.Batch)) {
      inTransaction = true;
    }
    return channel.call(req, timeoutMillis);
  }

  /** The exception an Error response stands for. */
  static SQLException error(Response.Error e) {
    return SqlExceptions.create(e.sqlState(), e.message(), e.vendorCode(), null);
  }

  /** A well-formed response of the wrong kind: the session is out of step, so it is closed. */
  SQLException unexpected(Request req, Response r) {
    channel.abort("closed after an out-of-order answer from the node");
    return SqlExceptions.create(SqlState.PROTOCOL_VIOLATION, "The Ordo node at " + channel.node() + " answered "
        + Channel.describe(req) + " with a " + r.getClass().getSimpleName() + " message, which does not answer it"
        + (Channel.mayChangeData(req) ? "; whether it took effect is unknown" : "") + ". The connection is closed;"
        + " check that the driver and node versions match.");
  }

  void checkOpen() throws SQLException {
    if (closed) {
      throw SqlExceptions.create(SqlState.CONNECTION_DOES_NOT_EXIST, "This connection is closed.");
    }
    String reason = channel.closedReason();
    if (reason != null) {
      throw SqlExceptions.create(SqlState.CONNECTION_DOES_NOT_EXIST, "This connection is closed: the connection to"
          + " Ordo at " + channel.node() + " was " + reason + ".");
    }
  }

  OrdoUrl url() {
    return url;
  }

  String user() {
    return OrdoProperty.USER.get(props);
  }

  HostPort node() {
    return channel.node();
  }

  private void addWarning(String message) {
    SQLWarning w = new SQLWarning(message, "01000");
    if (warnings == null) {
      warnings = w;
    } else {
      warnings.setNextWarning(w);
    }
  }

  // ---- statements ----

  @Override
  public Statement createStatement() throws SQLException {
    return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, holdability);
  }

  @Override
  public Statement createStatement(int type, int concurrency) throws SQLException {
    return createStatement(type, concurrency, holdability);
  }

  @Override
  public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
    checkOpen();
    return new OrdoStatement(this, checkType(type, concurrency, holdability), holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    return prepare(sql, KeyRequest.NONE, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
    return prepare(sql, KeyRequest.NONE, type, concurrency, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    return prepare(sql, KeyRequest.NONE, type, concurrency, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    return prepare(sql, OrdoStatement.keys(autoGeneratedKeys), ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    return prepare(sql, OrdoStatement.keys(columnIndexes), ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    return prepare(sql, OrdoStatement.keys(columnNames), ResultSet.TYPE_FORWARD_ONLY,
        ResultSet.CONCUR_READ_ONLY, holdability);
  }

  private PreparedStatement prepare(String sql, KeyRequest keys, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    OrdoStatement.checkSql(sql);
    return new OrdoPreparedStatement(this, sql, keys, checkType(type, concurrency, holdability), holdability);
  }

  /**
   * Checks the result set options and returns the type to use: SCROLL_SENSITIVE
   * is downgraded to SCROLL_INSENSITIVE with a warning (results are copies).
   */
  private int checkType(int type, int concurrency, int holdability) throws SQLException {
    if (concurrency == ResultSet.CONCUR_UPDATABLE) {
      throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "Updatable result sets (CONCUR_UPDATABLE) are"
          + " not supported: Ordo results are read-only copies. Use CONCUR_READ_ONLY and change data with UPDATE,"
          + " INSERT or DELETE statements.");
    } else if (concurrency != ResultSet.CONCUR_READ_ONLY) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid result set concurrency " + concurrency
          + "; use ResultSet.CONCUR_READ_ONLY.");
    }
    if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid result set holdability " + holdability
          + "; use ResultSet.HOLD_CURSORS_OVER_COMMIT or CLOSE_CURSORS_AT_COMMIT.");
    }
    if (type == ResultSet.TYPE_SCROLL_SENSITIVE) {
      addWarning("TYPE_SCROLL_SENSITIVE was downgraded to TYPE_SCROLL_INSENSITIVE: Ordo results are materialised"
          + " copies that do not see later changes.");
      return ResultSet.TYPE_SCROLL_INSENSITIVE;
    } else if (type != ResultSet.TYPE_FORWARD_ONLY && type != ResultSet.TYPE_SCROLL_INSENSITIVE) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid result set type " + type + "; use"
          + " ResultSet.TYPE_FORWARD_ONLY or TYPE_SCROLL_INSENSITIVE.");
    }
    return type;
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    throw prepareCallUnsupported();
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
    throw prepareCallUnsupported();
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    throw prepareCallUnsupported();
  }

  private SQLException prepareCallUnsupported() throws SQLException {
    checkOpen();
    return SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "CallableStatement (prepareCall) is not supported"
        + " by Ordo: stored procedure calls cannot be ordered and replayed deterministically yet. Use"
        + " prepareStatement with the statements the procedure would run.");
  }

  @Override
  public String nativeSQL(String sql) throws SQLException {
    checkOpen();
    return sql;
  }

  // ---- transactions ----

  /** Turning autocommit on while a transaction is open commits it, as JDBC requires. */
  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (autoCommit && !this.autoCommit && inTransaction) {
      endTransaction(true);
    }
    this.autoCommit = autoCommit;
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return autoCommit;
  }

  @Override
  public void commit() throws SQLException {
    checkOpen();
    if (autoCommit) {
      throw SqlExceptions.create(SqlState.NO_ACTIVE_SQL_TRANSACTION, "Cannot commit when autoCommit is enabled:"
          + " each statement already committed by itself. Call setAutoCommit(false) to group statements into a"
          + " transaction.");
    }
    if (inTransaction) {
      endTransaction(true);
    }
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    if (autoCommit) {
      throw SqlExceptions.create(SqlState.NO_ACTIVE_SQL_TRANSACTION, "Cannot rollback when autoCommit is enabled:"
          + " each statement already committed by itself. Call setAutoCommit(false) to group statements into a"
          + " transaction.");
    }
    if (inTransaction) {
      endTransaction(false);
    }
  }

  private void endTransaction(boolean commit) throws SQLException {
    Request.EndTxn req = new Request.EndTxn(commit);
    Response r = channel.call(req, 0);
    inTransaction = false;
    if (r instanceof Response.Error e) {
      throw error(e);
    } else if (!(r instanceof Response.Ok)) {
      throw unexpected(req, r);
    }
  }

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    if (inTransaction && readOnly != this.readOnly) {
      throw SqlExceptions.create(SqlState.ACTIVE_SQL_TRANSACTION, "Cannot change the read-only property in the"
          + " middle of a transaction; call commit() or rollback() first.");
    }
    this.readOnly = readOnly;
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return readOnly;
  }

  /** Accepts every level: Ordo runs every transaction strictly serializable, which satisfies them all. */
  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    if (level != TRANSACTION_READ_UNCOMMITTED && level != TRANSACTION_READ_COMMITTED
        && level != TRANSACTION_REPEATABLE_READ && level != TRANSACTION_SERIALIZABLE) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid transaction isolation level " + level
          + "; use one of the Connection.TRANSACTION_* levels (Ordo always runs SERIALIZABLE).");
    }
  }

  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    return TRANSACTION_SERIALIZABLE;
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    return savepoint(new OrdoSavepoint(++savepointIds, null));
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    if (name == null || name.isEmpty()) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "A savepoint name must not be empty.");
    }
    return savepoint(new OrdoSavepoint(0, name));
  }

  private Savepoint savepoint(OrdoSavepoint sp) throws SQLException {
    checkOpen();
    if (autoCommit) {
      throw SqlExceptions.create(SqlState.NO_ACTIVE_SQL_TRANSACTION, "Cannot set a savepoint in autocommit mode;"
          + " call setAutoCommit(false) first.");
    }
    savepointCommand("SAVEPOINT " + sp.sqlName());
    return sp;
  }

  /**
   * Rolls back to a savepoint. The transaction keeps its locks. After an error
   * the whole transaction is aborted (stricter than PostgreSQL, which lets a
   * savepoint rollback resume it): roll back the transaction instead.
   */
  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    checkOpen();
    savepointCommand("ROLLBACK TO SAVEPOINT " + own(savepoint).sqlName());
  }

  /** Forgets a savepoint; nothing is sent (H2 keeps savepoints until the transaction ends). */
  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    checkOpen();
    own(savepoint);
  }

  private OrdoSavepoint own(Savepoint savepoint) throws SQLException {
    if (!(savepoint instanceof OrdoSavepoint sp)) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "This savepoint was not made by this Ordo"
          + " connection: " + savepoint);
    }
    if (autoCommit) {
      throw SqlExceptions.create(SqlState.NO_ACTIVE_SQL_TRANSACTION, "There is no transaction (autocommit mode),"
          + " so there is no savepoint " + sp + ".");
    }
    return sp;
  }

  private void savepointCommand(String sql) throws SQLException {
    try (Statement s = createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    checkType(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, holdability);
    this.holdability = holdability;
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return holdability;
  }

  // ---- session ----

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    checkOpen();
    if (metaData == null) {
      metaData = new OrdoDatabaseMetaData(this);
    }
    return metaData;
  }

  /**
   * Ignored, as in pgjdbc and H2: the catalog is the replicas' database, which
   * a session cannot switch.
   */
  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
  }

  /**
   * The replicas' catalog, as their own drivers name it (H2: the database name
   * in upper case), so that it can scope {@code DatabaseMetaData} calls. Asked
   * of the node once; a node that cannot say leaves the database named in the
   * URL.
   */
  @Override
  public String getCatalog() throws SQLException {
    checkOpen();
    sessionNames();
    return catalog;
  }

  /**
   * Accepts the current schema only: every statement runs in the replicas'
   * current schema, which a session cannot switch. Anything else is refused
   * (0A000) rather than remembered without effect.
   */
  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    sessionNames();
    if (schema != null && schema.equals(this.schema)) {
      return;
    }
    throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "Cannot switch the current schema to " + schema
        + ": Ordo runs every statement in the replicas' current schema"
        + (this.schema == null ? "" : " (" + this.schema + ")") + ". Qualify names with their schema instead.");
  }

  /**
   * The schema unqualified names resolve to on the replicas (H2: PUBLIC),
   * asked of the node once; null from a node that cannot say.
   */
  /** The id of the node this connection talks to, as it gave it in the handshake. */
  public String nodeId() {
    return hello.nodeId();
  }

  /**
   * The log position at which this connection's last write committed (an autocommit write, a batch or a
   * {@code COMMIT}), as one number, or -1 if none has: Ordo's log order, the same on every node, so it is a
   * fencing token. A client that took a lease (a row it updated) passes this number with every write it makes
   * under the lease, and the protected rows keep the highest number they have seen: a write that brings a lower
   * one is from a holder whose lease another has taken since. Also {@code SELECT ordo_last_commit()}.
   *
   * @throws SQLException 08003 if the connection is closed, or the node's error
   */
  public long lastCommitPosition() throws SQLException {
    try (java.sql.Statement s = createStatement(); java.sql.ResultSet rs = s.executeQuery(
        "SELECT ordo_last_commit()")) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? -1 : v;
    }
  }

  /**
   * Whether that node's peer led the log when this connection was opened (see the {@code targetServerType}
   * property): a leading node's writes reach the log without another network hop.
   */
  public boolean ledLogAtConnect() {
    return hello.leads();
  }

  @Override
  public String getSchema() throws SQLException {
    checkOpen();
    sessionNames();
    return schema;
  }

  private void sessionNames() throws SQLException {
    if (!sessionNamesKnown) {
      OrdoDatabaseMetaData md = (OrdoDatabaseMetaData) getMetaData();
      String c = md.sessionCatalog();
      catalog = c == null ? url.database() : c;
      schema = md.sessionSchema();
      sessionNamesKnown = true;
    }
  }

  @Override
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return new HashMap<>();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    if (map != null && !map.isEmpty()) {
      throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "Custom type maps are not supported by the Ordo"
          + " driver.");
    }
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    return warnings;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
  }

  /**
   * Pings the node, waiting at most {@code timeout} seconds (0 = the network
   * timeout). A failed ping closes the connection.
   */
  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "isValid timeout must be >= 0 seconds, was "
          + timeout + ".");
    }
    if (isClosed()) {
      return false;
    }
    try {
      Request.Ping req = new Request.Ping();
      Response r = channel.call(req, Connector.millis(timeout));
      if (r instanceof Response.Ok) {
        return true;
      } else if (!(r instanceof Response.Error)) {
        unexpected(req, r);
      }
      return false;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      channel.close();
    }
  }

  /** True after {@link #close()}, {@link #abort}, or when the connection to the node broke. */
  @Override
  public boolean isClosed() {
    return closed || !channel.isOpen();
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (executor == null) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "abort: the executor is null.");
    }
    if (closed) {
      return;
    }
    closed = true;
    try {
      executor.execute(() -> channel.abort("aborted by the application (Connection.abort)"));
    } catch (RejectedExecutionException e) {
      channel.abort("aborted by the application (Connection.abort)");
    }
  }

  /** The read timeout for every request, in milliseconds; 0 waits without limit. The executor is not used. */
  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    if (milliseconds < 0) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Network timeout must be >= 0 ms, was "
          + milliseconds + ".");
    }
    channel.setNetworkTimeout(milliseconds);
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    return channel.networkTimeout();
  }

  /** Kept by the driver only. */
  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    if (isClosed()) {
      throw new SQLClientInfoException("This connection is closed.", SqlState.CONNECTION_DOES_NOT_EXIST.code(), 0,
          Map.of(name, ClientInfoStatus.REASON_UNKNOWN));
    }
    if (value == null) {
      clientInfo.remove(name);
    } else {
      clientInfo.setProperty(name, value);
    }
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    if (isClosed()) {
      Map<String, ClientInfoStatus> failed = new HashMap<>();
      properties.stringPropertyNames().forEach(k -> failed.put(k, ClientInfoStatus.REASON_UNKNOWN));
      throw new SQLClientInfoException("This connection is closed.", SqlState.CONNECTION_DOES_NOT_EXIST.code(), 0,
          failed);
    }
    clientInfo.clear();
    properties.stringPropertyNames().forEach(k -> clientInfo.setProperty(k, properties.getProperty(k)));
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    return clientInfo.getProperty(name);
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    Properties copy = new Properties();
    copy.putAll(clientInfo);
    return copy;
  }

  // ---- object factories ----

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    checkOpen();
    return new OrdoArray(typeName, (Object[]) ParameterValues.toWire(elements, 0));
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    throw factoryUnsupported("createStruct", "structured types cannot be sent to Ordo");
  }

  @Override
  public Blob createBlob() throws SQLException {
    throw factoryUnsupported("createBlob", "pass a byte[] or InputStream to setBytes/setBinaryStream");
  }

  @Override
  public Clob createClob() throws SQLException {
    throw factoryUnsupported("createClob", "pass a String or Reader to setString/setCharacterStream");
  }

  @Override
  public NClob createNClob() throws SQLException {
    throw factoryUnsupported("createNClob", "pass a String or Reader to setNString/setNCharacterStream");
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    throw factoryUnsupported("createSQLXML", "pass the XML text to setString");
  }

  private SQLException factoryUnsupported(String method, String instead) throws SQLException {
    checkOpen();
    return SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "Connection." + method + " is not supported by the"
        + " Ordo driver; " + instead + ".");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "This connection does not wrap a "
        + iface.getName() + "; it is the Ordo driver's own.");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  /**
   * Whether {@code getInt}/{@code getLong} round a fraction (H2's driver:
   * {@code DOUBLE}/{@code REAL} with {@link Math#round}, decimals half away from
   * zero) rather than truncate it toward zero (PostgreSQL's driver).
   */
  boolean roundsFractions() {
    return "H2".equalsIgnoreCase(hello.backend());
  }

  /** Whether the replicas are PostgreSQL: value conversions follow PostgreSQL's own driver. */
  boolean isPostgresql() {
    return "PostgreSQL".equalsIgnoreCase(hello.backend());
  }

  @Override
  public String toString() {
    return "OrdoConnection[" + channel.node() + "/" + url.database() + " from " + channel.localAddress() + ", node "
        + hello.nodeId() + ", backend " + hello.backend() + (isClosed() ? ", closed" : "") + "]";
  }
}
