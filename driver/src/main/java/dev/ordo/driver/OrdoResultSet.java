package dev.ordo.driver;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.ResultData;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.ZoneId;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A result set over a complete, materialised {@link ResultData}. Moving the
 * cursor costs nothing, so scroll-insensitive result sets are supported;
 * a {@code TYPE_FORWARD_ONLY} one refuses to move backwards, as JDBC says.
 * Column labels are matched case-insensitively, the first match winning.
 */
final class OrdoResultSet extends ResultSetDefaults {
  private final OrdoStatement statement;
  private final List<ColumnInfo> columns;
  private final List<Object[]> rows;
  private final int type;
  private Map<String, Integer> labels;
  private int row = -1;
  private boolean closed;
  private boolean wasNull;
  private int fetchSize;
  private int fetchDirection = FETCH_FORWARD;
  private SQLWarning warnings;

  /**
   * @param statement the statement that produced it, or null (metadata, arrays)
   * @param type {@code TYPE_FORWARD_ONLY} or {@code TYPE_SCROLL_INSENSITIVE}
   */
  OrdoResultSet(OrdoStatement statement, ResultData data, int type) {
    this.statement = statement;
    this.columns = data.columns();
    this.rows = data.rows();
    this.type = type;
  }

  // ---- cursor ----

  @Override
  public boolean next() throws SQLException {
    checkOpen();
    if (row < rows.size()) {
      row++;
    }
    return row < rows.size();
  }

  @Override
  public boolean previous() throws SQLException {
    checkScrollable("previous");
    if (row >= 0) {
      row--;
    }
    return row >= 0;
  }

  @Override
  public boolean first() throws SQLException {
    return absolute(1);
  }

  @Override
  public boolean last() throws SQLException {
    return absolute(-1);
  }

  @Override
  public boolean absolute(int r) throws SQLException {
    checkScrollable("absolute");
    long target = r > 0 ? r - 1L : r == 0 ? -1 : (long) rows.size() + r; // 0 is before the first, -1 the last row
    row = (int) Math.max(-1, Math.min(rows.size(), target));
    return row >= 0 && row < rows.size();
  }

  @Override
  public boolean relative(int r) throws SQLException {
    checkScrollable("relative");
    long target = (long) row + r;
    row = (int) Math.max(-1, Math.min(rows.size(), target));
    return row >= 0 && row < rows.size();
  }

  @Override
  public void beforeFirst() throws SQLException {
    checkScrollable("beforeFirst");
    row = -1;
  }

  @Override
  public void afterLast() throws SQLException {
    checkScrollable("afterLast");
    row = rows.size();
  }

  @Override
  public boolean isBeforeFirst() throws SQLException {
    checkOpen();
    return row < 0 && !rows.isEmpty();
  }

  @Override
  public boolean isAfterLast() throws SQLException {
    checkOpen();
    return row >= rows.size() && !rows.isEmpty();
  }

  @Override
  public boolean isFirst() throws SQLException {
    checkOpen();
    return row == 0 && !rows.isEmpty();
  }

  @Override
  public boolean isLast() throws SQLException {
    checkOpen();
    return row == rows.size() - 1 && !rows.isEmpty();
  }

  @Override
  public int getRow() throws SQLException {
    checkOpen();
    return row >= 0 && row < rows.size() ? row + 1 : 0;
  }

  private void checkScrollable(String method) throws SQLException {
    checkOpen();
    if (type == TYPE_FORWARD_ONLY) {
      throw SqlExceptions.create(SqlState.INVALID_CURSOR_STATE, "ResultSet." + method + " needs a scrollable result"
          + " set, but this one is TYPE_FORWARD_ONLY. Create the statement with ResultSet.TYPE_SCROLL_INSENSITIVE.");
    }
  }

  // ---- values ----

  private Object value(int column) throws SQLException {
    checkOpen();
    if (column < 1 || column > columns.size()) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The column index is out of range: " + column
          + ", number of columns: " + columns.size() + " (valid indexes are 1 to " + columns.size() + ").");
    }
    if (row < 0 || row >= rows.size()) {
      throw SqlExceptions.create(SqlState.INVALID_CURSOR_STATE, "ResultSet not positioned properly, perhaps you"
          + " need to call next. (It is " + (rows.isEmpty() ? "empty" : row < 0 ? "before the first row"
          : "after the last row") + ".)");
    }
    Object v = rows.get(row)[column - 1];
    wasNull = v == null;
    return v;
  }

  /** Adds the column to a conversion failure's message. */
  private SQLException at(int column, SQLException e) {
    return SqlExceptions.create(e.getSQLState(), "Column " + column + " (" + columns.get(column - 1).label() + "): "
        + e.getMessage(), e.getErrorCode(), null);
  }

  @Override
  public boolean wasNull() throws SQLException {
    checkOpen();
    return wasNull;
  }

  @Override
  public String getString(int columnIndex) throws SQLException {
    return Conversions.toText(value(columnIndex));
  }

  @Override
  public String getNString(int columnIndex) throws SQLException {
    return getString(columnIndex);
  }

  @Override
  public boolean getBoolean(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v != null && Conversions.toBoolean(v);
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  private long integral(int columnIndex, long min, long max, String javaType) throws SQLException {
    Object v = value(columnIndex);
    try {
      if (v == null) {
        return 0;
      }
      // A fraction becomes a whole number the way the replicas' own driver does it.
      boolean round = statement != null && statement.connection.roundsFractions();
      if (v instanceof Boolean b && statement != null && statement.connection.isPostgresql()) {
        // PostgreSQL's driver has no number for a boolean either.
        throw new java.sql.SQLDataException("Bad value for type " + javaType + " : " + (b ? "t" : "f"), "22003");
      }
      return Conversions.toLong(v, min, max, javaType, round);
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Override
  public byte getByte(int columnIndex) throws SQLException {
    return (byte) integral(columnIndex, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
  }

  @Override
  public short getShort(int columnIndex) throws SQLException {
    return (short) integral(columnIndex, Short.MIN_VALUE, Short.MAX_VALUE, "short");
  }

  @Override
  public int getInt(int columnIndex) throws SQLException {
    return (int) integral(columnIndex, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
  }

  @Override
  public long getLong(int columnIndex) throws SQLException {
    return integral(columnIndex, Long.MIN_VALUE, Long.MAX_VALUE, "long");
  }

  @Override
  public float getFloat(int columnIndex) throws SQLException {
    return (float) getDouble(columnIndex);
  }

  @Override
  public double getDouble(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v == null ? 0 : Conversions.toDouble(v);
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Override
  public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v == null ? null : Conversions.toBigDecimal(v);
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Deprecated
  @Override
  public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
    BigDecimal d = getBigDecimal(columnIndex);
    return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
  }

  @Override
  public byte[] getBytes(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v == null ? null : Conversions.toBytes(v);
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Override
  public Date getDate(int columnIndex) throws SQLException {
    return getDate(columnIndex, null);
  }

  @Override
  public Date getDate(int columnIndex, Calendar cal) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v == null ? null : Conversions.toDate(v, zone(cal));
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Override
  public Time getTime(int columnIndex) throws SQLException {
    return getTime(columnIndex, null);
  }

  @Override
  public Time getTime(int columnIndex, Calendar cal) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v == null ? null : Conversions.toTime(v, zone(cal));
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Override
  public Timestamp getTimestamp(int columnIndex) throws SQLException {
    return getTimestamp(columnIndex, null);
  }

  @Override
  public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
    Object v = value(columnIndex);
    try {
      return v == null ? null : Conversions.toTimestamp(v, zone(cal));
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  private static ZoneId zone(Calendar cal) {
    return cal == null ? ZoneId.systemDefault() : cal.getTimeZone().toZoneId();
  }

  @Override
  public Object getObject(int columnIndex) throws SQLException {
    return Conversions.natural(value(columnIndex), columns.get(columnIndex - 1).jdbcType());
  }

  @Override
  public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
    if (type == null) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "getObject(" + columnIndex + ", type): the type"
          + " is null; pass the Java class to convert to, e.g. LocalDateTime.class.");
    }
    Object v = value(columnIndex);
    try {
      return Conversions.convert(v, type);
    } catch (SQLException e) {
      throw at(columnIndex, e);
    }
  }

  @Override
  public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
    if (map != null && !map.isEmpty()) {
      throw unsupported("Custom type maps (getObject with a non-empty map)");
    }
    return getObject(columnIndex);
  }

  @Override
  public InputStream getAsciiStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public InputStream getBinaryStream(int columnIndex) throws SQLException {
    byte[] b = getBytes(columnIndex);
    return b == null ? null : new ByteArrayInputStream(b);
  }

  @Override
  public Reader getCharacterStream(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new StringReader(s);
  }

  @Override
  public Reader getNCharacterStream(int columnIndex) throws SQLException {
    return getCharacterStream(columnIndex);
  }

  @Override
  public Blob getBlob(int columnIndex) throws SQLException {
    byte[] b = getBytes(columnIndex);
    return b == null ? null : new OrdoBlob(b);
  }

  @Override
  public Clob getClob(int columnIndex) throws SQLException {
    return getNClob(columnIndex);
  }

  @Override
  public NClob getNClob(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    return s == null ? null : new OrdoClob(s);
  }

  @Override
  public Array getArray(int columnIndex) throws SQLException {
    Object v = value(columnIndex);
    if (v == null) {
      return null;
    } else if (v instanceof Object[] a) {
      return new OrdoArray(a);
    }
    throw at(columnIndex, Conversions.cannot(v, "java.sql.Array"));
  }

  @Override
  public URL getURL(int columnIndex) throws SQLException {
    String s = getString(columnIndex);
    try {
      return s == null ? null : URI.create(s.trim()).toURL();
    } catch (IllegalArgumentException | MalformedURLException e) {
      throw at(columnIndex, Conversions.cannot(s, "URL"));
    }
  }

  // ---- columns ----

  @Override
  public int findColumn(String columnLabel) throws SQLException {
    checkOpen();
    if (labels == null) {
      Map<String, Integer> m = new HashMap<>();
      for (int i = columns.size() - 1; i >= 0; i--) { // backwards so that the first match wins
        m.put(columns.get(i).label().toLowerCase(Locale.ROOT), i + 1);
      }
      labels = m;
    }
    Integer i = columnLabel == null ? null : labels.get(columnLabel.toLowerCase(Locale.ROOT));
    if (i == null) {
      StringBuilder names = new StringBuilder();
      for (ColumnInfo c : columns) {
        names.append(names.length() == 0 ? "" : ", ").append(c.label());
      }
      throw SqlExceptions.create(SqlState.UNDEFINED_COLUMN, "The column name " + columnLabel + " was not found in"
          + " this ResultSet. Its columns are: " + (columns.isEmpty() ? "(none)" : names) + ".");
    }
    return i;
  }

  @Override
  public ResultSetMetaData getMetaData() throws SQLException {
    checkOpen();
    return new OrdoResultSetMetaData(columns);
  }

  // ---- state ----

  @Override
  public void close() throws SQLException {
    if (!closed) {
      closed = true;
      if (statement != null) {
        statement.resultSetClosed(this);
      }
    }
  }

  /** Closes without telling the statement (the statement is closing it). */
  void closeQuietly() {
    closed = true;
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() throws SQLException {
    if (closed) {
      throw SqlExceptions.create(SqlState.OBJECT_NOT_IN_STATE, "This ResultSet is closed.");
    }
  }

  @Override
  public Statement getStatement() throws SQLException {
    checkOpen();
    return statement;
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

  @Override
  public void setFetchDirection(int direction) throws SQLException {
    checkOpen();
    if (direction != FETCH_FORWARD && direction != FETCH_REVERSE && direction != FETCH_UNKNOWN) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Invalid fetch direction " + direction
          + "; use ResultSet.FETCH_FORWARD, FETCH_REVERSE or FETCH_UNKNOWN.");
    }
    if (type == TYPE_FORWARD_ONLY && direction != FETCH_FORWARD) {
      throw SqlExceptions.create(SqlState.INVALID_CURSOR_STATE, "A TYPE_FORWARD_ONLY result set only fetches"
          + " forward (FETCH_FORWARD).");
    }
    fetchDirection = direction;
  }

  @Override
  public int getFetchDirection() throws SQLException {
    checkOpen();
    return fetchDirection;
  }

  /** A hint only: the whole result is already here. */
  @Override
  public void setFetchSize(int rows) throws SQLException {
    checkOpen();
    if (rows < 0) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Fetch size must be >= 0, was " + rows + ".");
    }
    fetchSize = rows;
  }

  @Override
  public int getFetchSize() throws SQLException {
    checkOpen();
    return fetchSize;
  }

  @Override
  public int getType() throws SQLException {
    checkOpen();
    return type;
  }

  @Override
  public int getConcurrency() throws SQLException {
    checkOpen();
    return CONCUR_READ_ONLY;
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    return statement != null ? statement.holdability() : ResultSet.HOLD_CURSORS_OVER_COMMIT;
  }
}
