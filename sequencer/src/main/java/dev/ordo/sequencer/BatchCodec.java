package dev.ordo.sequencer;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoding of the payloads batched into one Raft entry (version 1):
 *
 * <pre>
 *   byte    version   = 1
 *   int32   count       number of payloads, at least 1
 *   count times:
 *     int32 length      payload length in bytes, at least 0
 *     byte[length]      the payload, unchanged
 * </pre>
 *
 * Integers are big-endian. Nothing may follow the last payload. A payload's
 * place in this list is its {@link LogPosition#sub()}.
 */
final class BatchCodec {
  static final byte VERSION = 1;
  /** Bytes before the first payload: version and count. */
  static final int HEADER_BYTES = 1 + 4;
  /** Bytes of framing per payload: its length. */
  static final int PER_PAYLOAD_BYTES = 4;

  private BatchCodec() {}

  /** The encoded size of one payload of {@code payloadLength} bytes, framing included. */
  static long framedSize(int payloadLength) {
    return PER_PAYLOAD_BYTES + (long) payloadLength;
  }

  /** Encodes a non-empty list of payloads. */
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
    buf.put(VERSION).putInt(payloads.size());
    for (byte[] p : payloads) {
      buf.putInt(p.length).put(p);
    }
    return buf.array();
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
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown batch version " + version + " (expected " + VERSION + ")");
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
}
