package dev.ordo.sequencer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Groups concurrent appends into batches, one Raft entry each, and keeps at
 * most {@code maxInFlight} batches outstanding (pipelining). While batches are
 * in flight, new payloads queue up and leave together in the next batch as soon
 * as a slot frees up; an append to an idle batcher leaves at once, alone.
 *
 * <p>No threads of its own and no I/O: the transport is a {@link Sender}, time
 * is a nanosecond clock, and {@link #expire()} is called periodically by the
 * owner. The thread that frees a slot (a completing send) or that appends to a
 * free slot sends the next batch itself: no hand-off on the request path.
 * Payload futures complete on the thread that completes the send.
 */
final class AppendBatcher {

  /** The transport of encoded batches. */
  interface Sender {
    /**
     * Sends one encoded batch. Must not block.
     *
     * @return completes with the Raft index of the committed entry, or
     *     exceptionally (preferably with a {@link SequencerException})
     */
    CompletableFuture<Long> send(byte[] batch);
  }

  private record Pending(byte[] payload, CompletableFuture<LogPosition> future, long startNanos) {}

  /** One batch in flight; identity matters, not contents. */
  private static final class Batch {
    private final List<Pending> items;

    Batch(List<Pending> items) {
      this.items = items;
    }

    List<Pending> items() {
      return items;
    }
  }

  private final String peerId;
  private final int maxPayloads;
  private final int maxBytes;
  private final int maxInFlight;
  private final long deadlineNanos;
  private final Duration deadline;
  private final Sender sender;
  private final LongSupplier nanoClock;

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Set<Batch> inFlightBatches = new LinkedHashSet<>(); // identity: Batch has no equals
  private boolean closed;

  /**
   * @param maxBytes the most bytes of one encoded batch, framing included
   * @param deadline how long after {@link #append} a payload that has not
   *     completed is failed by {@link #expire()}
   */
  AppendBatcher(String peerId, int maxPayloads, int maxBytes, int maxInFlight, Duration deadline,
      Sender sender, LongSupplier nanoClock) {
    this.peerId = Objects.requireNonNull(peerId, "peerId");
    this.maxPayloads = maxPayloads;
    this.maxBytes = maxBytes;
    this.maxInFlight = maxInFlight;
    this.deadline = deadline;
    this.deadlineNanos = deadline.toNanos();
    this.sender = Objects.requireNonNull(sender, "sender");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** The largest payload a batch can carry. */
  int maxPayloadBytes() {
    return maxBytes - BatchCodec.HEADER_BYTES - BatchCodec.PER_PAYLOAD_BYTES;
  }

  /** Queues one payload; see {@link Sequencer#append}. */
  CompletableFuture<LogPosition> append(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    CompletableFuture<LogPosition> future = new CompletableFuture<>();
    if (payload.length > maxPayloadBytes()) {
      future.completeExceptionally(new SequencerException(peerId + ": payload of " + payload.length
          + " bytes exceeds the largest batchable payload of " + maxPayloadBytes()
          + " bytes (maxBatchBytes " + maxBytes + " less framing)"));
      return future;
    }
    Batch next;
    lock.lock();
    try {
      if (closed) {
        future.completeExceptionally(closedException());
        return future;
      }
      queue.add(new Pending(payload, future, nanoClock.getAsLong()));
      next = takeBatch();
    } finally {
      lock.unlock();
    }
    if (next != null) {
      dispatch(next);
    }
    return future;
  }

  /** Takes the next batch off the queue if a slot is free; lock held. */
  private Batch takeBatch() {
    if (closed || queue.isEmpty() || inFlightBatches.size() >= maxInFlight) {
      return null;
    }
    List<Pending> items = new ArrayList<>(Math.min(queue.size(), maxPayloads));
    long bytes = BatchCodec.HEADER_BYTES;
    while (!queue.isEmpty() && items.size() < maxPayloads) {
      long size = BatchCodec.framedSize(queue.peek().payload().length);
      if (bytes + size > maxBytes) {
        break; // the first payload always fits: append() refuses larger ones
      }
      items.add(queue.poll());
      bytes += size;
    }
    Batch batch = new Batch(items);
    inFlightBatches.add(batch);
    return batch;
  }

  /**
   * Sends {@code first}, and after it every batch a completing send frees a slot for. A send whose future is
   * already done when it returns (a transport that answered or failed at once) is finished here, in a loop:
   * no recursion for as long as the queue lasts, and no hand-off to a shared pool, where a caller's blocked
   * task could hold the one worker and leave the batch unfinished.
   */
  private void dispatch(Batch first) {
    Batch batch = first;
    while (batch != null) {
      CompletableFuture<Long> sent = send(batch);
      if (!sent.isDone()) {
        Batch b = batch;
        sent.whenComplete((index, error) -> onSent(b, sent));
        return;
      }
      Batch next = release(batch);
      finish(batch, sent);
      batch = next;
    }
  }

  private CompletableFuture<Long> send(Batch batch) {
    List<byte[]> payloads = new ArrayList<>(batch.items().size());
    for (Pending p : batch.items()) {
      payloads.add(p.payload());
    }
    try {
      return sender.send(BatchCodec.encode(payloads));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void onSent(Batch batch, CompletableFuture<Long> sent) {
    Batch next = release(batch);
    if (next != null) {
      dispatch(next); // before completing this batch's callers: keep the pipeline full
    }
    finish(batch, sent);
  }

  /** Frees {@code batch}'s slot and takes the next batch, if any, for the caller to send. */
  private Batch release(Batch batch) {
    lock.lock();
    try {
      inFlightBatches.remove(batch);
      return takeBatch();
    } finally {
      lock.unlock();
    }
  }

  private void finish(Batch batch, CompletableFuture<Long> sent) {
    Long index = null;
    Throwable error = null;
    try {
      index = sent.join();
    } catch (CompletionException e) {
      error = e.getCause() != null ? e.getCause() : e;
    } catch (CancellationException e) {
      error = e;
    }
    if (error == null && (index == null || index <= 0)) {
      error = new SequencerException(peerId + ": the log acknowledged a batch without a valid index (" + index + ")");
    }
    List<Pending> items = batch.items();
    if (error == null) {
      for (int i = 0; i < items.size(); i++) {
        items.get(i).future().complete(new LogPosition(index, i));
      }
    } else {
      SequencerException failure = error instanceof SequencerException se ? se
          : new SequencerException(peerId + ": append failed: " + error, error);
      for (Pending p : items) {
        p.future().completeExceptionally(failure);
      }
    }
  }

  /**
   * Fails every payload appended longer than the deadline ago that has not
   * completed. Queued ones are dropped (they will never commit); ones in flight
   * keep their slot until their send completes (they may still commit).
   */
  void expire() {
    long now = nanoClock.getAsLong();
    List<Pending> expired = new ArrayList<>();
    int queuedNow;
    int inFlightNow;
    lock.lock();
    try {
      for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
        Pending p = it.next();
        if (now - p.startNanos() >= deadlineNanos) {
          it.remove();
          expired.add(p);
        }
      }
      for (Batch b : inFlightBatches) {
        for (Pending p : b.items()) {
          if (!p.future().isDone() && now - p.startNanos() >= deadlineNanos) {
            expired.add(p);
          }
        }
      }
      queuedNow = queue.size();
      inFlightNow = inFlightBatches.size();
    } finally {
      lock.unlock();
    }
    if (!expired.isEmpty()) {
      SequencerException e = new SequencerException(peerId + ": append not committed within " + deadline
          + ": no leader, or the leader is unreachable (timeout; an append already sent may still commit;"
          + " batches in flight " + inFlightNow + ", payloads queued " + queuedNow + ")");
      expired.forEach(p -> p.future().completeExceptionally(e));
    }
  }

  /** Fails every queued and in-flight payload and refuses further appends. */
  void close() {
    List<Pending> failed = new ArrayList<>();
    lock.lock();
    try {
      closed = true;
      failed.addAll(queue);
      queue.clear();
      inFlightBatches.forEach(b -> failed.addAll(b.items()));
    } finally {
      lock.unlock();
    }
    SequencerException e = closedException();
    failed.forEach(p -> p.future().completeExceptionally(e));
  }

  private SequencerException closedException() {
    return new SequencerException(peerId + ": the sequencer is closed (an append already sent may still commit)");
  }

  /** Payloads waiting for a free slot. */
  int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Batches sent and not yet answered. */
  int inFlight() {
    lock.lock();
    try {
      return inFlightBatches.size();
    } finally {
      lock.unlock();
    }
  }
}
