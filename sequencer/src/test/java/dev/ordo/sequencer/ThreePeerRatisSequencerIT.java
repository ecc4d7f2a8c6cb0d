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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
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
  private List<SequencerConfig.Peer> peers;

  @BeforeEach
  void startThreePeers() throws Exception {
    peers = peers(freePorts(3));
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

  /**
   * The leader's reader follows its log with readOrdered in small pages while appends run: entries read before
   * they are durable come with the payload and log time the committed log gives them (the chain of times is
   * carried from one call to the next, not recomputed from the last applied batch).
   */
  @Test
  void readOrderedGivesTheCommittedPayloadsAndTimesAheadOfCommit() throws Exception {
    RatisSequencer leader = peer(awaitLeader(live, WAIT));
    int writers = 4;
    int perWriter = 300;
    List<Thread> threads = new ArrayList<>();
    AtomicInteger failed = new AtomicInteger();
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < perWriter; i++) {
          try {
            leader.append(bytes("w" + id + "-" + i)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (Exception e) {
            failed.incrementAndGet();
          }
        }
      }));
    }
    Map<LogPosition, LogEntry> seen = new HashMap<>();
    int readAhead = 0;
    long next = 1;
    long generation = leader.generation();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (seen.size() < writers * perWriter && System.nanoTime() < deadline) {
      OrderedChunk chunk = leader.readOrdered(next, 3);
      assertEquals(generation, chunk.generation(), "no leadership change during the test");
      for (LogEntry e : chunk.entries()) {
        seen.put(e.position(), e);
        if (chunk.ordered(e.position().index())) {
          readAhead++;
        }
      }
      if (chunk.nextIndex() == next) {
        Thread.sleep(1);
      }
      next = chunk.nextIndex();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(0, failed.get());
    assertEquals(writers * perWriter, seen.size(), "every payload was read");
    assertTrue(readAhead > 0, "some entries were read before they were committed");
    for (LogEntry committed : readAll(leader, next - 1, 50)) {
      LogEntry read = seen.get(committed.position());
      assertArrayEquals(committed.payload(), read.payload(), committed.position().toString());
      assertEquals(committed.timeMicros(), read.timeMicros(), "log time at " + committed.position());
    }
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

  /**
   * A leader hands its own appends to its Raft server directly; when it stops leading, the same requests go
   * to the new leader. Here the leadership moves away while nine writers append through the old leader:
   * every append succeeds, and every payload is logged exactly once, where its acknowledgement says.
   */
  @Test
  void appendsThroughALeaderThatStepsDownAreAcknowledgedAndLoggedOnce() throws Exception {
    String leaderId = awaitSettledLeader();
    RatisSequencer leader = peer(leaderId);
    String successor = live.stream().map(Sequencer::peerId).filter(id -> !id.equals(leaderId)).findFirst()
        .orElseThrow();
    Map<String, LogPosition> acked = new ConcurrentHashMap<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 9; w++) {
      int writer = w;
      writers.add(Thread.ofPlatform().name("writer-" + w).start(() -> {
        for (int n = 0; !stop.get(); n++) {
          String payload = "w" + writer + "-" + n;
          try {
            acked.put(payload, leader.append(bytes(payload)).get(WAIT.toSeconds(), TimeUnit.SECONDS));
          } catch (ExecutionException | TimeoutException e) {
            failures.add(e);
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    Thread.sleep(500);
    int before = acked.size();
    List<RaftPeer> raftPeers = new ArrayList<>();
    for (SequencerConfig.Peer p : peers) {
      raftPeers.add(RaftPeer.newBuilder().setId(p.id()).setAddress(p.host() + ":" + p.port()).build());
    }
    RaftGroup group = RaftGroup.valueOf(RatisSequencer.groupId("ordo-test"), raftPeers);
    RaftProperties properties = new RaftProperties();
    RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.NETTY);
    // A transfer can fail under load (the successor must catch up first) or another peer may win the
    // election it starts: either way what matters is that the leadership leaves the writers' peer.
    for (int attempt = 0; attempt < 5 && leaderId.equals(leader.leaderId()); attempt++) {
      try (RaftClient admin = RaftClient.newBuilder().setRaftGroup(group).setProperties(properties)
          .setLeaderId(RaftPeerId.valueOf(leaderId)).build()) {
        admin.admin().transferLeadership(RaftPeerId.valueOf(successor), 5_000);
      } catch (IOException e) {
        System.out.println("transfer attempt " + attempt + ": " + e);
      }
    }
    String newLeader = awaitLeader(live, WAIT);
    assertNotEquals(leaderId, newLeader, "the leadership left " + leaderId);
    long moved = System.nanoTime();
    while (acked.size() < before + 200 && System.nanoTime() - moved < WAIT.toNanos()) {
      Thread.sleep(50);
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join(WAIT.toMillis());
    }
    assertTrue(failures.isEmpty(), () -> failures.size() + " appends through the old leader failed, the first: "
        + failures.get(0));
    assertTrue(acked.size() >= before + 200, () -> "appends went on after the move: " + before + " before, "
        + acked.size() + " in all");

    long maxIndex = acked.values().stream().mapToLong(LogPosition::index).max().orElseThrow();
    for (RatisSequencer s : live) {
      List<LogEntry> entries = readAll(s, maxIndex, 500);
      Map<String, LogPosition> logged = new HashMap<>();
      for (LogEntry e : entries) {
        LogPosition previous = logged.put(string(e.payload()), e.position());
        assertEquals(null, previous, () -> string(e.payload()) + " is logged twice through " + s.peerId());
      }
      acked.forEach((payload, position) ->
          assertEquals(position, logged.get(payload), () -> payload + " through " + s.peerId()));
    }
  }

  /** The leader once every peer names the same one for a whole second (elections can repeat on a busy machine). */
  private String awaitSettledLeader() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String settled = null;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      String leader = awaitLeader(live, WAIT);
      boolean agreed = live.stream().allMatch(s -> leader.equals(s.leaderId()));
      if (!agreed || !leader.equals(settled)) {
        settled = agreed ? leader : null;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(1)) {
        return leader;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader all peers agree on for a second within " + WAIT);
  }
}
