package dev.ordo.driver;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.ResultData;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A read-only {@link Array}: an array value of a result row, or one made by
 * {@code Connection.createArrayOf}. {@link #getArray()} returns a typed Java
 * array ({@code Integer[]}, {@code String[]}, ...) when all elements share a
 * class, else {@code Object[]}; date-time elements are {@code java.sql} types.
 */
final class OrdoArray implements Array {
  private final Object[] elements;
  private final String baseTypeName;
  private final int baseType;

  OrdoArray(Object[] wireElements) {
    this(null, wireElements);
  }

  OrdoArray(String typeName, Object[] wireElements) {
    this.elements = wireElements.clone();
    Class<?> common = commonClass(elements);
    this.baseType = typeName != null ? jdbcTypeOfName(typeName) : jdbcTypeOf(common);
    this.baseTypeName = typeName != null ? typeName : nameOf(baseType);
  }

  /** The elements as they travel on the wire, for {@code setArray}. */
  Object[] wireElements() {
    return elements.clone();
  }

  @Override
  public String getBaseTypeName() {
    return baseTypeName;
  }

  @Override
  public int getBaseType() {
    return baseType;
  }

  @Override
  public Object getArray() {
    return slice(0, elements.length);
  }

  @Override
  public Object getArray(Map<String, Class<?>> map) throws SQLException {
    checkMap(map);
    return getArray();
  }

  @Override
  public Object getArray(long index, int count) throws SQLException {
    int from = checkRange(index, count);
    return slice(from, from + count);
  }

  @Override
  public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
    checkMap(map);
    return getArray(index, count);
  }

  @Override
  public ResultSet getResultSet() throws SQLException {
    return getResultSet(1, elements.length);
  }

  @Override
  public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
    checkMap(map);
    return getResultSet();
  }

  @Override
  public ResultSet getResultSet(long index, int count) throws SQLException {
    int from = checkRange(index, count);
    List<Object[]> rows = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      rows.add(new Object[] {i + 1, elements[i]});
    }
    List<ColumnInfo> cols = List.of(
        ColumnInfo.simple("INDEX", Types.INTEGER, "INTEGER", Integer.class.getName()),
        ColumnInfo.simple("VALUE", baseType, baseTypeName, Object.class.getName()));
    return new OrdoResultSet(null, new ResultData(cols, rows), ResultSet.TYPE_SCROLL_INSENSITIVE);
  }

  @Override
  public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
    checkMap(map);
    return getResultSet(index, count);
  }

  @Override
  public void free() {
    // nothing to release: the elements are on the heap
  }

  @Override
  public String toString() {
    return Conversions.toText(elements);
  }

  private Object slice(int from, int to) {
    Object[] natural = new Object[to - from];
    for (int i = from; i < to; i++) {
      natural[i - from] = Conversions.byValue(elements[i]);
    }
    Class<?> common = commonClass(natural);
    Object[] typed = (Object[]) java.lang.reflect.Array.newInstance(common, natural.length);
    System.arraycopy(natural, 0, typed, 0, natural.length);
    return typed;
  }

  private int checkRange(long index, int count) throws SQLException {
    if (index < 1 || count < 0 || index - 1 + count > elements.length) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "Array slice from index " + index + " of "
          + count + " elements is out of range: the array has " + elements.length + " elements, indexed from 1.");
    }
    return (int) (index - 1);
  }

  private static void checkMap(Map<String, Class<?>> map) throws SQLException {
    if (map != null && !map.isEmpty()) {
      throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED,
          "Custom type maps are not supported by the Ordo driver; pass null or an empty map.");
    }
  }

  private static Class<?> commonClass(Object[] values) {
    Class<?> c = null;
    for (Object v : values) {
      if (v != null) {
        if (c == null) {
          c = v.getClass();
        } else if (c != v.getClass()) {
          return Object.class;
        }
      }
    }
    return c == null || c.isArray() ? Object.class : c;
  }

  private static int jdbcTypeOf(Class<?> c) {
    if (c == Integer.class) {
      return Types.INTEGER;
    } else if (c == Long.class) {
      return Types.BIGINT;
    } else if (c == String.class) {
      return Types.VARCHAR;
    } else if (c == Boolean.class) {
      return Types.BOOLEAN;
    } else if (c == Double.class) {
      return Types.DOUBLE;
    } else if (c == Float.class) {
      return Types.REAL;
    } else if (c == java.math.BigDecimal.class) {
      return Types.NUMERIC;
    } else if (c == java.time.LocalDate.class) {
      return Types.DATE;
    } else if (c == java.time.LocalDateTime.class) {
      return Types.TIMESTAMP;
    } else if (c == java.time.OffsetDateTime.class) {
      return Types.TIMESTAMP_WITH_TIMEZONE;
    } else if (c == byte[].class) {
      return Types.VARBINARY;
    }
    return Types.OTHER;
  }

  private static int jdbcTypeOfName(String typeName) {
    try {
      return java.sql.JDBCType.valueOf(typeName.trim().toUpperCase(java.util.Locale.ROOT)).getVendorTypeNumber();
    } catch (IllegalArgumentException e) {
      return Types.OTHER;
    }
  }

  private static String nameOf(int jdbcType) {
    try {
      return java.sql.JDBCType.valueOf(jdbcType).getName();
    } catch (IllegalArgumentException e) {
      return "OTHER";
    }
  }
}
