package dev.ordo.driver.wire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Typed values on the wire. Every value is a one-byte tag followed by its
 * payload; see {@code docs/protocol.md} for the table. Values the protocol has
 * no tag for travel as their string form (tag {@link #STRING}).
 *
 * <p>Java types used on both sides: {@code Boolean, Integer, Long, Float,
 * Double, BigDecimal, BigInteger, String, byte[], LocalDate, LocalTime,
 * LocalDateTime, OffsetDateTime, OffsetTime, UUID, Object[]}.
 */
public final class Values {
  public static final byte NULL = 0;
  public static final byte BOOLEAN = 1;
  public static final byte INT = 4;
  public static final byte LONG = 5;
  public static final byte FLOAT = 6;
  public static final byte DOUBLE = 7;
  public static final byte DECIMAL = 8;
  public static final byte STRING = 9;
  public static final byte BYTES = 10;
  public static final byte DATE = 11;
  public static final byte TIME = 12;
  public static final byte TIMESTAMP = 13;
  public static final byte TIMESTAMP_TZ = 14;
  public static final byte TIME_TZ = 15;
  public static final byte UUID_TAG = 16;
  public static final byte ARRAY = 17;
  public static final byte BIG_INTEGER = 18;

  /** Largest string or byte array accepted from the wire (bytes). */
  public static final int MAX_BLOB = 256 << 20;
  /** Deepest nesting of arrays accepted from the wire (PostgreSQL arrays have at most 6 dimensions). */
  public static final int MAX_DEPTH = 8;

  private Values() {}

  public static void writeString(DataOutput out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  public static String readString(DataInput in) throws IOException {
    int n = in.readInt();
    if (n == -1) {
      return null;
    }
    return new String(readBytes(in, n), StandardCharsets.UTF_8);
  }

  static byte[] readBytes(DataInput in, int n) throws IOException {
    if (n < 0 || n > MAX_BLOB) {
      throw new ProtocolException("length " + n + " out of range");
    }
    if (in instanceof FrameInput f && n > f.remaining()) {
      throw new ProtocolException("length " + n + " exceeds the " + f.remaining() + " bytes left in the frame");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  static int readCount(DataInput in, int max, String what) throws IOException {
    return readCount(in, max, what, 1);
  }

  /**
   * Reads a count of items that take at least {@code minBytes} each (0: items may be empty), and refuses one
   * that is out of range or, from a {@link FrameInput}, larger than the bytes left could hold: checked before
   * anything is allocated for the items.
   */
  static int readCount(DataInput in, int max, String what, int minBytes) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max) {
      throw new ProtocolException(what + " count " + n + " out of range 0.." + max);
    }
    if (in instanceof FrameInput f && (long) n * minBytes > f.remaining()) {
      throw new ProtocolException(what + " count " + n + " exceeds what the " + f.remaining()
          + " bytes left in the frame can hold");
    }
    return n;
  }

  public static void write(DataOutput out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      out.writeByte(INT);
      out.writeInt(((Number) v).intValue());
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Float f) {
      out.writeByte(FLOAT);
      out.writeFloat(f);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (v instanceof BigDecimal d) {
      out.writeByte(DECIMAL);
      writeString(out, d.toString());
    } else if (v instanceof BigInteger i) {
      out.writeByte(BIG_INTEGER);
      writeString(out, i.toString());
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      writeString(out, s);
    } else if (v instanceof byte[] b) {
      out.writeByte(BYTES);
      out.writeInt(b.length);
      out.write(b);
    } else if (v instanceof LocalDate d) {
      out.writeByte(DATE);
      out.writeLong(d.toEpochDay());
    } else if (v instanceof LocalTime t) {
      out.writeByte(TIME);
      out.writeLong(t.toNanoOfDay());
    } else if (v instanceof LocalDateTime t) {
      out.writeByte(TIMESTAMP);
      out.writeLong(t.toEpochSecond(ZoneOffset.UTC));
      out.writeInt(t.getNano());
    } else if (v instanceof OffsetDateTime t) {
      out.writeByte(TIMESTAMP_TZ);
      out.writeLong(t.toEpochSecond());
      out.writeInt(t.getNano());
      out.writeInt(t.getOffset().getTotalSeconds());
    } else if (v instanceof OffsetTime t) {
      out.writeByte(TIME_TZ);
      out.writeLong(t.toLocalTime().toNanoOfDay());
      out.writeInt(t.getOffset().getTotalSeconds());
    } else if (v instanceof UUID u) {
      out.writeByte(UUID_TAG);
      out.writeLong(u.getMostSignificantBits());
      out.writeLong(u.getLeastSignificantBits());
    } else if (v instanceof Object[] a) {
      out.writeByte(ARRAY);
      out.writeInt(a.length);
      for (Object o : a) {
        write(out, o);
      }
    } else {
      out.writeByte(STRING);
      writeString(out, v.toString());
    }
  }

  public static Object read(DataInput in) throws IOException {
    return read(in, 0);
  }

  private static Object read(DataInput in, int depth) throws IOException {
    byte tag = in.readByte();
    switch (tag) {
      case NULL:
        return null;
      case BOOLEAN:
        return in.readBoolean();
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case FLOAT:
        return in.readFloat();
      case DOUBLE:
        return in.readDouble();
      case DECIMAL:
        return new BigDecimal(requireString(in));
      case BIG_INTEGER:
        return new BigInteger(requireString(in));
      case STRING:
        return readString(in);
      case BYTES:
        return readBytes(in, in.readInt());
      case DATE:
        return LocalDate.ofEpochDay(in.readLong());
      case TIME:
        return LocalTime.ofNanoOfDay(in.readLong());
      case TIMESTAMP: {
        long sec = in.readLong();
        int nano = in.readInt();
        return LocalDateTime.ofEpochSecond(sec, nano, ZoneOffset.UTC);
      }
      case TIMESTAMP_TZ: {
        long sec = in.readLong();
        int nano = in.readInt();
        ZoneOffset off = ZoneOffset.ofTotalSeconds(in.readInt());
        return OffsetDateTime.ofInstant(Instant.ofEpochSecond(sec, nano), off);
      }
      case TIME_TZ: {
        LocalTime t = LocalTime.ofNanoOfDay(in.readLong());
        return OffsetTime.of(t, ZoneOffset.ofTotalSeconds(in.readInt()));
      }
      case UUID_TAG:
        return new UUID(in.readLong(), in.readLong());
      case ARRAY: {
        if (depth >= MAX_DEPTH) {
          throw new ProtocolException("arrays nested deeper than " + MAX_DEPTH + " levels");
        }
        int n = readCount(in, 1 << 24, "array element");
        Object[] a = new Object[n];
        for (int i = 0; i < n; i++) {
          a[i] = read(in, depth + 1);
        }
        return a;
      }
      default:
        throw new ProtocolException("unknown value tag " + tag);
    }
  }

  private static String requireString(DataInput in) throws IOException {
    String s = readString(in);
    if (s == null) {
      throw new ProtocolException("numeric value without digits");
    }
    return s;
  }

  public static void writeList(DataOutput out, List<?> values) throws IOException {
    out.writeInt(values.size());
    for (Object v : values) {
      write(out, v);
    }
  }

  public static List<Object> readList(DataInput in) throws IOException {
    int n = readCount(in, 1 << 20, "value");
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(read(in));
    }
    return list;
  }
}
