package dev.ordo.driver;

import dev.ordo.driver.wire.Values;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Calendar;
import java.util.UUID;

/**
 * Turns {@code PreparedStatement} parameter values into wire values (see
 * {@link dev.ordo.driver.wire.Values}): {@code java.sql} date-times become
 * {@code java.time} local values, {@link Instant} and {@link ZonedDateTime}
 * become {@link OffsetDateTime}, streams and LOBs are read fully.
 */
final class ParameterValues {
  private ParameterValues() {}

  /**
   * The wire value for {@code setObject(i, x)}.
   *
   * @throws SQLException 07006 when the SQL type of {@code x} cannot be inferred
   */
  static Object toWire(Object x, int index) throws SQLException {
    Object v = toWireOrNull(x);
    if (v == null && x != null) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_TYPE, "Can't infer the SQL type to use for an instance"
          + " of " + x.getClass().getName() + " (parameter " + index + "). Pass a String, Number, Boolean, byte[],"
          + " java.time value, UUID or array, or use setObject(" + index + ", value, java.sql.Types.X) to say"
          + " which SQL type to send.");
    }
    return v;
  }

  /** The wire value, or null if {@code x} is null or of a class with no inferable SQL type. */
  private static Object toWireOrNull(Object x) throws SQLException {
    if (x == null || x instanceof String || x instanceof Boolean || x instanceof Integer || x instanceof Long
        || x instanceof Double || x instanceof Float || x instanceof BigDecimal || x instanceof BigInteger
        || x instanceof byte[] || x instanceof LocalDate || x instanceof LocalTime || x instanceof LocalDateTime
        || x instanceof OffsetDateTime || x instanceof OffsetTime || x instanceof UUID) {
      return x;
    } else if (x instanceof Short || x instanceof Byte) {
      return ((Number) x).intValue();
    } else if (x instanceof Timestamp t) {
      return t.toLocalDateTime();
    } else if (x instanceof java.sql.Date d) {
      return d.toLocalDate();
    } else if (x instanceof Time t) {
      return localTime(t, ZoneId.systemDefault());
    } else if (x instanceof java.util.Date d) {
      return LocalDateTime.ofInstant(d.toInstant(), ZoneId.systemDefault());
    } else if (x instanceof Calendar c) {
      return OffsetDateTime.ofInstant(c.toInstant(), c.getTimeZone().toZoneId());
    } else if (x instanceof Instant i) {
      return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    } else if (x instanceof ZonedDateTime z) {
      return z.toOffsetDateTime();
    } else if (x instanceof Character || x instanceof char[]) {
      return x instanceof char[] c ? new String(c) : x.toString();
    } else if (x instanceof java.util.concurrent.atomic.AtomicInteger a) {
      return a.get();
    } else if (x instanceof java.util.concurrent.atomic.AtomicLong a) {
      return a.get();
    } else if (x instanceof Number n) {
      try {
        return new BigDecimal(n.toString());
      } catch (NumberFormatException e) {
        return null;
      }
    } else if (x instanceof Object[] a) {
      Object[] out = new Object[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = toWireOrNull(a[i]);
        if (out[i] == null && a[i] != null) {
          return null;
        }
      }
      return out;
    } else if (x instanceof Array a) {
      return toWireOrNull(a.getArray());
    } else if (x instanceof Blob b) {
      return readBlob(b);
    } else if (x instanceof Clob c) {
      return readClob(c);
    } else if (x instanceof InputStream in) {
      return readBytes(in, -1);
    } else if (x instanceof Reader r) {
      return readChars(r, -1);
    }
    return null;
  }

  /**
   * The wire value for {@code setObject(i, x, targetSqlType[, scaleOrLength])}.
   *
   * @param scale digits after the decimal point for DECIMAL/NUMERIC, or -1
   */
  static Object toWire(Object x, int targetSqlType, int scale, int index) throws SQLException {
    if (x == null || targetSqlType == Types.NULL) {
      return null;
    }
    ZoneId zone = ZoneId.systemDefault();
    Object v = toWireOrNull(x);
    if (v == null) { // no natural wire form: its text is the best we can do, for text targets only
      v = x.toString();
    }
    switch (targetSqlType) {
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
      case Types.CLOB:
      case Types.NCLOB:
        return Conversions.toText(v);
      case Types.TINYINT:
      case Types.SMALLINT:
      case Types.INTEGER:
        return (int) Conversions.toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "INTEGER");
      case Types.BIGINT:
        return Conversions.toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
      case Types.REAL:
        return (float) Conversions.toDouble(v);
      case Types.FLOAT:
      case Types.DOUBLE:
        return Conversions.toDouble(v);
      case Types.DECIMAL:
      case Types.NUMERIC:
        return Conversions.withScale(Conversions.toBigDecimal(v), scale);
      case Types.BIT:
      case Types.BOOLEAN:
        return Conversions.toBoolean(v);
      case Types.DATE:
        return Conversions.toLocalDate(v, zone);
      case Types.TIME:
        return Conversions.toLocalTime(v, zone);
      case Types.TIMESTAMP:
        return Conversions.toLocalDateTime(v, zone);
      case Types.TIME_WITH_TIMEZONE:
        return Conversions.toOffsetTime(v, zone);
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return Conversions.toOffsetDateTime(v, zone);
      case Types.BINARY:
      case Types.VARBINARY:
      case Types.LONGVARBINARY:
      case Types.BLOB:
        return Conversions.toBytes(v);
      case Types.ARRAY:
        if (v instanceof Object[]) {
          return v;
        }
        throw Conversions.cannot(v, "ARRAY");
      default:
        return toWire(x, index);
    }
  }

  /** A {@link Time} as a local time in {@code zone}, keeping its milliseconds. */
  static LocalTime localTime(Time t, ZoneId zone) {
    return LocalTime.ofInstant(Instant.ofEpochMilli(t.getTime()), zone);
  }

  static byte[] readBlob(Blob b) throws SQLException {
    long n = b.length();
    if (n > Values.MAX_BLOB) {
      throw tooLong("Blob", n);
    }
    return b.getBytes(1, (int) n);
  }

  static String readClob(Clob c) throws SQLException {
    long n = c.length();
    if (n > Values.MAX_BLOB) {
      throw tooLong("Clob", n);
    }
    return c.getSubString(1, (int) n);
  }

  /** Reads {@code length} bytes ({@code -1}: all) of an application's stream. */
  static byte[] readBytes(InputStream in, long length) throws SQLException {
    if (in == null) {
      return null;
    }
    if (length > Values.MAX_BLOB) {
      throw tooLong("stream", length);
    }
    try {
      byte[] b = length < 0 ? in.readAllBytes() : in.readNBytes((int) length);
      if (length >= 0 && b.length < length) {
        throw streamEnded(b.length, length);
      }
      return b;
    } catch (IOException e) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE,
          "Reading the parameter's InputStream failed: " + e.getMessage(), e);
    }
  }

  /** Reads {@code length} characters ({@code -1}: all) of an application's reader. */
  static String readChars(Reader r, long length) throws SQLException {
    if (r == null) {
      return null;
    }
    if (length > Values.MAX_BLOB) {
      throw tooLong("reader", length);
    }
    try {
      StringBuilder sb = new StringBuilder();
      char[] buf = new char[8192];
      long left = length < 0 ? Long.MAX_VALUE : length;
      while (left > 0) {
        int n = r.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        sb.append(buf, 0, n);
        left -= n;
      }
      if (length >= 0 && sb.length() < length) {
        throw streamEnded(sb.length(), length);
      }
      return sb.toString();
    } catch (IOException e) {
      throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE,
          "Reading the parameter's Reader failed: " + e.getMessage(), e);
    }
  }

  /** Reads an ASCII stream as text. */
  static String readAscii(InputStream in, long length) throws SQLException {
    byte[] b = readBytes(in, length);
    return b == null ? null : new String(b, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private static SQLException streamEnded(long got, long expected) {
    return SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The parameter's stream ended after " + got
        + " of the " + expected + " announced units; pass the true length or use the overload without a length.");
  }

  private static SQLException tooLong(String what, long n) {
    return SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "The parameter's " + what + " of " + n
        + " units is longer than the largest value the Ordo protocol carries (" + (Values.MAX_BLOB >> 20) + " MiB).");
  }
}
