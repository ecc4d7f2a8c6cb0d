package dev.ordo.sequencer;

import static dev.ordo.sequencer.SequencerTestSupport.awaitLeader;
import static dev.ordo.sequencer.SequencerTestSupport.bytes;
import static dev.ordo.sequencer.SequencerTestSupport.config;
import static dev.ordo.sequencer.SequencerTestSupport.freePorts;
import static dev.ordo.sequencer.SequencerTestSupport.peers;
import static dev.ordo.sequencer.SequencerTestSupport.readAll;
import static dev.ordo.sequencer.SequencerTestSupport.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ThreePeerRatisSequencerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  /** The peers still running; a closed one is removed. */
  private final List<RatisSequencer> live = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startThreePeers() throws Exception {
    List<SequencerConfig.Peer> peers = peers(freePorts(3));
    for (SequencerConfig.Peer p : peers) {
      live.add(RatisSequencer.start(config(p.id(), peers, dir.resolve(p.id()))));
    }
    awaitLeader(live, WAIT);
  }

  @AfterEach
  void closeAll() {
    live.forEach(RatisSequencer::close);
  }

  private RatisSequencer peer(String id) {
    return live.stream().filter(s -> s.peerId().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void writesSurviveTheLossOfTheLeaderAndEveryAcknowledgedPayloadIsLoggedOnce() throws Exception {
    Map<String, LogPosition> acked = new ConcurrentHashMap<>();
    AtomicLong leaderClosedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicInteger ackedAfterClose = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 9; w++) {
      int writer = w;
      writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
        int n = 0;
        while (!stop.get()) {
          List<RatisSequencer> targets = live;
          RatisSequencer target = targets.get(writer % targets.size());
          String payload = "w" + writer + "-" + n++;
          try {
            LogPosition position = target.append(bytes(payload)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            acked.put(payload, position);
            if (System.nanoTime() > leaderClosedAt.get()) {
              ackedAfterClose.incrementAndGet();
            }
          } catch (ExecutionException | TimeoutException e) {
            failed.incrementAndGet(); // e.g. through the peer being closed; such a payload may or may not be logged
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }

    Thread.sleep(800);
    String leaderId = awaitLeader(live, WAIT);
    RatisSequencer leader = peer(leaderId);
    int ackedBefore = acked.size();
    live.remove(leader);
    leaderClosedAt.set(System.nanoTime());
    leader.close();
    String newLeader = awaitLeader(live, WAIT);
    Thread.sleep(1500);
    stop.set(true);
    for (Thread t : writers) {
      t.join(WAIT.toMillis());
    }

    assertTrue(ackedBefore > 0, "appends were acknowledged before the leader was closed");
    assertTrue(ackedAfterClose.get() > 0, "appends through the surviving peers succeeded after "
        + leaderId + " was closed and " + newLeader + " took over (failures: " + failed + ")");
    long maxIndex = acked.values().stream().mapToLong(LogPosition::index).max().orElseThrow();
    System.out.printf("closed leader %s, new leader %s: %d appends acknowledged (%d before the close, %d after),"
        + " %d failed, last index %d%n", leaderId, newLeader, acked.size(), ackedBefore, ackedAfterClose.get(),
        failed.get(), maxIndex);
    for (RatisSequencer s : live) {
      long readIndex = s.readIndex().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertTrue(readIndex >= maxIndex, () -> s.peerId() + " read index " + readIndex + " < " + maxIndex);
    }
    long upTo = Math.max(maxIndex, live.stream().mapToLong(Sequencer::committedIndex).min().orElseThrow());

    List<List<LogEntry>> logs = new ArrayList<>();
    for (RatisSequencer s : live) {
      List<LogEntry> entries = readAll(s, upTo, 500);
      logs.add(entries);
      Map<String, LogPosition> logged = new HashMap<>();
      for (LogEntry e : entries) {
        LogPosition previous = logged.put(string(e.payload()), e.position());
        assertEquals(null, previous, () -> string(e.payload()) + " is logged twice through " + s.peerId());
      }
      acked.forEach((payload, position) ->
          assertEquals(position, logged.get(payload), () -> payload + " through " + s.peerId()));
    }
    assertEquals(2, logs.size());
    List<LogEntry> a = logs.get(0);
    List<LogEntry> b = logs.get(1);
    assertEquals(a.size(), b.size(), "both survivors read the same number of entries");
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).position(), b.get(i).position());
      assertArrayEquals(a.get(i).payload(), b.get(i).payload(), "entry at " + a.get(i).position());
    }
  }

  @Test
  void anAppendAcknowledgedThroughOnePeerIsVisibleToAReadIndexThroughAnother() throws Exception {
    int round = 0;
    for (RatisSequencer writer : live) {
      for (RatisSequencer reader : live) {
        if (writer == reader) {
          continue;
        }
        String payload = "recency-" + round++ + "-" + writer.peerId() + "-to-" + reader.peerId();
        LogPosition position = writer.append(bytes(payload)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        long readIndex = reader.readIndex().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(readIndex >= position.index(), () -> reader.peerId() + " read index " + readIndex
            + " is below " + position + " acknowledged through " + writer.peerId());
        assertTrue(reader.awaitCommitted(readIndex, WAIT));
        List<LogEntry> entries = reader.read(position.index(), 1).entries();
        assertEquals(payload, string(entries.get(position.sub()).payload()));
        assertEquals(position, entries.get(position.sub()).position());
      }
    }
  }
}
