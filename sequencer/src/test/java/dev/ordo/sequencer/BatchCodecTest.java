package dev.ordo.sequencer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSamePayloads(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "payload " + i);
    }
  }

  private static final java.util.UUID CLUSTER = RatisSequencer.groupId("ordo").getUuid();

  /** What a leader lets into its log: a whole batch of this version and cluster, and nothing that is not one. */
  @Test
  void validationAcceptsWhatEncodeWritesAndNothingElse() {
    byte[] good = BatchCodec.encode(List.of(bytes("one"), new byte[0], bytes("three")));
    BatchCodec.stampTime(good, 1_234_567L);
    BatchCodec.stampCluster(good, CLUSTER);
    BatchCodec.validate(ByteBuffer.wrap(good), CLUSTER);
    assertEquals(CLUSTER, BatchCodec.header(ByteBuffer.wrap(good)).cluster());
    IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
        () -> BatchCodec.validate(ByteBuffer.wrap(good), RatisSequencer.groupId("other").getUuid()));
    assertTrue(foreign.getMessage().contains("belongs to cluster " + CLUSTER), foreign.getMessage());
    byte[] unstamped = BatchCodec.encode(List.of(bytes("one")));
    assertThrows(IllegalArgumentException.class, () -> BatchCodec.validate(ByteBuffer.wrap(unstamped), CLUSTER));
    Random random = new Random(11);
    for (int i = 0; i < 2_000; i++) {
      byte[] bad = good.clone();
      int at = random.nextInt(bad.length);
      int flip = 1 + random.nextInt(255);
      bad[at] ^= (byte) flip;
      if (at >= 1 && at < 9) {
        continue; // the time field is not covered by the checksum: any time is a valid batch
      }
      assertThrows(IllegalArgumentException.class, () -> BatchCodec.validate(ByteBuffer.wrap(bad), CLUSTER),
          "byte " + at + " changed");
    }
    for (int cut = 0; cut < good.length; cut++) {
      int n = cut;
      assertThrows(IllegalArgumentException.class,
          () -> BatchCodec.validate(ByteBuffer.wrap(java.util.Arrays.copyOf(good, n)), CLUSTER), "cut at " + n);
    }
    assertThrows(IllegalArgumentException.class,
        () -> BatchCodec.validate(ByteBuffer.wrap(bytes("raw bytes")), CLUSTER));
  }

  @Test
  void roundTripsPayloadsInOrder() {
    List<byte[]> payloads = List.of(bytes("first"), new byte[0], bytes("third"), new byte[] {0, -1, 127});
    byte[] encoded = BatchCodec.encode(payloads);
    assertEquals(BatchCodec.HEADER_BYTES + 4 * 4 + 5 + 0 + 5 + 3, encoded.length);
    assertEquals(BatchCodec.VERSION, encoded[0]);
    assertSamePayloads(payloads, BatchCodec.decode(ByteBuffer.wrap(encoded)));
  }

  @Test
  void roundTripsRandomBatches() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int round = 0; round < 200; round++) {
      List<byte[]> payloads = new ArrayList<>();
      int n = 1 + random.nextInt(50);
      for (int i = 0; i < n; i++) {
        byte[] p = new byte[random.nextInt(300)];
        random.nextBytes(p);
        payloads.add(p);
      }
      assertSamePayloads(payloads, BatchCodec.decode(ByteBuffer.wrap(BatchCodec.encode(payloads))));
    }
  }

  @Test
  void decodesFromBufferPositionToLimit() {
    byte[] encoded = BatchCodec.encode(List.of(bytes("x"), bytes("yz")));
    byte[] framed = new byte[encoded.length + 6];
    System.arraycopy(encoded, 0, framed, 3, encoded.length);
    ByteBuffer buf = ByteBuffer.wrap(framed, 3, encoded.length);
    assertSamePayloads(List.of(bytes("x"), bytes("yz")), BatchCodec.decode(buf));
    assertEquals(3, buf.position(), "decode leaves the caller's buffer alone");
  }

  @Test
  void carriesATimeAndStillReadsVersionsOneAndTwo() {
    byte[] encoded = BatchCodec.encode(List.of(bytes("ab"), bytes("c")));
    assertEquals(0L, BatchCodec.header(ByteBuffer.wrap(encoded)).timeMicros());
    BatchCodec.stampTime(encoded, 1_795_000_000_123_456L);
    BatchCodec.stampCluster(encoded, CLUSTER);
    assertEquals(new BatchCodec.Header(1_795_000_000_123_456L, 2, CLUSTER),
        BatchCodec.header(ByteBuffer.wrap(encoded)));
    assertSamePayloads(List.of(bytes("ab"), bytes("c")), BatchCodec.decode(ByteBuffer.wrap(encoded)));
    byte[] v1 = ByteBuffer.allocate(1 + 4 + 4 + 2).put((byte) 1).putInt(1).putInt(2).put((byte) 'x').put((byte) 'y')
        .array();
    assertEquals(new BatchCodec.Header(0L, 1, null), BatchCodec.header(ByteBuffer.wrap(v1)));
    assertSamePayloads(List.of(bytes("xy")), BatchCodec.decode(ByteBuffer.wrap(v1)));
    // Version 2: time and checksum, no cluster.
    ByteBuffer v2 = ByteBuffer.allocate(1 + 8 + 4 + 4 + 4 + 2);
    v2.put((byte) 2).putLong(77L).putInt(0).putInt(1).putInt(2).put((byte) 'p').put((byte) 'q');
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(v2.array(), 13, v2.capacity() - 13);
    v2.putInt(9, (int) crc.getValue());
    assertEquals(new BatchCodec.Header(77L, 1, null), BatchCodec.header(ByteBuffer.wrap(v2.array())));
    assertSamePayloads(List.of(bytes("pq")), BatchCodec.decode(ByteBuffer.wrap(v2.array())));
  }

  @Test
  void refusesBytesChangedAfterEncoding() {
    byte[] encoded = BatchCodec.encode(List.of(bytes("abc"), bytes("de")));
    BatchCodec.stampTime(encoded, 42L); // the time is outside the checksum
    assertSamePayloads(List.of(bytes("abc"), bytes("de")), BatchCodec.decode(ByteBuffer.wrap(encoded)));
    encoded[encoded.length - 1] ^= 1;
    assertMalformed(encoded, "fails its checksum");
  }

  @Test
  void refusesToEncodeAnEmptyBatch() {
    assertThrows(IllegalArgumentException.class, () -> BatchCodec.encode(List.of()));
  }

  @Test
  void rejectsEmptyInput() {
    assertMalformed(new byte[0], "truncated");
  }

  @Test
  void rejectsUnknownVersion() {
    byte[] encoded = BatchCodec.encode(List.of(bytes("a")));
    encoded[0] = 9;
    assertMalformed(encoded, "version 9");
  }

  @Test
  void rejectsTruncatedHeader() {
    assertMalformed(new byte[] {1, 0, 0}, "truncated");
  }

  @Test
  void rejectsZeroNegativeAndImpossibleCounts() {
    assertMalformed(ByteBuffer.allocate(5).put((byte) 1).putInt(0).array(), "claims 0 payloads");
    assertMalformed(ByteBuffer.allocate(9).put((byte) 1).putInt(-1).putInt(0).array(), "claims -1 payloads");
    // a count that cannot fit in the bytes present is refused before anything is allocated
    assertMalformed(ByteBuffer.allocate(9).put((byte) 1).putInt(Integer.MAX_VALUE).putInt(0).array(),
        "claims " + Integer.MAX_VALUE);
  }

  @Test
  void rejectsBadLengths() {
    assertMalformed(ByteBuffer.allocate(9).put((byte) 1).putInt(1).putInt(-5).array(), "claims -5 bytes");
    assertMalformed(ByteBuffer.allocate(11).put((byte) 1).putInt(1).putInt(10).put((byte) 1).put((byte) 2).array(),
        "claims 10 bytes but 2 remain");
  }

  @Test
  void rejectsMissingPayloads() {
    byte[] encoded = BatchCodec.encode(List.of(bytes("a"), bytes("b")));
    byte[] cut = java.util.Arrays.copyOf(encoded, encoded.length - 5); // drop the whole second payload
    assertMalformed(cut, "");
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] encoded = BatchCodec.encode(List.of(bytes("a")));
    assertMalformed(java.util.Arrays.copyOf(encoded, encoded.length + 2), "fails its checksum");
    byte[] v1 = ByteBuffer.allocate(1 + 4 + 4 + 1 + 2).put((byte) 1).putInt(1).putInt(1).put((byte) 'a').array();
    assertMalformed(v1, "2 bytes follow the last of 1 payloads");
  }

  private static void assertMalformed(byte[] input, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BatchCodec.decode(ByteBuffer.wrap(input)));
    assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
  }
}
