package dev.ordo.driver;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.driver.wire.ResultData;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A statement: each execution is one Execute request whose whole result comes
 * back at once. A statement has a single result (a result set or an update
 * count); {@link #getMoreResults()} always ends it.
 *
 * <p>{@link #cancel()} does nothing: the protocol has no cancel request yet,
 * so a running statement runs to completion. {@link #setQueryTimeout} is
 * enforced as a read timeout on the answer; when it expires the connection is
 * closed (the stream can no longer be trusted) and the outcome of a write is
 * reported unknown (08007).
 */
class OrdoStatement implements Statement {
  final OrdoConnection connection;
  private final int resultSetType;
  private final int resultSetHoldability;
  private final List<Request.BatchItem> batch = new ArrayList<>();
  private boolean closed;
  private boolean closeOnCompletion;
  private boolean poolable;
  private int maxRows;
  private int maxFieldSize;
  private int fetchSize;
  private int fetchDirection = ResultSet.FETCH_FORWARD;
  private int queryTimeoutSeconds;
  private OrdoResultSet current;
  private List<ColumnInfo> lastColumns;
  private long updateCount = -1;
  private ResultData generatedKeys;
  private SQLWarning warnings;

  OrdoStatement(OrdoConnection connection, int resultSetType, int resultSetHoldability) {
    this.connection = connection;
    this.resultSetType = resultSetType;
    this.resultSetHoldability = resultSetHoldability;
  }

  // ---- execution core ----

  /** Runs one statement; true if it returned rows. */
  final boolean run(String sql, List<Object> params, KeyRequest keys) throws SQLException {
    checkOpen();
    checkSql(sql);
    clearResults();
    Request.Execute req = new Request.Execute(connection.flags(), maxRows, sql, params, keys);
    Response r = connection.call(req, Connector.millis(queryTimeoutSeconds));
    if (r instanceof Response.Rows rows) {
      current = new OrdoResultSet(this, rows.data(), resultSetType);
      lastColumns = rows.data().columns();
      return true;
    } else if (r instanceof Response.Update u) {
      updateCount = u.count();
      generatedKeys = u.keys();
      return false;
    } else if (r instanceof Response.Error e) {
      throw OrdoConnection.error(e);
    }
    throw connection.unexpected(req, r);
  }

  final ResultSet query(String sql, List<Object> params) throws SQLException {
    if (!run(sql, params, KeyRequest.NONE)) {
      throw SqlExceptions.create(SqlState.NO_DATA, "No results were returned by the query: \""
          + Channel.abbreviate(sql) + "\" returned an update count (" + updateCount + "), not rows, and it took"
          + " effect. Use executeUpdate or execute for statements that change data.");
    }
    return current;
  }

  final long update(String sql, List<Object> params, KeyRequest keys) throws SQLException {
    if (run(sql, params, keys)) {
      throw SqlExceptions.create(SqlState.TOO_MANY_RESULTS, "A result was returned when none was expected: \""
          + Channel.abbreviate(sql) + "\" returned rows. Use executeQuery or execute for statements that return"
          + " rows.");
    }
    return updateCount;
  }

  final long[] runBatch(KeyRequest keys) throws SQLException {
    checkOpen();
    clearResults();
    if (batch.isEmpty()) {
      return new long[0];
    }
    List<Request.BatchItem> items = new ArrayList<>(batch);
    batch.clear(); // JDBC: the batch is empty after executeBatch, whatever its outcome
    Request.Batch req = new Request.Batch(connection.flags(), items, keys);
    Response r = connection.call(req, Connector.millis(queryTimeoutSeconds));
    if (r instanceof Response.BatchDone done) {
      if (done.counts().length != items.size()) {
        throw SqlExceptions.create(SqlState.PROTOCOL_VIOLATION, "The Ordo node answered a batch of " + items.size()
            + " statements with " + done.counts().length + " update counts; the batch ran, but its counts are"
            + " unusable. This is a defect in Ordo; please report it.");
      }
      generatedKeys = done.keys();
      return done.counts();
    } else if (r instanceof Response.Error e) {
      throw batchError(e, items.size());
    }
    throw connection.unexpected(req, r);
  }

  /**
   * The exception for a failed batch. When the node names the failing item, a
   * {@link BatchUpdateException} whose counts are all {@code EXECUTE_FAILED}: a
   * batch is one atomic transaction, so no item took effect. The typed
   * exception for the SQLState is its cause and next exception.
   */
  static SQLException batchError(Response.Error e, int size) {
    SQLException typed = OrdoConnection.error(e);
    if (e.batchItem() < 0) {
      return typed;
    }
    long[] counts = new long[size];
    Arrays.fill(counts, Statement.EXECUTE_FAILED);
    BatchUpdateException b = new BatchUpdateException("Batch item " + (e.batchItem() + 1) + " of " + size
        + " failed: " + e.message() + " The whole batch was rolled back; none of its statements took effect.",
        e.sqlState(), e.vendorCode(), counts, typed);
    b.setNextException(typed);
    return b;
  }

  private void clearResults() {
    if (current != null) {
      current.closeQuietly();
      current = null;
    }
    updateCount = -1;
    generatedKeys = null;
    warnings = null;
  }

  /** Called by a result set of this statement when the application closes it. */
  final void resultSetClosed(OrdoResultSet rs) throws SQLException {
    if (rs == current && closeOnCompletion) {
      close();
    }
  }

  final List<ColumnInfo> lastColumns() {
    return lastColumns;
  }

  final void addBatchItem(Request.BatchItem item) throws SQLException {
    checkOpen();
    batch.add(item);
  }

  final void checkOpen() throws SQLException {
    if (closed) {
      throw SqlExceptions.create(SqlState.OBJECT_NOT_IN_STATE, "This statement has been closed.");
    }
    connection.checkOpen();
  }

  static void checkSql(String sql) throws SQLException {
    if (sql == null || sql.isBlank()) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The SQL text is " + (sql == null ? "null"
          : "empty") + "; pass the statement to run.");
    }
  }

  /** The holdability of this statement's result sets; no open check (a result set may outlive it). */
  final int holdability() {
    return resultSetHoldability;
  }

  static KeyRequest keys(int autoGeneratedKeys) throws SQLException {
    if (autoGeneratedKeys == RETURN_GENERATED_KEYS) {
      return KeyRequest.AUTO;
    } else if (autoGeneratedKeys == NO_GENERATED_KEYS) {
      return KeyRequest.NONE;
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid autoGeneratedKeys value "
        + autoGeneratedKeys + "; use Statement.RETURN_GENERATED_KEYS or Statement.NO_GENERATED_KEYS.");
  }

  static KeyRequest keys(int[] columnIndexes) {
    return columnIndexes == null || columnIndexes.length == 0 ? KeyRequest.NONE : KeyRequest.indexes(columnIndexes);
  }

  static KeyRequest keys(String[] columnNames) {
    return columnNames == null || columnNames.length == 0 ? KeyRequest.NONE : KeyRequest.names(columnNames);
  }

  static int toIntCount(long count) throws SQLException {
    if (count > Integer.MAX_VALUE) {
      throw SqlExceptions.create(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "The update count " + count + " does not fit"
          + " in an int; use executeLargeUpdate or executeLargeBatch.");
    }
    return (int) count;
  }

  static int[] toIntCounts(long[] counts) {
    int[] out = new int[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = counts[i] > Integer.MAX_VALUE ? SUCCESS_NO_INFO : (int) counts[i];
    }
    return out;
  }

  static SQLException invalid(String what, long value) {
    return SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, what + " must be >= 0, was " + value + ".");
  }

  // ---- java.sql.Statement: execution ----

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    return query(sql, List.of());
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    return toIntCount(update(sql, List.of(), KeyRequest.NONE));
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    return toIntCount(update(sql, List.of(), keys(autoGeneratedKeys)));
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    return toIntCount(update(sql, List.of(), keys(columnIndexes)));
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    return toIntCount(update(sql, List.of(), keys(columnNames)));
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    return update(sql, List.of(), KeyRequest.NONE);
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    return update(sql, List.of(), keys(autoGeneratedKeys));
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    return update(sql, List.of(), keys(columnIndexes));
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    return update(sql, List.of(), keys(columnNames));
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    return run(sql, List.of(), KeyRequest.NONE);
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    return run(sql, List.of(), keys(autoGeneratedKeys));
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    return run(sql, List.of(), keys(columnIndexes));
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    return run(sql, List.of(), keys(columnNames));
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    checkSql(sql);
    addBatchItem(new Request.BatchItem(sql, List.of()));
  }

  @Override
  public void clearBatch() throws SQLException {
    checkOpen();
    batch.clear();
  }

  /** Runs the batch as one atomic transaction; see {@link #batchError} for failures. */
  @Override
  public int[] executeBatch() throws SQLException {
    return toIntCounts(runBatch(KeyRequest.NONE));
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return runBatch(KeyRequest.NONE);
  }

  /** Does nothing: Ordo has no cancel request yet, so a running statement runs to completion. */
  @Override
  public void cancel() throws SQLException {
    checkOpen();
  }

  // ---- results ----

  @Override
  public ResultSet getResultSet() throws SQLException {
    checkOpen();
    return current;
  }

  @Override
  public int getUpdateCount() throws SQLException {
    checkOpen();
    return current != null ? -1 : (int) Math.min(updateCount, Integer.MAX_VALUE);
  }

  @Override
  public long getLargeUpdateCount() throws SQLException {
    checkOpen();
    return current != null ? -1 : updateCount;
  }

  @Override
  public boolean getMoreResults() throws SQLException {
    return getMoreResults(CLOSE_CURRENT_RESULT);
  }

  @Override
  public boolean getMoreResults(int mode) throws SQLException {
    checkOpen();
    if (mode != CLOSE_CURRENT_RESULT && mode != KEEP_CURRENT_RESULT && mode != CLOSE_ALL_RESULTS) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid getMoreResults mode " + mode + "; use"
          + " Statement.CLOSE_CURRENT_RESULT, KEEP_CURRENT_RESULT or CLOSE_ALL_RESULTS.");
    }
    if (current != null && mode != KEEP_CURRENT_RESULT) {
      current.closeQuietly();
    }
    current = null;
    updateCount = -1;
    return false;
  }

  /** The keys the last execution generated; an empty result set when none were asked for or made. */
  @Override
  public ResultSet getGeneratedKeys() throws SQLException {
    checkOpen();
    ResultData keys = generatedKeys != null ? generatedKeys : new ResultData(List.of(), List.of());
    return new OrdoResultSet(this, keys, resultSetType);
  }

  // ---- settings ----

  @Override
  public int getMaxFieldSize() throws SQLException {
    checkOpen();
    return maxFieldSize;
  }

  /** Stored only: values are not truncated. */
  @Override
  public void setMaxFieldSize(int max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw invalid("maxFieldSize", max);
    }
    maxFieldSize = max;
  }

  @Override
  public int getMaxRows() throws SQLException {
    checkOpen();
    return maxRows;
  }

  /** Sent with each execution; the node returns at most this many rows (0 = all). */
  @Override
  public void setMaxRows(int max) throws SQLException {
    checkOpen();
    if (max < 0) {
      throw invalid("maxRows", max);
    }
    maxRows = max;
  }

  @Override
  public long getLargeMaxRows() throws SQLException {
    return getMaxRows();
  }

  /** Limits above {@code Integer.MAX_VALUE} mean no limit. */
  @Override
  public void setLargeMaxRows(long max) throws SQLException {
    if (max < 0) {
      throw invalid("maxRows", max);
    }
    setMaxRows(max > Integer.MAX_VALUE ? 0 : (int) max);
  }

  /** Stored only: the replicas parse JDBC escapes themselves. */
  @Override
  public void setEscapeProcessing(boolean enable) throws SQLException {
    checkOpen();
  }

  @Override
  public int getQueryTimeout() throws SQLException {
    checkOpen();
    return queryTimeoutSeconds;
  }

  @Override
  public void setQueryTimeout(int seconds) throws SQLException {
    checkOpen();
    if (seconds < 0) {
      throw invalid("queryTimeout", seconds);
    }
    queryTimeoutSeconds = seconds;
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

  /** Stored nowhere: positioned updates are not supported, so cursor names have no use. */
  @Override
  public void setCursorName(String name) throws SQLException {
    checkOpen();
  }

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != ResultSet.FETCH_FORWARD && direction != ResultSet.FETCH_REVERSE
        && direction != ResultSet.FETCH_UNKNOWN) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid fetch direction " + direction
          + "; use ResultSet.FETCH_FORWARD, FETCH_REVERSE or FETCH_UNKNOWN.");
    }
    fetchDirection = direction;
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return fetchDirection;
  }

  /** A hint only: results always arrive whole. */
  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw invalid("fetchSize", rows);
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public int getResultSetConcurrency() throws SQLException {
    checkOpen();
    return ResultSet.CONCUR_READ_ONLY;
  }

  @Override
  public int getResultSetType() throws SQLException {
    checkOpen();
    return resultSetType;
  }

  @Override
  public int getResultSetHoldability() throws SQLException {
    checkOpen();
    return resultSetHoldability;
  }

  @Override
  public Connection getConnection() throws SQLException {
    checkOpen();
    return connection;
  }

  @Override
  public void close() throws SQLException {
    if (!closed) {
      closed = true;
      clearResults();
      batch.clear();
    }
  }

  /** Closed when {@link #close()} was called or its connection is closed. */
  @Override
  public boolean isClosed() {
    return closed || connection.isClosed();
  }

  @Override
  public void setPoolable(boolean poolable) throws SQLException {
    checkOpen();
    this.poolable = poolable;
  }

  @Override
  public boolean isPoolable() throws SQLException {
    checkOpen();
    return poolable;
  }

  @Override
  public void closeOnCompletion() throws SQLException {
    checkOpen();
    closeOnCompletion = true;
  }

  @Override
  public boolean isCloseOnCompletion() throws SQLException {
    checkOpen();
    return closeOnCompletion;
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "This statement does not wrap a " + iface.getName()
        + "; it is the Ordo driver's own.");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }
}
