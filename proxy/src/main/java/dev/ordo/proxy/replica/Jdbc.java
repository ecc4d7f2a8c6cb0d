package dev.ordo.proxy.replica;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.ResultData;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;

/** Moving values between the wire protocol and a replica's JDBC driver. */
public final class Jdbc {
  private Jdbc() {}

  /** Binds wire values to the {@code ?} markers of a statement. */
  public static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object v = params.get(i);
      if (v == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (v instanceof byte[] b) {
        ps.setBytes(i + 1, b);
      } else if (v instanceof Object[] a) {
        ps.setArray(i + 1, ps.getConnection().createArrayOf(arrayType(a), a));
      } else {
        ps.setObject(i + 1, v);
      }
    }
  }

  private static String arrayType(Object[] a) {
    for (Object o : a) {
      if (o instanceof Integer) {
        return "INTEGER";
      } else if (o instanceof Long) {
        return "BIGINT";
      } else if (o instanceof Number) {
        return "NUMERIC";
      } else if (o instanceof Boolean) {
        return "BOOLEAN";
      } else if (o != null) {
        return "VARCHAR";
      }
    }
    return "VARCHAR";
  }

  /** Reads a whole result set (at most {@code maxRows} rows, 0 for all) into wire form. */
  public static ResultData materialise(ResultSet rs, int maxRows) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<ColumnInfo> cols = columns(md);
    List<Object[]> rows = new ArrayList<>();
    while ((maxRows <= 0 || rows.size() < maxRows) && rs.next()) {
      Object[] row = new Object[n];
      for (int i = 0; i < n; i++) {
        row[i] = value(rs, i + 1, cols.get(i).jdbcType());
      }
      rows.add(row);
    }
    return new ResultData(cols, rows);
  }

  static List<ColumnInfo> columns(ResultSetMetaData md) throws SQLException {
    int n = md.getColumnCount();
    List<ColumnInfo> cols = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      cols.add(new ColumnInfo(
          md.getColumnLabel(i),
          nz(md.getColumnName(i)),
          nz(md.getTableName(i)),
          nz(md.getSchemaName(i)),
          nz(md.getCatalogName(i)),
          md.getColumnType(i),
          nz(md.getColumnTypeName(i)),
          md.getPrecision(i),
          md.getScale(i),
          md.isNullable(i),
          md.isAutoIncrement(i),
          nz(md.getColumnClassName(i)),
          md.getColumnDisplaySize(i),
          md.isSigned(i)));
    }
    return cols;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static Object value(ResultSet rs, int i, int jdbcType) throws SQLException {
    switch (jdbcType) {
      case Types.DATE:
        return rs.getObject(i, LocalDate.class);
      case Types.TIME:
        return rs.getObject(i, LocalTime.class);
      case Types.TIMESTAMP:
        return rs.getObject(i, LocalDateTime.class);
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return rs.getObject(i, OffsetDateTime.class);
      case Types.TIME_WITH_TIMEZONE:
        return rs.getObject(i, OffsetTime.class);
      default:
        return normalise(rs.getObject(i));
    }
  }

  private static Object normalise(Object v) throws SQLException {
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof byte[]) {
      return v;
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toLocalDateTime();
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof java.sql.Time t) {
      return t.toLocalTime();
    }
    if (v instanceof Clob c) {
      return c.getSubString(1, (int) c.length());
    }
    if (v instanceof Blob b) {
      return b.getBytes(1, (int) b.length());
    }
    if (v instanceof Array a) {
      Object[] arr = (Object[]) a.getArray();
      Object[] out = new Object[arr.length];
      for (int i = 0; i < arr.length; i++) {
        out[i] = normalise(arr[i]);
      }
      return out;
    }
    if (v instanceof Object[] arr) {
      Object[] out = new Object[arr.length];
      for (int i = 0; i < arr.length; i++) {
        out[i] = normalise(arr[i]);
      }
      return out;
    }
    return v;
  }

  /** Appends the rows of {@code more} to {@code acc} (same columns); either may be null. */
  static ResultData concat(ResultData acc, ResultData more) {
    if (acc == null) {
      return more;
    }
    if (more == null) {
      return acc;
    }
    List<Object[]> rows = new ArrayList<>(acc.rows());
    rows.addAll(more.rows());
    return new ResultData(acc.columns(), rows);
  }
}
