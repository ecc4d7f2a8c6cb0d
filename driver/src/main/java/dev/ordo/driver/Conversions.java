package dev.ordo.driver;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Conversions between the values that travel on the wire (see
 * {@link dev.ordo.driver.wire.Values}) and the Java types JDBC getters return.
 *
 * <p>Time zones: values without an offset ({@code DATE}, {@code TIME},
 * {@code TIMESTAMP}) are local date-times and become {@code java.sql} types
 * in the JVM's default zone, as every JDBC driver does; a {@code TIMESTAMP
 * WITH TIME ZONE} value converted to a local type is first moved to the JVM's
 * default zone (the same instant), so that {@code getTimestamp} and
 * {@code getObject(i, LocalDateTime.class)} agree.
 *
 * <p>Failures are {@link SQLException}s with SQLState 22018 (cannot convert)
 * or 22003 (out of range); callers add where the value came from.
 */
final class Conversions {
  private static final DateTimeFormatter TEXT_TIME = new DateTimeFormatterBuilder()
      .appendPattern("HH:mm:ss").optionalStart().appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9,
          true).toFormatter();
  private static final DateTimeFormatter PARSE_TIMESTAMP = new DateTimeFormatterBuilder()
      .parseCaseInsensitive().append(DateTimeFormatter.ISO_LOCAL_DATE).optionalStart().appendLiteral('T')
      .optionalEnd().optionalStart().appendLiteral(' ').optionalEnd().append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart().appendOffset("+HH:mm", "Z").optionalEnd().toFormatter();

  private Conversions() {}

  // ---- to Java values (ResultSet getters, setObject with a target type) ----

  /** The text form of any wire value, as a database's own {@code CAST(... AS VARCHAR)} would print it. */
  static String toText(Object v) {
    if (v == null || v instanceof String) {
      return (String) v;
    } else if (v instanceof BigDecimal d) {
      return d.toPlainString();
    } else if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    } else if (v instanceof LocalTime t) {
      return TEXT_TIME.format(t);
    } else if (v instanceof LocalDateTime t) {
      return t.toLocalDate() + " " + TEXT_TIME.format(t);
    } else if (v instanceof OffsetDateTime t) {
      return t.toLocalDate() + " " + TEXT_TIME.format(t) + t.getOffset().getId().replace("Z", "+00:00");
    } else if (v instanceof OffsetTime t) {
      return TEXT_TIME.format(t) + t.getOffset().getId().replace("Z", "+00:00");
    } else if (v instanceof Object[] a) {
      return Arrays.deepToString(a);
    }
    return v.toString();
  }

  static boolean toBoolean(Object v) throws SQLException {
    if (v instanceof Boolean b) {
      return b;
    } else if (v instanceof Number n) {
      return toBigDecimal(n).signum() != 0;
    } else if (v instanceof String s) {
      switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "t", "yes", "y", "on", "1":
          return true;
        case "false", "f", "no", "n", "off", "0":
          return false;
        default:
          break;
      }
    }
    throw cannot(v, "boolean");
  }

  /** An integral value within {@code [min, max]}; fractions are truncated toward zero. */
  static long toLong(Object v, long min, long max, String javaType) throws SQLException {
    return toLong(v, min, max, javaType, false);
  }

  /**
   * A value as a whole number in [min, max]. A fraction is truncated toward zero,
   * or with {@code round} rounded as H2's driver does: a {@code double} or
   * {@code float} by {@link Math#round} (half up), a decimal half away from zero.
   */
  static long toLong(Object v, long min, long max, String javaType, boolean round) throws SQLException {
    long r;
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      r = ((Number) v).longValue();
    } else if (v instanceof Boolean b) {
      r = b ? 1 : 0;
    } else if (round && (v instanceof Double || v instanceof Float)) {
      double x = ((Number) v).doubleValue();
      if (Double.isNaN(x) || x < min - 0.5 || x >= max + 0.5) {
        throw outOfRange(v, javaType);
      }
      r = Math.round(x);
    } else {
      BigDecimal d = toBigDecimal(v, javaType);
      if (round) {
        d = d.setScale(0, java.math.RoundingMode.HALF_UP);
      }
      if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw outOfRange(v, javaType);
      }
      r = d.longValue();
    }
    if (r < min || r > max) {
      throw outOfRange(v, javaType);
    }
    return r;
  }

  static double toDouble(Object v) throws SQLException {
    if (v instanceof Number n && !(v instanceof BigDecimal) && !(v instanceof BigInteger)) {
      return n.doubleValue();
    } else if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim()); // also accepts NaN and Infinity
      } catch (NumberFormatException e) {
        throw cannot(v, "double");
      }
    }
    return toBigDecimal(v, "double").doubleValue();
  }

  static BigDecimal toBigDecimal(Object v) throws SQLException {
    return toBigDecimal(v, "BigDecimal");
  }

  private static BigDecimal toBigDecimal(Object v, String target) throws SQLException {
    if (v instanceof BigDecimal d) {
      return d;
    } else if (v instanceof BigInteger i) {
      return new BigDecimal(i);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return BigDecimal.valueOf(((Number) v).longValue());
    } else if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw outOfRange(v, target);
      }
      return v instanceof Float f ? new BigDecimal(f.toString()) : BigDecimal.valueOf(d);
    } else if (v instanceof Boolean b) {
      return b ? BigDecimal.ONE : BigDecimal.ZERO;
    } else if (v instanceof Number n) {
      return toBigDecimal(n.toString(), target);
    } else if (v instanceof String s) {
      try {
        return new BigDecimal(s.trim());
      } catch (NumberFormatException e) {
        throw cannot(v, target);
      }
    }
    throw cannot(v, target);
  }

  static byte[] toBytes(Object v) throws SQLException {
    if (v instanceof byte[] b) {
      return b;
    } else if (v instanceof String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    } else if (v instanceof UUID u) {
      return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    } else if (v instanceof Blob b) {
      return b.getBytes(1, (int) b.length());
    }
    throw cannot(v, "byte[]");
  }

  static LocalDate toLocalDate(Object v, ZoneId zone) throws SQLException {
    if (v instanceof LocalDate d) {
      return d;
    } else if (v instanceof LocalDateTime t) {
      return t.toLocalDate();
    } else if (v instanceof OffsetDateTime t) {
      return t.atZoneSameInstant(zone).toLocalDate();
    } else if (v instanceof String s) {
      String t = s.trim();
      return t.length() <= 10 ? parse(() -> LocalDate.parse(t), v, "date") : toLocalDateTime(t, zone).toLocalDate();
    }
    throw cannot(v, "date");
  }

  static LocalTime toLocalTime(Object v, ZoneId zone) throws SQLException {
    if (v instanceof LocalTime t) {
      return t;
    } else if (v instanceof LocalDateTime t) {
      return t.toLocalTime();
    } else if (v instanceof OffsetDateTime t) {
      return t.atZoneSameInstant(zone).toLocalTime();
    } else if (v instanceof OffsetTime t) {
      return t.toLocalTime();
    } else if (v instanceof String s) {
      return parse(() -> LocalTime.parse(s.trim()), v, "time");
    }
    throw cannot(v, "time");
  }

  static LocalDateTime toLocalDateTime(Object v, ZoneId zone) throws SQLException {
    if (v instanceof LocalDateTime t) {
      return t;
    } else if (v instanceof OffsetDateTime t) {
      return t.atZoneSameInstant(zone).toLocalDateTime();
    } else if (v instanceof LocalDate d) {
      return d.atStartOfDay();
    } else if (v instanceof String s) {
      String t = s.trim();
      if (t.length() <= 10) {
        return toLocalDate(t, zone).atStartOfDay();
      }
      return parse(() -> {
        var parsed = PARSE_TIMESTAMP.parse(t);
        LocalDateTime ldt = LocalDateTime.from(parsed);
        return parsed.isSupported(java.time.temporal.ChronoField.OFFSET_SECONDS)
            ? OffsetDateTime.from(parsed).atZoneSameInstant(zone).toLocalDateTime()
            : ldt;
      }, v, "timestamp");
    }
    throw cannot(v, "timestamp");
  }

  static OffsetDateTime toOffsetDateTime(Object v, ZoneId zone) throws SQLException {
    if (v instanceof OffsetDateTime t) {
      return t;
    } else if (v instanceof String s) {
      String t = s.trim();
      try {
        var parsed = PARSE_TIMESTAMP.parse(t);
        if (parsed.isSupported(java.time.temporal.ChronoField.OFFSET_SECONDS)) {
          return OffsetDateTime.from(parsed);
        }
      } catch (DateTimeParseException e) {
        // not a full timestamp: try the local forms below
      }
    }
    return toLocalDateTime(v, zone).atZone(zone).toOffsetDateTime();
  }

  static OffsetTime toOffsetTime(Object v, ZoneId zone) throws SQLException {
    if (v instanceof OffsetTime t) {
      return t;
    } else if (v instanceof OffsetDateTime t) {
      return t.toOffsetTime();
    } else if (v instanceof String s) {
      try {
        return OffsetTime.parse(s.trim());
      } catch (DateTimeParseException e) {
        // fall back to a local time in the zone
      }
    }
    LocalTime t = toLocalTime(v, zone);
    return t.atOffset(zone.getRules().getOffset(Instant.now()));
  }

  static Timestamp toTimestamp(Object v, ZoneId zone) throws SQLException {
    if (v instanceof OffsetDateTime t) {
      return Timestamp.from(t.toInstant());
    }
    LocalDateTime t = toLocalDateTime(v, zone);
    return zone.equals(ZoneId.systemDefault()) ? Timestamp.valueOf(t) : Timestamp.from(t.atZone(zone).toInstant());
  }

  static Date toDate(Object v, ZoneId zone) throws SQLException {
    LocalDate d = toLocalDate(v, zone);
    return zone.equals(ZoneId.systemDefault()) ? Date.valueOf(d) : new Date(d.atStartOfDay(zone).toInstant()
        .toEpochMilli());
  }

  static Time toTime(Object v, ZoneId zone) throws SQLException {
    LocalTime t = toLocalTime(v, zone);
    return new Time(t.atDate(LocalDate.EPOCH).atZone(zone).toInstant().toEpochMilli());
  }

  static UUID toUuid(Object v) throws SQLException {
    if (v instanceof UUID u) {
      return u;
    } else if (v instanceof String s) {
      try {
        return UUID.fromString(s.trim());
      } catch (IllegalArgumentException e) {
        throw cannot(v, "UUID");
      }
    } else if (v instanceof byte[] b && b.length == 16) {
      ByteBuffer buf = ByteBuffer.wrap(b);
      return new UUID(buf.getLong(), buf.getLong());
    }
    throw cannot(v, "UUID");
  }

  /** Converts a wire value to {@code type}, for {@code getObject(i, type)}. Null stays null. */
  static <T> T convert(Object v, Class<T> type) throws SQLException {
    if (v == null) {
      return null;
    }
    return type.cast(convertNonNull(v, type));
  }

  private static Object convertNonNull(Object v, Class<?> type) throws SQLException {
    ZoneId zone = ZoneId.systemDefault();
    if (type == String.class) {
      return toText(v);
    } else if (type == Integer.class) {
      return (int) toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    } else if (type == Long.class) {
      return toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long");
    } else if (type == Short.class) {
      return (short) toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "short");
    } else if (type == Byte.class) {
      return (byte) toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    } else if (type == Double.class) {
      return toDouble(v);
    } else if (type == Float.class) {
      return (float) toDouble(v);
    } else if (type == BigDecimal.class) {
      return toBigDecimal(v);
    } else if (type == BigInteger.class) {
      return v instanceof BigInteger ? v : toBigDecimal(v, "BigInteger").toBigInteger();
    } else if (type == Boolean.class) {
      return toBoolean(v);
    } else if (type == byte[].class) {
      return toBytes(v);
    } else if (type == LocalDate.class) {
      return toLocalDate(v, zone);
    } else if (type == LocalTime.class) {
      return toLocalTime(v, zone);
    } else if (type == LocalDateTime.class) {
      return toLocalDateTime(v, zone);
    } else if (type == OffsetDateTime.class) {
      return toOffsetDateTime(v, zone);
    } else if (type == OffsetTime.class) {
      return toOffsetTime(v, zone);
    } else if (type == Instant.class) {
      return toOffsetDateTime(v, zone).toInstant();
    } else if (type == ZonedDateTime.class) {
      return toOffsetDateTime(v, zone).toZonedDateTime();
    } else if (type == Timestamp.class || type == java.util.Date.class) {
      return toTimestamp(v, zone);
    } else if (type == Date.class) {
      return toDate(v, zone);
    } else if (type == Time.class) {
      return toTime(v, zone);
    } else if (type == UUID.class) {
      return toUuid(v);
    } else if (type == Array.class && v instanceof Object[] a) {
      return new OrdoArray(a);
    } else if ((type == Blob.class) && v instanceof byte[] b) {
      return new OrdoBlob(b);
    } else if ((type == Clob.class || type == NClob.class) && v instanceof String s) {
      return new OrdoClob(s);
    } else if (type.isInstance(v)) {
      return v;
    }
    Object natural = byValue(v);
    if (type.isInstance(natural)) {
      return natural;
    }
    throw cannot(v, type.getName());
  }

  /**
   * The value {@code getObject(i)} returns for a column of the given
   * {@link Types} type: e.g. {@code java.sql.Timestamp} for TIMESTAMP,
   * {@code Long} for BIGINT, {@code BigDecimal} for DECIMAL.
   */
  static Object natural(Object v, int jdbcType) {
    if (v == null) {
      return null;
    }
    ZoneId zone = ZoneId.systemDefault();
    try {
      switch (jdbcType) {
        case Types.BOOLEAN:
          return toBoolean(v);
        case Types.BIT:
          return v instanceof Number || v instanceof Boolean ? toBoolean(v) : byValue(v);
        case Types.TINYINT:
        case Types.SMALLINT:
        case Types.INTEGER:
          return v instanceof Number ? (Object) (int) toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int") : v;
        case Types.BIGINT:
          return v instanceof Number ? (Object) toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long") : v;
        case Types.REAL:
          return v instanceof Number ? (Object) (float) toDouble(v) : v;
        case Types.FLOAT:
        case Types.DOUBLE:
          return v instanceof Number ? (Object) toDouble(v) : v;
        case Types.DECIMAL:
        case Types.NUMERIC:
          return v instanceof Number ? toBigDecimal(v) : v;
        case Types.DATE:
          return toDate(v, zone);
        case Types.TIME:
          return v instanceof OffsetTime ? v : toTime(v, zone);
        case Types.TIMESTAMP:
          return v instanceof OffsetDateTime ? v : toTimestamp(v, zone);
        case Types.CLOB:
        case Types.NCLOB:
          return v instanceof String s ? new OrdoClob(s) : byValue(v);
        case Types.BLOB:
          return v instanceof byte[] b ? new OrdoBlob(b) : byValue(v);
        default:
          return byValue(v);
      }
    } catch (SQLException e) {
      return byValue(v); // the column's declared type does not fit this value: return it as it came
    }
  }

  /** The JDBC type for a wire value of this Java class: {@code java.sql} date-times, arrays as {@link Array}. */
  static Object byValue(Object v) {
    if (v instanceof LocalDate d) {
      return Date.valueOf(d);
    } else if (v instanceof LocalTime t) {
      return new Time(t.atDate(LocalDate.EPOCH).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
    } else if (v instanceof LocalDateTime t) {
      return Timestamp.valueOf(t);
    } else if (v instanceof Object[] a) {
      return new OrdoArray(a);
    }
    return v;
  }

  /** A scale for DECIMAL targets of {@code setObject(i, x, type, scale)}. */
  static BigDecimal withScale(BigDecimal d, int scale) {
    return scale >= 0 ? d.setScale(scale, RoundingMode.HALF_UP) : d;
  }

  // ---- failures ----

  private interface Parse<T> {
    T get();
  }

  private static <T> T parse(Parse<T> p, Object v, String target) throws SQLException {
    try {
      return p.get();
    } catch (java.time.DateTimeException e) { // includes DateTimeParseException
      throw cannot(v, target);
    }
  }

  static SQLException cannot(Object v, String target) {
    return SqlExceptions.create(SqlState.INVALID_CHARACTER_VALUE_FOR_CAST,
        "Cannot convert " + show(v) + " to " + target + ".");
  }

  private static SQLException outOfRange(Object v, String target) {
    return SqlExceptions.create(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
        "The value " + show(v) + " is out of range for " + target + ".");
  }

  /** A value for messages: strings quoted and cut at 40 characters, with the Java class. */
  static String show(Object v) {
    if (v == null) {
      return "NULL";
    }
    String s = toText(v);
    if (s.length() > 40) {
      s = s.substring(0, 37) + "...";
    }
    return (v instanceof String ? "'" + s + "'" : s) + " (" + v.getClass().getSimpleName() + ")";
  }
}
