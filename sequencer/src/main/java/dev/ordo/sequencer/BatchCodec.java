package dev.ordo.sequencer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The encoding of the payloads batched into one Raft entry (version 3):
 *
 * <pre>
 *   byte    version   = 3
 *   int64   time        the appending node's clock when it sent the batch (UTC µs; 0: none)
 *   16 bytes cluster    the cluster's identity: its Raft group id (UUID, most significant half first)
 *   int32   crc         CRC-32C of everything after it (count and payloads)
 *   int32   count       number of payloads, at least 1
 *   count times:
 *     int32 length      payload length in bytes, at least 0
 *     byte[length]      the payload, unchanged
 * </pre>
 *
 * Integers are big-endian. Nothing may follow the last payload. A payload's place in this list is its
 * {@link LogPosition#sub()}. Time and cluster are set by the sending peer ({@link #stampTime},
 * {@link #stampCluster}); the leader admits only batches of its own cluster ({@link #validate}). Versions 1 (no
 * time, cluster or checksum) and 2 (no cluster) are still read.
 */
final class BatchCodec {
  static final byte VERSION = 3;
  /** Bytes before the first payload: version, time, cluster, checksum and count. */
  static final int HEADER_BYTES = 1 + 8 + 16 + 4 + 4;
  /** Where the time field starts. */
  private static final int TIME_OFFSET = 1;
  /** Where the cluster field starts. */
  private static final int CLUSTER_OFFSET = 9;
  /** Where the checksum starts (version 3); it covers everything from {@link #COUNT_OFFSET}. */
  private static final int CRC_OFFSET = 25;
  private static final int COUNT_OFFSET = 29;
  /** Bytes of framing per payload: its length. */
  static final int PER_PAYLOAD_BYTES = 4;

  private BatchCodec() {}

  /** The encoded size of one payload of {@code payloadLength} bytes, framing included. */
  static long framedSize(int payloadLength) {
    return PER_PAYLOAD_BYTES + (long) payloadLength;
  }

  /** Encodes a non-empty list of payloads, time and cluster not set (see {@link #stampTime}, {@link #stampCluster}). */
  static byte[] encode(List<byte[]> payloads) {
    if (payloads.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one payload");
    }
    long size = HEADER_BYTES;
    for (byte[] p : payloads) {
      size += framedSize(p.length);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a batch of " + size + " bytes is too large to encode");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    buf.put(VERSION).putLong(0L).putLong(0L).putLong(0L).putInt(0).putInt(payloads.size());
    for (byte[] p : payloads) {
      buf.putInt(p.length).put(p);
    }
    byte[] out = buf.array();
    ByteBuffer.wrap(out).putInt(CRC_OFFSET, crc(out, COUNT_OFFSET, out.length - COUNT_OFFSET));
    return out;
  }

  private static int crc(byte[] b, int offset, int length) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(b, offset, length);
    return (int) c.getValue();
  }

  private static int crc(ByteBuffer b) {
    java.util.zip.CRC32C c = new java.util.zip.CRC32C();
    c.update(b.duplicate());
    return (int) c.getValue();
  }

  /** Sets the time field of an encoded batch (of this version). */
  static void stampTime(byte[] batch, long micros) {
    requireCurrent(batch);
    ByteBuffer.wrap(batch).putLong(TIME_OFFSET, micros);
  }

  /** Sets the cluster field of an encoded batch (of this version). */
  static void stampCluster(byte[] batch, UUID cluster) {
    requireCurrent(batch);
    ByteBuffer.wrap(batch).putLong(CLUSTER_OFFSET, cluster.getMostSignificantBits())
        .putLong(CLUSTER_OFFSET + 8, cluster.getLeastSignificantBits());
  }

  private static void requireCurrent(byte[] batch) {
    if (batch.length < HEADER_BYTES || batch[0] != VERSION) {
      throw new IllegalArgumentException("not a version " + VERSION + " batch");
    }
  }

  /**
   * The header of a batch.
   *
   * @param timeMicros the time field (0 for version 1 or when unset)
   * @param count the payload count
   * @param cluster the cluster field, or null for versions 1 and 2
   */
  record Header(long timeMicros, int count, UUID cluster) {}

  /** Reads the header of a batch without decoding its payloads; reads {@code in} from its position. */
  static Header header(ByteBuffer in) {
    ByteBuffer buf = in.slice();
    try {
      byte version = buf.get();
      long time = 0;
      UUID cluster = null;
      if (version == 2 || version == VERSION) {
        time = buf.getLong();
        if (version == VERSION) {
          cluster = new UUID(buf.getLong(), buf.getLong());
        }
        buf.getInt(); // checksum: see decode()
      } else if (version != 1) {
        throw unknownVersion(version);
      }
      return new Header(time, buf.getInt(), cluster);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("batch header of " + in.remaining() + " bytes is truncated", e);
    }
  }

  private static IllegalArgumentException unknownVersion(byte version) {
    return new IllegalArgumentException("unknown batch version " + version + " (expected 1 to " + VERSION + ")");
  }

  /**
   * Decodes a batch; reads {@code in} from its position to its limit.
   *
   * @throws IllegalArgumentException if the bytes are not a well-formed batch
   *     (the message says what is wrong)
   */
  static List<byte[]> decode(ByteBuffer in) {
    ByteBuffer buf = in.slice();
    int total = buf.remaining();
    try {
      byte version = buf.get();
      if (version == 2 || version == VERSION) {
        buf.position(version == VERSION ? CRC_OFFSET : 1 + 8); // the time and cluster: see header()
        checkCrc(buf, total);
      } else if (version != 1) {
        throw unknownVersion(version);
      }
      int count = buf.getInt();
      // Each payload takes at least its 4-byte length: reject absurd counts before allocating.
      if (count < 1 || count > buf.remaining() / PER_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("batch of " + total + " bytes claims " + count + " payloads");
      }
      List<byte[]> payloads = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int length = buf.getInt();
        if (length < 0 || length > buf.remaining()) {
          throw new IllegalArgumentException("payload " + i + " of " + count + " claims " + length
              + " bytes but " + buf.remaining() + " remain");
        }
        byte[] p = new byte[length];
        buf.get(p);
        payloads.add(p);
      }
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException(buf.remaining() + " bytes follow the last of " + count + " payloads");
      }
      return payloads;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("batch of " + total + " bytes is truncated", e);
    }
  }

  /** Reads the checksum at {@code buf}'s position and checks it against the rest. */
  private static void checkCrc(ByteBuffer buf, int total) {
    int expected = buf.getInt();
    int actual = crc(buf);
    if (expected != actual) {
      // Bytes changed after the sender wrote them: never run them.
      throw new IllegalArgumentException("batch of " + total + " bytes fails its checksum (CRC-32C "
          + Integer.toHexString(actual) + ", written " + Integer.toHexString(expected) + ")");
    }
  }

  /**
   * Checks that {@code in} (from its position to its limit) is a batch as this version writes them, of cluster
   * {@code cluster} (version {@value #VERSION}, checksum matching, payloads filling it exactly) without copying
   * its payloads.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static void validate(ByteBuffer in, UUID cluster) {
    ByteBuffer buf = in.slice();
    int total = buf.remaining();
    if (total < HEADER_BYTES || buf.get(0) != VERSION) {
      throw new IllegalArgumentException("not a batch of version " + VERSION + " (" + total + " bytes"
          + (total > 0 ? ", first byte " + buf.get(0) : "") + ")");
    }
    UUID theirs = new UUID(buf.getLong(CLUSTER_OFFSET), buf.getLong(CLUSTER_OFFSET + 8));
    if (!theirs.equals(cluster)) {
      throw new IllegalArgumentException("the batch belongs to cluster " + theirs + ", not to this one ("
          + cluster + ")");
    }
    buf.position(CRC_OFFSET);
    checkCrc(buf, total);
    try {
      int count = buf.getInt();
      if (count < 1 || count > buf.remaining() / PER_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("batch of " + total + " bytes claims " + count + " payloads");
      }
      for (int i = 0; i < count; i++) {
        int length = buf.getInt();
        if (length < 0 || length > buf.remaining()) {
          throw new IllegalArgumentException("payload " + i + " of " + count + " claims " + length
              + " bytes but " + buf.remaining() + " remain");
        }
        buf.position(buf.position() + length);
      }
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException(buf.remaining() + " bytes follow the last of " + count + " payloads");
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("batch of " + total + " bytes is truncated", e);
    }
  }
}
