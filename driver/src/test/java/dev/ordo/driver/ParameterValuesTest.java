package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ParameterValuesTest {

  @Test
  void naturalValuesBecomeWireValues() throws SQLException {
    assertEquals(LocalDate.of(2024, 1, 2), ParameterValues.toWire(Date.valueOf("2024-01-02"), 1));
    assertEquals(LocalTime.of(3, 4, 5), ParameterValues.toWire(Time.valueOf("03:04:05"), 1));
    LocalDateTime ldt = LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6);
    assertEquals(ldt, ParameterValues.toWire(Timestamp.valueOf(ldt), 1));
    Instant now = Instant.parse("2024-01-02T03:04:05Z");
    assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), ParameterValues.toWire(now, 1));
    assertEquals(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC),
        ParameterValues.toWire(ZonedDateTime.ofInstant(now, ZoneOffset.UTC), 1));
    java.util.Date utilDate = new java.util.Date(now.toEpochMilli());
    assertEquals(LocalDateTime.ofInstant(now, java.time.ZoneId.systemDefault()), ParameterValues.toWire(utilDate, 1));
    UUID u = UUID.randomUUID();
    assertEquals(u, ParameterValues.toWire(u, 1));
    assertEquals("x", ParameterValues.toWire('x', 1));
    assertEquals(5, ParameterValues.toWire((short) 5, 1));
    assertNull(ParameterValues.toWire(null, 1));
    assertArrayEquals(new Object[] {LocalDate.of(2024, 1, 2), "a"},
        (Object[]) ParameterValues.toWire(new Object[] {Date.valueOf("2024-01-02"), "a"}, 1));
    assertArrayEquals(new byte[] {1, 2}, (byte[]) ParameterValues.toWire(new ByteArrayInputStream(new byte[] {1, 2}),
        1));
    assertEquals("abc", ParameterValues.toWire(new StringReader("abc"), 1));
  }

  @Test
  void unknownClassesAreRefusedWithAHint() {
    SQLException e = assertThrows(SQLException.class, () -> ParameterValues.toWire(new Object(), 3));
    assertEquals("07006", e.getSQLState());
    assertTrue(e.getMessage().contains("parameter 3") && e.getMessage().contains("setObject(3, value, java.sql"
        + ".Types.X)"), e.getMessage());
  }

  @Test
  void targetTypesConvert() throws SQLException {
    assertEquals(42, ParameterValues.toWire("42", Types.INTEGER, -1, 1));
    assertEquals(42L, ParameterValues.toWire(42, Types.BIGINT, -1, 1));
    assertEquals("42", ParameterValues.toWire(42, Types.VARCHAR, -1, 1));
    assertEquals(new BigDecimal("1.24"), ParameterValues.toWire(1.235, Types.DECIMAL, 2, 1));
    assertEquals(true, ParameterValues.toWire("yes", Types.BOOLEAN, -1, 1));
    assertEquals(LocalDate.of(2024, 1, 2), ParameterValues.toWire("2024-01-02", Types.DATE, -1, 1));
    assertEquals(LocalDateTime.of(2024, 1, 2, 3, 4, 5), ParameterValues.toWire("2024-01-02 03:04:05",
        Types.TIMESTAMP, -1, 1));
    assertEquals(LocalDate.of(2024, 1, 2), ParameterValues.toWire(LocalDateTime.of(2024, 1, 2, 3, 4),
        Types.DATE, -1, 1));
    assertTrue(ParameterValues.toWire(new Object(), Types.VARCHAR, -1, 1) instanceof String);
    assertNull(ParameterValues.toWire("x", Types.NULL, -1, 1));
    assertEquals("22018", assertThrows(SQLException.class,
        () -> ParameterValues.toWire("abc", Types.INTEGER, -1, 1)).getSQLState());
    assertEquals("22003", assertThrows(SQLException.class,
        () -> ParameterValues.toWire(1L << 40, Types.INTEGER, -1, 1)).getSQLState());
  }

  @Test
  void streamsShorterThanAnnouncedAreRefused() {
    SQLException e = assertThrows(SQLException.class,
        () -> ParameterValues.readBytes(new ByteArrayInputStream(new byte[2]), 5));
    assertEquals("22023", e.getSQLState());
  }
}
