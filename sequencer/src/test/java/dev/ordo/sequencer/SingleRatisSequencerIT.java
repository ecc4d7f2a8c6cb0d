package dev.ordo.sequencer;

import static dev.ordo.sequencer.SequencerTestSupport.bytes;
import static dev.ordo.sequencer.SequencerTestSupport.config;
import static dev.ordo.sequencer.SequencerTestSupport.freePorts;
import static dev.ordo.sequencer.SequencerTestSupport.peers;
import static dev.ordo.sequencer.SequencerTestSupport.readAll;
import static dev.ordo.sequencer.SequencerTestSupport.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SingleRatisSequencerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private final List<RatisSequencer> started = new ArrayList<>();

  private RatisSequencer start(SequencerConfig config, Consumer<RaftProperties> tuning) throws SequencerException {
    RatisSequencer s = RatisSequencer.start(config, tuning);
    started.add(s);
    return s;
  }

  private RatisSequencer start(SequencerConfig config) throws SequencerException {
    return start(config, p -> {});
  }

  @AfterEach
  void closeAll() {
    started.forEach(RatisSequencer::close);
  }

  private static LogPosition append(Sequencer s, String payload) throws Exception {
    return s.append(bytes(payload)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void appendsGetIncreasingPositionsAndReadBackInOrder() throws Exception {
    RatisSequencer s = start(config("p1", peers(freePorts(1)), dir));
    assertEquals("p1", s.peerId());
    List<LogPosition> positions = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      positions.add(append(s, "entry-" + i));
    }
    for (int i = 1; i < positions.size(); i++) {
      assertTrue(positions.get(i).isAfter(positions.get(i - 1)), positions.toString());
    }
    assertEquals("p1", s.leaderId());
    long last = positions.get(positions.size() - 1).index();

    List<LogEntry> entries = readAll(s, last, 3); // small pages: nextIndex chains reads
    assertEquals(20, entries.size());
    for (int i = 0; i < 20; i++) {
      assertEquals(positions.get(i), entries.get(i).position());
      assertEquals("entry-" + i, string(entries.get(i).payload()));
    }
    assertTrue(s.readIndex().get(WAIT.toSeconds(), TimeUnit.SECONDS) >= last);

    long committed = s.committedIndex();
    LogChunk beyond = s.read(committed + 1, 10);
    assertEquals(List.of(), beyond.entries());
    assertEquals(committed + 1, beyond.nextIndex(), "nothing past the committed index is read");
  }

  @Test
  void concurrentAppendsAreBatchedAndEachPayloadIsLoggedOnce() throws Exception {
    RatisSequencer s = start(config("p1", peers(freePorts(1)), dir));
    int threads = 64;
    int perThread = 50;
    Map<String, LogPosition> acked = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        writers.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            String payload = "t" + thread + "-" + i;
            acked.put(payload, append(s, payload));
          }
          return null;
        }));
      }
      for (Future<?> w : writers) {
        w.get(50, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * perThread, acked.size());
    assertEquals(acked.size(), acked.values().stream().distinct().count(), "positions are unique");
    long maxIndex = acked.values().stream().mapToLong(LogPosition::index).max().orElseThrow();
    assertTrue(s.readIndex().get(WAIT.toSeconds(), TimeUnit.SECONDS) >= maxIndex);

    List<LogEntry> entries = readAll(s, maxIndex, 1000);
    Map<String, LogPosition> logged = new HashMap<>();
    Map<Long, Integer> perRaftEntry = new TreeMap<>();
    for (LogEntry e : entries) {
      LogPosition previous = logged.put(string(e.payload()), e.position());
      assertEquals(null, previous, () -> string(e.payload()) + " is logged twice");
      perRaftEntry.merge(e.position().index(), 1, Integer::sum);
    }
    assertEquals(acked, logged, "every payload is logged once, where its append said");
    int largest = perRaftEntry.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(largest > 1, "some Raft entries batch several payloads: " + perRaftEntry.size()
        + " entries for " + entries.size() + " payloads");
  }

  @Test
  void restartFromTheSameDirectoryKeepsEveryEntryAndAppendsContinue() throws Exception {
    int[] ports = freePorts(1);
    SequencerConfig config = config("p1", peers(ports), dir);
    RatisSequencer s = start(config);
    List<CompletableFuture<LogPosition>> futures = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.add(s.append(bytes("before-" + i)));
    }
    long last = 0;
    for (CompletableFuture<LogPosition> f : futures) {
      last = Math.max(last, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).index());
    }
    List<LogEntry> before = readAll(s, last, 1000);
    assertEquals(100, before.size());
    s.close();

    RatisSequencer again = start(config);
    List<LogEntry> after = readAll(again, last, 1000);
    assertSameEntries(before, after);
    LogPosition next = append(again, "after-restart");
    assertTrue(next.index() > last, "appends continue past the recovered log: " + next);
    List<LogEntry> tail = again.read(next.index(), 1).entries();
    assertEquals(List.of("after-restart"), tail.stream().map(e -> string(e.payload())).toList());
  }

  @Test
  void entriesEvictedFromTheCacheAreReadFromDisk() throws Exception {
    // Tiny segments and a cache of two segments: most of the log lives only on disk.
    Consumer<RaftProperties> tiny = p -> {
      RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf("32KB"));
      RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf("16KB"));
      RaftServerConfigKeys.Log.setSegmentCacheNumMax(p, 2);
    };
    SequencerConfig config = config("p1", peers(freePorts(1)), dir, 16 * 1024);
    RatisSequencer s = start(config, tiny);
    String pad = "x".repeat(1000);
    List<CompletableFuture<LogPosition>> futures = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      futures.add(s.append(bytes(i + ":" + pad)));
    }
    Map<LogPosition, String> acked = new HashMap<>();
    for (int i = 0; i < futures.size(); i++) {
      acked.put(futures.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS), i + ":" + pad);
    }
    long last = acked.keySet().stream().mapToLong(LogPosition::index).max().orElseThrow();
    assertLogHolds(acked, readAll(s, last, 50));
    s.close();

    RatisSequencer again = start(config, tiny); // only the last two segments are loaded into the cache
    assertLogHolds(acked, readAll(again, last, 50));
  }

  @Test
  void afterCloseCallsFailWithASequencerException() throws Exception {
    RatisSequencer s = start(config("p1", peers(freePorts(1)), dir));
    append(s, "one");
    s.close();
    s.close(); // idempotent
    ExecutionException e = assertThrows(ExecutionException.class, () -> s.append(bytes("late")).get());
    assertInstanceOf(SequencerException.class, e.getCause());
    e = assertThrows(ExecutionException.class, () -> s.readIndex().get());
    assertInstanceOf(SequencerException.class, e.getCause());
    assertThrows(SequencerException.class, () -> s.read(1, 10));
  }

  @Test
  void withoutAMajorityAppendsAndReadIndexesFailAfterTheRequestTimeout() throws Exception {
    // p1 of a three-peer group, alone: it can never have a leader.
    List<SequencerConfig.Peer> peers = peers(freePorts(3));
    SequencerConfig config = new SequencerConfig("p1", peers, "ordo-test", dir, 512, 1 << 20, 4, Duration.ofSeconds(2));
    RatisSequencer s = start(config);
    long t0 = System.nanoTime();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> s.append(bytes("lost")).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    SequencerException se = assertInstanceOf(SequencerException.class, e.getCause());
    assertTrue(se.getMessage().startsWith("p1: append not done within PT2S: no leader"), se.getMessage());
    assertTrue(waitedMs >= 1900 && waitedMs < 8000, "failed after " + waitedMs + " ms");

    e = assertThrows(ExecutionException.class, () -> s.readIndex().get(WAIT.toSeconds(), TimeUnit.SECONDS));
    se = assertInstanceOf(SequencerException.class, e.getCause());
    assertTrue(se.getMessage().startsWith("p1: read index not done within PT2S: no leader"), se.getMessage());
    assertEquals(null, s.leaderId());
  }

  @Test
  void closeFailsAppendsAndReadIndexesStillWaitingForALeader() throws Exception {
    List<SequencerConfig.Peer> peers = peers(freePorts(3)); // p1 alone: no leader, ever
    RatisSequencer s = start(new SequencerConfig("p1", peers, "ordo-test", dir, 512, 1 << 20, 4, Duration.ofSeconds(30)));
    CompletableFuture<LogPosition> append = s.append(bytes("waiting"));
    CompletableFuture<Long> readIndex = s.readIndex();
    Thread.sleep(300); // both are retrying by now
    s.close();
    for (CompletableFuture<?> f : List.of(append, readIndex)) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
      SequencerException se = assertInstanceOf(SequencerException.class, e.getCause());
      assertTrue(se.getMessage().startsWith("p1: ") && se.getMessage().contains("closed"), se.getMessage());
    }
    assertEquals(false, s.awaitCommitted(1_000, Duration.ofSeconds(5)), "a closed peer does not wait");
  }

  private static void assertLogHolds(Map<LogPosition, String> expected, List<LogEntry> entries) {
    Map<LogPosition, String> actual = new HashMap<>();
    entries.forEach(e -> actual.put(e.position(), string(e.payload())));
    assertEquals(expected, actual);
  }

  private static void assertSameEntries(List<LogEntry> expected, List<LogEntry> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).position(), actual.get(i).position());
      assertArrayEquals(expected.get(i).payload(), actual.get(i).payload());
    }
  }
}
