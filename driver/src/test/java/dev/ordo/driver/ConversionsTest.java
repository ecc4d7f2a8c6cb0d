package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ConversionsTest {
  private static long asLong(Object v, boolean round) throws SQLException {
    return Conversions.toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long", round);
  }

  @Test
  void fractionsAreTruncatedLikePostgresqlsDriver() throws SQLException {
    assertEquals(19, asLong(19.8125d, false));
    assertEquals(-2, asLong(-2.5d, false));
    assertEquals(-2, asLong(new BigDecimal("-2.5"), false));
  }

  @Test
  void fractionsAreRoundedLikeH2sDriver() throws SQLException {
    assertEquals(20, asLong(19.8125d, true));
    assertEquals(-2, asLong(-2.5d, true), "double: Math.round, half up");
    assertEquals(3, asLong(2.5f, true));
    assertEquals(-3, asLong(new BigDecimal("-2.5"), true), "decimal: half away from zero");
    assertEquals(20, asLong(new BigDecimal("19.5"), true));
    assertEquals(7, asLong(7, true));
  }

  @Test
  void outOfRangeIsAnError() {
    SQLException e = assertThrows(SQLException.class,
        () -> Conversions.toLong(3e10d, Integer.MIN_VALUE, Integer.MAX_VALUE, "int", true));
    assertEquals("22003", e.getSQLState());
    assertThrows(SQLException.class, () -> asLong(Double.NaN, true));
  }
}
