package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.ResultData;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrdoResultSetTest {
  private static final UUID ID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
  private static final LocalDateTime TS = LocalDateTime.of(2024, 2, 29, 13, 45, 7, 123_456_789);
  private static final OffsetDateTime TSTZ = OffsetDateTime.of(2024, 2, 29, 13, 45, 7, 0, ZoneOffset.ofHours(2));

  private static ColumnInfo col(String label, int type, String typeName) {
    return ColumnInfo.simple(label, type, typeName, Object.class.getName());
  }

  /** One row of every kind of value, plus a row of nulls. */
  static ResultData data() {
    List<ColumnInfo> cols = List.of(
        col("ID", Types.INTEGER, "INTEGER"),            // 1
        col("BIG", Types.BIGINT, "BIGINT"),             // 2
        col("NAME", Types.VARCHAR, "VARCHAR"),          // 3
        col("PRICE", Types.DECIMAL, "DECIMAL"),         // 4
        col("OK", Types.BOOLEAN, "BOOLEAN"),            // 5
        col("D", Types.DATE, "DATE"),                   // 6
        col("T", Types.TIME, "TIME"),                   // 7
        col("TS", Types.TIMESTAMP, "TIMESTAMP"),        // 8
        col("TSTZ", Types.TIMESTAMP_WITH_TIMEZONE, "TIMESTAMP WITH TIME ZONE"), // 9
        col("U", Types.OTHER, "UUID"),                  // 10
        col("B", Types.VARBINARY, "VARBINARY"),         // 11
        col("NUMTEXT", Types.VARCHAR, "VARCHAR"),       // 12
        col("DBL", Types.DOUBLE, "DOUBLE"),             // 13
        col("ARR", Types.ARRAY, "INTEGER ARRAY"),       // 14
        col("name", Types.VARCHAR, "VARCHAR"));         // 15: duplicate label, different case
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {7, 9_000_000_000L, "Ada", new BigDecimal("12.50"), true, LocalDate.of(2024, 2, 29),
        LocalTime.of(13, 45, 7), TS, TSTZ, ID, new byte[] {1, 2, (byte) 0xff}, " 42 ", 2.5, new Object[] {1, 2, 3},
        "second"});
    rows.add(new Object[cols.size()]);
    return new ResultData(cols, rows);
  }

  private static ResultSet firstRow(int type) throws SQLException {
    ResultSet rs = new OrdoResultSet(null, data(), type);
    assertTrue(rs.next());
    return rs;
  }

  @Test
  void gettersConvertBetweenTypes() throws SQLException {
    ResultSet rs = firstRow(ResultSet.TYPE_FORWARD_ONLY);
    assertEquals(7, rs.getInt(1));
    assertEquals(7L, rs.getLong("id"));
    assertEquals("7", rs.getString(1));
    assertEquals(new BigDecimal("7"), rs.getBigDecimal(1));
    assertEquals(9_000_000_000L, rs.getLong(2));
    assertEquals("Ada", rs.getString("NAME"));
    assertEquals(12.5, rs.getDouble(4));
    assertEquals(12, rs.getInt(4), "fractions are truncated");
    assertEquals("12.50", rs.getString(4));
    assertTrue(rs.getBoolean(5));
    assertEquals(1, rs.getInt(5));
    assertEquals("true", rs.getString(5));
    assertEquals(42, rs.getInt(12), "numeric text, trimmed");
    assertEquals((short) 42, rs.getShort("numtext"));
    assertEquals(2.5f, rs.getFloat(13));
    assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, rs.getBytes(11));
    assertEquals("0102ff", rs.getString(11));
    assertEquals(ID.toString(), rs.getString(10));
    assertFalse(rs.wasNull());
  }

  @Test
  void dateTimeGetters() throws SQLException {
    ResultSet rs = firstRow(ResultSet.TYPE_FORWARD_ONLY);
    assertEquals(Date.valueOf("2024-02-29"), rs.getDate(6));
    assertEquals(Time.valueOf("13:45:07"), rs.getTime(7));
    assertEquals(Timestamp.valueOf(TS), rs.getTimestamp(8));
    assertEquals(123_456_789, rs.getTimestamp(8).getNanos());
    assertEquals(Date.valueOf("2024-02-29"), rs.getDate(8));
    assertEquals("2024-02-29 13:45:07.123456789", rs.getString(8));
    assertEquals("13:45:07", rs.getString(7));
    assertEquals("2024-02-29 13:45:07+02:00", rs.getString(9));
    assertEquals(TSTZ.toInstant(), rs.getTimestamp(9).toInstant());

    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    assertEquals(TS.toInstant(ZoneOffset.UTC), rs.getTimestamp(8, utc).toInstant());
    assertEquals(LocalDate.of(2024, 2, 29).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli(),
        rs.getDate(6, utc).getTime());
    assertEquals(TSTZ.toInstant(), rs.getTimestamp(9, utc).toInstant(), "an instant ignores the calendar");
  }

  @Test
  void getObjectReturnsTheNaturalJdbcType() throws SQLException {
    ResultSet rs = firstRow(ResultSet.TYPE_FORWARD_ONLY);
    assertEquals(7, rs.getObject(1));
    assertEquals(9_000_000_000L, rs.getObject(2));
    assertEquals(new BigDecimal("12.50"), rs.getObject(4));
    assertEquals(Boolean.TRUE, rs.getObject(5));
    assertInstanceOf(Date.class, rs.getObject(6));
    assertInstanceOf(Time.class, rs.getObject(7));
    assertEquals(Timestamp.valueOf(TS), rs.getObject(8));
    assertEquals(TSTZ, rs.getObject(9));
    assertEquals(ID, rs.getObject(10));
    assertInstanceOf(byte[].class, rs.getObject(11));
    Array a = assertInstanceOf(Array.class, rs.getObject(14));
    assertArrayEquals(new Integer[] {1, 2, 3}, (Integer[]) a.getArray());
    assertEquals(Types.INTEGER, a.getBaseType());
    ResultSet elements = a.getResultSet();
    assertTrue(elements.next());
    assertEquals(1, elements.getInt("INDEX"));
    assertEquals(1, elements.getInt("VALUE"));
  }

  @Test
  void getObjectWithAClassConverts() throws SQLException {
    ResultSet rs = firstRow(ResultSet.TYPE_FORWARD_ONLY);
    assertEquals(TS, rs.getObject(8, LocalDateTime.class));
    assertEquals(TS.toLocalDate(), rs.getObject("TS", LocalDate.class));
    assertEquals(LocalTime.of(13, 45, 7), rs.getObject(7, LocalTime.class));
    assertEquals(TSTZ, rs.getObject(9, OffsetDateTime.class));
    assertEquals(TSTZ.toInstant(), rs.getObject(9, Instant.class));
    assertEquals(ID, rs.getObject(10, UUID.class));
    assertEquals(7L, rs.getObject(1, Long.class));
    assertEquals("7", rs.getObject(1, String.class));
    assertEquals(Integer.valueOf(42), rs.getObject(12, Integer.class));
    assertEquals(new BigDecimal("12.50"), rs.getObject(4, BigDecimal.class));
    assertEquals(Timestamp.valueOf(TS), rs.getObject(8, Timestamp.class));
    SQLException e = assertThrows(SQLDataException.class, () -> rs.getObject(3, Integer.class));
    assertEquals("22018", e.getSQLState());
    assertTrue(e.getMessage().contains("Column 3 (NAME)") && e.getMessage().contains("'Ada'"), e.getMessage());
  }

  @Test
  void nullsAndWasNull() throws SQLException {
    ResultSet rs = new OrdoResultSet(null, data(), ResultSet.TYPE_FORWARD_ONLY);
    rs.next();
    assertTrue(rs.next());
    assertEquals(0, rs.getInt(1));
    assertTrue(rs.wasNull());
    assertNull(rs.getString(3));
    assertFalse(rs.getBoolean(5));
    assertNull(rs.getTimestamp(8));
    assertNull(rs.getObject(10));
    assertNull(rs.getObject(8, LocalDateTime.class));
    assertNull(rs.getBigDecimal(4));
    assertTrue(rs.wasNull());
  }

  @Test
  void labelsAreCaseInsensitiveAndTheFirstMatchWins() throws SQLException {
    ResultSet rs = firstRow(ResultSet.TYPE_FORWARD_ONLY);
    assertEquals(3, rs.findColumn("name"));
    assertEquals("Ada", rs.getString("Name"));
    SQLException e = assertThrows(SQLException.class, () -> rs.findColumn("nope"));
    assertEquals("42703", e.getSQLState());
    assertTrue(e.getMessage().contains("The column name nope was not found") && e.getMessage().contains("PRICE"),
        e.getMessage());
  }

  @Test
  void refusalsCarryStateAndHelp() throws SQLException {
    ResultSet rs = new OrdoResultSet(null, data(), ResultSet.TYPE_FORWARD_ONLY);
    SQLException notOnRow = assertThrows(SQLException.class, () -> rs.getInt(1));
    assertEquals("24000", notOnRow.getSQLState());
    assertTrue(notOnRow.getMessage().contains("perhaps you need to call next"), notOnRow.getMessage());
    rs.next();
    SQLException badIndex = assertThrows(SQLException.class, () -> rs.getInt(16));
    assertEquals("22023", badIndex.getSQLState());
    assertTrue(badIndex.getMessage().contains("1 to 15"), badIndex.getMessage());
    SQLException range = assertThrows(SQLException.class, () -> rs.getInt(2));
    assertEquals("22003", range.getSQLState());
    SQLException scroll = assertThrows(SQLException.class, rs::previous);
    assertEquals("24000", scroll.getSQLState());
    assertTrue(scroll.getMessage().contains("TYPE_SCROLL_INSENSITIVE"), scroll.getMessage());
    SQLException update = assertThrows(SQLFeatureNotSupportedException.class, () -> rs.updateInt(1, 3));
    assertEquals("0A000", update.getSQLState());
    rs.close();
    assertTrue(rs.isClosed());
    assertEquals("55000", assertThrows(SQLException.class, rs::next).getSQLState());
  }

  @Test
  void scrollInsensitiveMovesFreely() throws SQLException {
    ResultSet rs = new OrdoResultSet(null, data(), ResultSet.TYPE_SCROLL_INSENSITIVE);
    assertTrue(rs.isBeforeFirst());
    assertTrue(rs.last());
    assertEquals(2, rs.getRow());
    assertTrue(rs.isLast());
    assertTrue(rs.previous());
    assertTrue(rs.isFirst());
    assertEquals(7, rs.getInt(1));
    assertFalse(rs.relative(5));
    assertTrue(rs.isAfterLast());
    assertTrue(rs.absolute(-2));
    assertEquals(1, rs.getRow());
    assertFalse(rs.absolute(0));
    assertTrue(rs.isBeforeFirst());
    rs.afterLast();
    assertFalse(rs.next());
    rs.beforeFirst();
    assertTrue(rs.first());
    assertEquals(ResultSet.TYPE_SCROLL_INSENSITIVE, rs.getType());
  }

  @Test
  void emptyResult() throws SQLException {
    ResultSet rs = new OrdoResultSet(null, new ResultData(data().columns(), List.of()),
        ResultSet.TYPE_FORWARD_ONLY);
    assertFalse(rs.isBeforeFirst());
    assertFalse(rs.next());
    assertFalse(rs.isAfterLast());
    assertTrue(assertThrows(SQLException.class, () -> rs.getString(1)).getMessage().contains("empty"));
  }

  @Test
  void metaDataDescribesTheColumns() throws SQLException {
    ResultSetMetaData md = new OrdoResultSet(null, data(), ResultSet.TYPE_FORWARD_ONLY).getMetaData();
    assertEquals(15, md.getColumnCount());
    assertEquals("PRICE", md.getColumnLabel(4));
    assertEquals(Types.DECIMAL, md.getColumnType(4));
    assertEquals("TIMESTAMP WITH TIME ZONE", md.getColumnTypeName(9));
    assertTrue(md.isCaseSensitive(3));
    assertEquals("22023", assertThrows(SQLException.class, () -> md.getColumnName(0)).getSQLState());
  }

  @Test
  void booleansFromTextAndNumbers() throws SQLException {
    assertTrue(Conversions.toBoolean("yes"));
    assertFalse(Conversions.toBoolean(" 0 "));
    assertTrue(Conversions.toBoolean(new BigDecimal("1.0")));
    assertFalse(Conversions.toBoolean(0L));
    assertEquals("22018", assertThrows(SQLException.class, () -> Conversions.toBoolean("maybe")).getSQLState());
  }
}
