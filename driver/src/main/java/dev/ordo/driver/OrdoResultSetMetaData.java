package dev.ordo.driver;

import dev.ordo.driver.wire.ColumnInfo;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Column descriptions of a result, as the replica that computed it reported them. */
final class OrdoResultSetMetaData implements ResultSetMetaData {
  private final List<ColumnInfo> columns;

  OrdoResultSetMetaData(List<ColumnInfo> columns) {
    this.columns = columns;
  }

  private ColumnInfo col(int column) throws SQLException {
    if (column < 1 || column > columns.size()) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The column index is out of range: " + column
          + ", number of columns: " + columns.size() + " (valid indexes are 1 to " + columns.size() + ").");
    }
    return columns.get(column - 1);
  }

  @Override
  public int getColumnCount() {
    return columns.size();
  }

  @Override
  public boolean isAutoIncrement(int column) throws SQLException {
    return col(column).autoIncrement();
  }

  @Override
  public boolean isCaseSensitive(int column) throws SQLException {
    switch (col(column).jdbcType()) {
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
      case Types.CLOB:
      case Types.NCLOB:
        return true;
      default:
        return false;
    }
  }

  @Override
  public boolean isSearchable(int column) throws SQLException {
    col(column);
    return true;
  }

  @Override
  public boolean isCurrency(int column) throws SQLException {
    col(column);
    return false;
  }

  @Override
  public int isNullable(int column) throws SQLException {
    return col(column).nullable();
  }

  @Override
  public boolean isSigned(int column) throws SQLException {
    return col(column).signed();
  }

  @Override
  public int getColumnDisplaySize(int column) throws SQLException {
    return col(column).displaySize();
  }

  @Override
  public String getColumnLabel(int column) throws SQLException {
    return col(column).label();
  }

  /** The underlying column name, or the label when the replica reported none. */
  @Override
  public String getColumnName(int column) throws SQLException {
    ColumnInfo c = col(column);
    return c.name() == null || c.name().isEmpty() ? c.label() : c.name();
  }

  @Override
  public String getSchemaName(int column) throws SQLException {
    return nonNull(col(column).schema());
  }

  @Override
  public int getPrecision(int column) throws SQLException {
    return col(column).precision();
  }

  @Override
  public int getScale(int column) throws SQLException {
    return col(column).scale();
  }

  @Override
  public String getTableName(int column) throws SQLException {
    return nonNull(col(column).table());
  }

  @Override
  public String getCatalogName(int column) throws SQLException {
    return nonNull(col(column).catalog());
  }

  @Override
  public int getColumnType(int column) throws SQLException {
    return col(column).jdbcType();
  }

  @Override
  public String getColumnTypeName(int column) throws SQLException {
    return col(column).typeName();
  }

  /** False: JDBC's "definitely not writable"; columns are writable through SQL, not through the result set. */
  @Override
  public boolean isReadOnly(int column) throws SQLException {
    col(column);
    return false;
  }

  @Override
  public boolean isWritable(int column) throws SQLException {
    col(column);
    return true;
  }

  @Override
  public boolean isDefinitelyWritable(int column) throws SQLException {
    col(column);
    return false;
  }

  @Override
  public String getColumnClassName(int column) throws SQLException {
    return col(column).className();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "This ResultSetMetaData does not wrap a "
        + iface.getName() + ".");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
