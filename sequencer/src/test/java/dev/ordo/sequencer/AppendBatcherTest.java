package dev.ordo.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AppendBatcherTest {

  /** A sender whose sends the test completes by hand. */
  private static final class FakeSender implements AppendBatcher.Sender {
    final List<List<String>> batches = new ArrayList<>();
    final List<CompletableFuture<Long>> replies = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Long> send(byte[] batch) {
      List<String> payloads = new ArrayList<>();
      for (byte[] p : BatchCodec.decode(ByteBuffer.wrap(batch))) {
        payloads.add(new String(p, StandardCharsets.UTF_8));
      }
      batches.add(payloads);
      CompletableFuture<Long> reply = new CompletableFuture<>();
      replies.add(reply);
      return reply;
    }
  }

  private final FakeSender sender = new FakeSender();
  private final AtomicLong clock = new AtomicLong();

  private AppendBatcher batcher(int maxPayloads, int maxBytes, int maxInFlight) {
    return new AppendBatcher("p1", maxPayloads, maxBytes, maxInFlight, Duration.ofSeconds(5), sender, clock::get);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static SequencerException failure(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    return assertInstanceOf(SequencerException.class, e.getCause());
  }

  @Test
  void anAppendToAnIdleBatcherLeavesAloneAndTheRestWaitForTheSlot() throws Exception {
    AppendBatcher batcher = batcher(100, 1 << 20, 1);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    assertEquals(List.of(List.of("a")), sender.batches);

    CompletableFuture<LogPosition> x = batcher.append(b("x"));
    CompletableFuture<LogPosition> y = batcher.append(b("y"));
    assertEquals(1, sender.batches.size(), "nothing leaves while the only slot is taken");
    assertEquals(2, batcher.queued());

    sender.replies.get(0).complete(7L);
    assertEquals(new LogPosition(7, 0), a.get());
    assertEquals(List.of("x", "y"), sender.batches.get(1), "the queued payloads leave together");
    assertFalse(x.isDone());

    sender.replies.get(1).complete(9L);
    assertEquals(new LogPosition(9, 0), x.get());
    assertEquals(new LogPosition(9, 1), y.get());
    assertEquals(0, batcher.inFlight());
  }

  @Test
  void batchesRespectThePayloadLimit() {
    AppendBatcher batcher = batcher(3, 1 << 20, 1);
    batcher.append(b("first"));
    for (int i = 0; i < 5; i++) {
      batcher.append(b("q" + i));
    }
    sender.replies.get(0).complete(1L);
    assertEquals(List.of("q0", "q1", "q2"), sender.batches.get(1));
    sender.replies.get(1).complete(2L);
    assertEquals(List.of("q3", "q4"), sender.batches.get(2));
  }

  @Test
  void batchesRespectTheByteLimitFramingIncluded() {
    AppendBatcher batcher = batcher(100, 1024, 1);
    String big = "z".repeat(400); // 404 bytes framed: two fit in 1024 with the 5-byte header, three do not
    batcher.append(b("first"));
    for (int i = 0; i < 3; i++) {
      batcher.append(b(i + big.substring(1)));
    }
    sender.replies.get(0).complete(1L);
    assertEquals(2, sender.batches.get(1).size());
    sender.replies.get(1).complete(2L);
    assertEquals(1, sender.batches.get(2).size());
  }

  @Test
  void pipelinesUpToMaxInFlightAndRefillsFromAnyCompletion() throws Exception {
    AppendBatcher batcher = batcher(100, 1 << 20, 2);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    CompletableFuture<LogPosition> c = batcher.append(b("c"));
    CompletableFuture<LogPosition> d = batcher.append(b("d"));
    assertEquals(List.of(List.of("a"), List.of("c")), sender.batches);
    assertEquals(2, batcher.inFlight());
    assertEquals(1, batcher.queued());

    sender.replies.get(1).complete(12L); // the second answers first
    assertEquals(new LogPosition(12, 0), c.get());
    assertEquals(List.of("d"), sender.batches.get(2));
    sender.replies.get(0).complete(11L);
    sender.replies.get(2).complete(13L);
    assertEquals(new LogPosition(11, 0), a.get());
    assertEquals(new LogPosition(13, 0), d.get());
  }

  @Test
  void aFailedSendFailsEveryPayloadOfItsBatchAndTheNextBatchStillLeaves() throws Exception {
    AppendBatcher batcher = batcher(100, 1 << 20, 1);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    CompletableFuture<LogPosition> x = batcher.append(b("x"));
    sender.replies.get(0).completeExceptionally(new SequencerException("p1: no leader"));
    assertEquals("p1: no leader", failure(a).getMessage());
    assertEquals(List.of("x"), sender.batches.get(1));

    sender.replies.get(1).completeExceptionally(new IllegalStateException("boom"));
    SequencerException e = failure(x);
    assertTrue(e.getMessage().startsWith("p1: append failed"), e.getMessage());
    assertInstanceOf(IllegalStateException.class, e.getCause());
  }

  @Test
  void aReplyWithoutAValidIndexIsAFailure() {
    AppendBatcher batcher = batcher(100, 1 << 20, 1);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    sender.replies.get(0).complete(0L);
    assertTrue(failure(a).getMessage().contains("without a valid index"));
  }

  @Test
  void aSenderThatThrowsFailsTheBatch() {
    AppendBatcher batcher = new AppendBatcher("p1", 10, 1 << 20, 1, Duration.ofSeconds(5), batch -> {
      throw new IllegalStateException("client closed");
    }, clock::get);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    assertInstanceOf(IllegalStateException.class, failure(a).getCause());
  }

  /**
   * A transport may answer before its send returns (Ratis does, when the reply overtakes the sending thread).
   * Such a batch is finished by the appending thread itself, even while every worker of the common pool is
   * blocked (as by an application's own supplyAsync task waiting for a lock), and a long queue of them does
   * not recurse.
   */
  @Test
  void sendsAnsweredAtOnceFinishOnTheAppendingThreadWithTheCommonPoolBlocked() throws Exception {
    AtomicLong index = new AtomicLong();
    AppendBatcher batcher = new AppendBatcher("p1", 1, 1 << 20, 1, Duration.ofSeconds(5),
        batch -> CompletableFuture.completedFuture(index.incrementAndGet()), clock::get);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    int workers = java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
    java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(workers);
    List<CompletableFuture<Void>> blockers = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      blockers.add(CompletableFuture.runAsync(() -> {
        busy.countDown();
        try {
          release.await(); // not a managed block: the pool does not compensate
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    try {
      assertTrue(busy.await(5, TimeUnit.SECONDS), "every common-pool worker is blocked");
      CompletableFuture<LogPosition> a = batcher.append(b("a"));
      assertTrue(a.isDone(), "answered at once: done when append returns");
      assertEquals(new LogPosition(1, 0), a.get());
      for (int i = 2; i <= 20_000; i++) {
        assertEquals(new LogPosition(i, 0), batcher.append(b("p" + i)).getNow(null));
      }
      assertEquals(0, batcher.inFlight());
    } finally {
      release.countDown();
      CompletableFuture.allOf(blockers.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    }
  }

  /** A long queue behind a slow send drains, once it completes, through sends answered at once: no recursion. */
  @Test
  void aLongQueueDrainsThroughSendsAnsweredAtOnce() throws Exception {
    CompletableFuture<Long> slow = new CompletableFuture<>();
    AtomicLong index = new AtomicLong();
    AppendBatcher batcher = new AppendBatcher("p1", 1, 1 << 20, 1, Duration.ofSeconds(5),
        batch -> index.incrementAndGet() == 1 ? slow : CompletableFuture.completedFuture(index.get()), clock::get);
    List<CompletableFuture<LogPosition>> appends = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      appends.add(batcher.append(b("p" + i)));
    }
    assertEquals(19_999, batcher.queued());
    slow.complete(1L);
    for (int i = 0; i < appends.size(); i++) {
      assertEquals(new LogPosition(i + 1, 0), appends.get(i).getNow(null));
    }
    assertEquals(0, batcher.queued());
    assertEquals(0, batcher.inFlight());
  }

  @Test
  void refusesAPayloadLargerThanABatch() {
    AppendBatcher batcher = batcher(100, 1024, 1);
    int framing = BatchCodec.HEADER_BYTES + BatchCodec.PER_PAYLOAD_BYTES; // version, time, count, length
    assertEquals(1024 - framing, batcher.maxPayloadBytes());
    assertFalse(batcher.append(new byte[1024 - framing]).isDone(), "the largest payload is accepted");
    SequencerException e = failure(batcher.append(new byte[1024 - framing + 1]));
    assertTrue(e.getMessage().contains("exceeds the largest batchable payload"), e.getMessage());
  }

  @Test
  void expiryFailsPayloadsOlderThanTheDeadlineQueuedOrInFlight() throws Exception {
    AppendBatcher batcher = batcher(100, 1 << 20, 1);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    clock.addAndGet(Duration.ofSeconds(3).toNanos());
    CompletableFuture<LogPosition> x = batcher.append(b("x"));
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    batcher.expire(); // a is 5 s old, x 2 s
    SequencerException e = failure(a);
    assertTrue(e.getMessage().startsWith("p1: append not committed within PT5S: no leader"), e.getMessage());
    assertFalse(x.isDone());
    assertEquals(1, batcher.inFlight(), "an expired batch keeps its slot until its send completes");

    clock.addAndGet(Duration.ofSeconds(3).toNanos());
    batcher.expire();
    failure(x);
    assertEquals(0, batcher.queued(), "an expired queued payload is dropped, never sent");
    sender.replies.get(0).complete(4L); // a late success does not turn a failure into a success
    assertThrows(ExecutionException.class, a::get);
    assertEquals(1, sender.batches.size());
  }

  @Test
  void closeFailsQueuedAndInFlightPayloadsAndRefusesNewOnes() {
    AppendBatcher batcher = batcher(100, 1 << 20, 1);
    CompletableFuture<LogPosition> a = batcher.append(b("a"));
    CompletableFuture<LogPosition> x = batcher.append(b("x"));
    batcher.close();
    assertTrue(failure(a).getMessage().contains("closed"));
    assertTrue(failure(x).getMessage().contains("closed"));
    assertTrue(failure(batcher.append(b("late"))).getMessage().startsWith("p1: the sequencer is closed"));
    sender.replies.get(0).complete(3L);
    assertEquals(1, sender.batches.size(), "nothing is sent after close");
  }
}
