package dev.ordo.driver;

import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement. Its text is sent unchanged with each execution,
 * together with the bound parameter values; nothing is prepared on the node
 * ahead of time. The parameter count is the number of {@code ?} markers
 * outside literals, quoted identifiers and comments (see {@link SqlText}).
 *
 * <p>The methods that take SQL text (inherited from {@code Statement}) are
 * refused with 42809, as JDBC requires.
 */
final class OrdoPreparedStatement extends OrdoStatement implements PreparedStatement {
  private static final Object UNSET = new Object();

  private final String sql;
  private final KeyRequest keys;
  private final Object[] params;

  OrdoPreparedStatement(OrdoConnection connection, String sql, KeyRequest keys, int type, int holdability) {
    super(connection, type, holdability);
    this.sql = sql;
    this.keys = keys;
    this.params = new Object[SqlText.countMarkers(sql)];
    Arrays.fill(params, UNSET);
  }

  private List<Object> boundParams() throws SQLException {
    checkOpen();
    for (int i = 0; i < params.length; i++) {
      if (params[i] == UNSET) {
        throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "No value specified for parameter " + (i + 1)
            + " of " + params.length + " in \"" + Channel.abbreviate(sql) + "\". Call a set method (setNull for"
            + " NULL) for every ? marker.");
      }
    }
    return Arrays.asList(params.clone());
  }

  private void set(int index, Object wireValue) throws SQLException {
    checkOpen();
    if (index < 1 || index > params.length) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The parameter index is out of range: " + index
          + ", number of parameters: " + params.length + " (the ? markers of \"" + Channel.abbreviate(sql)
          + "\").");
    }
    params[index - 1] = wireValue;
  }

  // ---- execution ----

  @Override
  public ResultSet executeQuery() throws SQLException {
    return query(sql, boundParams());
  }

  @Override
  public int executeUpdate() throws SQLException {
    return toIntCount(update(sql, boundParams(), keys));
  }

  @Override
  public long executeLargeUpdate() throws SQLException {
    return update(sql, boundParams(), keys);
  }

  @Override
  public boolean execute() throws SQLException {
    return run(sql, boundParams(), keys);
  }

  @Override
  public void addBatch() throws SQLException {
    addBatchItem(new Request.BatchItem(sql, boundParams()));
  }

  @Override
  public int[] executeBatch() throws SQLException {
    return toIntCounts(runBatch(keys));
  }

  @Override
  public long[] executeLargeBatch() throws SQLException {
    return runBatch(keys);
  }

  @Override
  public void clearParameters() throws SQLException {
    checkOpen();
    Arrays.fill(params, UNSET);
  }

  /** Null before the first execution that returned rows; then the columns of that result. */
  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return lastColumns() == null ? null : new OrdoResultSetMetaData(lastColumns());
  }

  @Override
  public ParameterMetaData getParameterMetaData() throws SQLException {
    checkOpen();
    return new OrdoParameterMetaData(params.length);
  }

  // ---- parameters ----

  @Override
  public void setNull(int index, int sqlType) throws SQLException {
    set(index, null);
  }

  @Override
  public void setNull(int index, int sqlType, String typeName) throws SQLException {
    set(index, null);
  }

  @Override
  public void setBoolean(int index, boolean x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setByte(int index, byte x) throws SQLException {
    set(index, (int) x);
  }

  @Override
  public void setShort(int index, short x) throws SQLException {
    set(index, (int) x);
  }

  @Override
  public void setInt(int index, int x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setLong(int index, long x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setFloat(int index, float x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setDouble(int index, double x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setBigDecimal(int index, BigDecimal x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setString(int index, String x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setNString(int index, String x) throws SQLException {
    set(index, x);
  }

  @Override
  public void setBytes(int index, byte[] x) throws SQLException {
    set(index, x == null ? null : x.clone());
  }

  @Override
  public void setDate(int index, Date x) throws SQLException {
    set(index, x == null ? null : x.toLocalDate());
  }

  /** The date as seen in the calendar's time zone. */
  @Override
  public void setDate(int index, Date x, Calendar cal) throws SQLException {
    set(index, x == null ? null : cal == null ? x.toLocalDate()
        : LocalDate.ofInstant(Instant.ofEpochMilli(x.getTime()), cal.getTimeZone().toZoneId()));
  }

  @Override
  public void setTime(int index, Time x) throws SQLException {
    set(index, x == null ? null : ParameterValues.localTime(x, ZoneId.systemDefault()));
  }

  /** The time of day as seen in the calendar's time zone. */
  @Override
  public void setTime(int index, Time x, Calendar cal) throws SQLException {
    set(index, x == null ? null
        : ParameterValues.localTime(x, cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId()));
  }

  @Override
  public void setTimestamp(int index, Timestamp x) throws SQLException {
    set(index, x == null ? null : x.toLocalDateTime());
  }

  /** The date and time as seen in the calendar's time zone. */
  @Override
  public void setTimestamp(int index, Timestamp x, Calendar cal) throws SQLException {
    set(index, x == null ? null : cal == null ? x.toLocalDateTime()
        : LocalDateTime.ofInstant(x.toInstant(), cal.getTimeZone().toZoneId()));
  }

  @Override
  public void setObject(int index, Object x) throws SQLException {
    set(index, ParameterValues.toWire(x, index));
  }

  @Override
  public void setObject(int index, Object x, int targetSqlType) throws SQLException {
    set(index, ParameterValues.toWire(x, targetSqlType, -1, index));
  }

  /** For DECIMAL and NUMERIC targets, {@code scaleOrLength} is the scale (rounded half up). */
  @Override
  public void setObject(int index, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
    set(index, ParameterValues.toWire(x, targetSqlType, scaleOrLength, index));
  }

  @Override
  public void setObject(int index, Object x, SQLType targetSqlType) throws SQLException {
    setObject(index, x, vendorType(targetSqlType));
  }

  @Override
  public void setObject(int index, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
    setObject(index, x, vendorType(targetSqlType), scaleOrLength);
  }

  private static int vendorType(SQLType t) throws SQLException {
    if (t instanceof JDBCType j) {
      return j.getVendorTypeNumber();
    }
    throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "SQLType " + t + " is not supported; use a"
        + " java.sql.JDBCType constant.");
  }

  @Override
  public void setAsciiStream(int index, InputStream x, int length) throws SQLException {
    set(index, ParameterValues.readAscii(x, length));
  }

  @Override
  public void setAsciiStream(int index, InputStream x, long length) throws SQLException {
    set(index, ParameterValues.readAscii(x, length));
  }

  @Override
  public void setAsciiStream(int index, InputStream x) throws SQLException {
    set(index, ParameterValues.readAscii(x, -1));
  }

  @Deprecated
  @Override
  public void setUnicodeStream(int index, InputStream x, int length) throws SQLException {
    throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "The deprecated setUnicodeStream is not supported;"
        + " use setCharacterStream.");
  }

  @Override
  public void setBinaryStream(int index, InputStream x, int length) throws SQLException {
    set(index, ParameterValues.readBytes(x, length));
  }

  @Override
  public void setBinaryStream(int index, InputStream x, long length) throws SQLException {
    set(index, ParameterValues.readBytes(x, length));
  }

  @Override
  public void setBinaryStream(int index, InputStream x) throws SQLException {
    set(index, ParameterValues.readBytes(x, -1));
  }

  @Override
  public void setCharacterStream(int index, Reader reader, int length) throws SQLException {
    set(index, ParameterValues.readChars(reader, length));
  }

  @Override
  public void setCharacterStream(int index, Reader reader, long length) throws SQLException {
    set(index, ParameterValues.readChars(reader, length));
  }

  @Override
  public void setCharacterStream(int index, Reader reader) throws SQLException {
    set(index, ParameterValues.readChars(reader, -1));
  }

  @Override
  public void setNCharacterStream(int index, Reader value, long length) throws SQLException {
    set(index, ParameterValues.readChars(value, length));
  }

  @Override
  public void setNCharacterStream(int index, Reader value) throws SQLException {
    set(index, ParameterValues.readChars(value, -1));
  }

  @Override
  public void setBlob(int index, Blob x) throws SQLException {
    set(index, x == null ? null : ParameterValues.readBlob(x));
  }

  @Override
  public void setBlob(int index, InputStream inputStream, long length) throws SQLException {
    set(index, ParameterValues.readBytes(inputStream, length));
  }

  @Override
  public void setBlob(int index, InputStream inputStream) throws SQLException {
    set(index, ParameterValues.readBytes(inputStream, -1));
  }

  @Override
  public void setClob(int index, Clob x) throws SQLException {
    set(index, x == null ? null : ParameterValues.readClob(x));
  }

  @Override
  public void setClob(int index, Reader reader, long length) throws SQLException {
    set(index, ParameterValues.readChars(reader, length));
  }

  @Override
  public void setClob(int index, Reader reader) throws SQLException {
    set(index, ParameterValues.readChars(reader, -1));
  }

  @Override
  public void setNClob(int index, NClob value) throws SQLException {
    setClob(index, value);
  }

  @Override
  public void setNClob(int index, Reader reader, long length) throws SQLException {
    set(index, ParameterValues.readChars(reader, length));
  }

  @Override
  public void setNClob(int index, Reader reader) throws SQLException {
    set(index, ParameterValues.readChars(reader, -1));
  }

  @Override
  public void setArray(int index, Array x) throws SQLException {
    set(index, x == null ? null : ParameterValues.toWire(x, index));
  }

  @Override
  public void setURL(int index, URL x) throws SQLException {
    set(index, x == null ? null : x.toString());
  }

  @Override
  public void setRef(int index, Ref x) throws SQLException {
    throw ResultSetDefaults.unsupported("The REF type (setRef)");
  }

  @Override
  public void setRowId(int index, RowId x) throws SQLException {
    throw ResultSetDefaults.unsupported("The ROWID type (setRowId)");
  }

  @Override
  public void setSQLXML(int index, SQLXML xmlObject) throws SQLException {
    throw ResultSetDefaults.unsupported("The SQLXML type (setSQLXML); use setString");
  }

  // ---- Statement methods that take SQL text: refused on a PreparedStatement ----

  private static SQLException textMethod(String method) {
    return SqlExceptions.create(SqlState.WRONG_OBJECT_TYPE, "Can't use query methods that take a query string on"
        + " a PreparedStatement (" + method + "(String)). Call " + method + "() without arguments to run the"
        + " prepared text, or use a Statement from createStatement().");
  }

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    throw textMethod("executeQuery");
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    throw textMethod("executeUpdate");
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    throw textMethod("executeUpdate");
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    throw textMethod("executeUpdate");
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    throw textMethod("executeUpdate");
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    throw textMethod("executeLargeUpdate");
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    throw textMethod("executeLargeUpdate");
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    throw textMethod("executeLargeUpdate");
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    throw textMethod("executeLargeUpdate");
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    throw textMethod("execute");
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    throw textMethod("execute");
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    throw textMethod("execute");
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    throw textMethod("execute");
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    throw textMethod("addBatch");
  }

  @Override
  public String toString() {
    return sql;
  }
}
