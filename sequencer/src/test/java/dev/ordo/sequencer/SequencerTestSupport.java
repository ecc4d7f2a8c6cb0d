package dev.ordo.sequencer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Ports, configurations and log reading shared by the integration tests. */
final class SequencerTestSupport {
  static final String HOST = "127.0.0.1";
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private SequencerTestSupport() {}

  /** {@code n} distinct free ports on the loopback address (all bound at once, then released). */
  static int[] freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // released anyway
        }
      }
    }
  }

  /** The peers p1..pn on the given ports. */
  static List<SequencerConfig.Peer> peers(int... ports) {
    List<SequencerConfig.Peer> peers = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      peers.add(new SequencerConfig.Peer("p" + (i + 1), HOST, ports[i]));
    }
    return peers;
  }

  static SequencerConfig config(String peerId, List<SequencerConfig.Peer> peers, Path storageDir, int maxBatchBytes) {
    return new SequencerConfig(peerId, peers, "ordo-test", storageDir, 512, maxBatchBytes, 4, REQUEST_TIMEOUT);
  }

  static SequencerConfig config(String peerId, List<SequencerConfig.Peer> peers, Path storageDir) {
    return config(peerId, peers, storageDir, 1 << 20);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Reads every entry from index 1 up to {@code upTo}, which must be committed, in pages of {@code page}. */
  static List<LogEntry> readAll(Sequencer sequencer, long upTo, int page) throws Exception {
    assertTrue(sequencer.awaitCommitted(upTo, Duration.ofSeconds(20)),
        () -> sequencer.peerId() + " did not commit " + upTo + " (at " + sequencer.committedIndex() + ")");
    List<LogEntry> entries = new ArrayList<>();
    long next = 1;
    while (next <= upTo) {
      LogChunk chunk = sequencer.read(next, (int) Math.min(page, upTo - next + 1));
      assertTrue(chunk.nextIndex() > next, "read made progress");
      entries.addAll(chunk.entries());
      next = chunk.nextIndex();
    }
    return entries;
  }

  /** Waits until every live sequencer names the same leader, and returns it. */
  static String awaitLeader(List<? extends Sequencer> sequencers, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String leader = sequencers.get(0).leaderId();
      boolean agreed = leader != null && sequencers.stream().allMatch(s -> leader.equals(s.leaderId()));
      if (agreed) {
        return leader;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no leader agreed on within " + timeout);
  }
}
