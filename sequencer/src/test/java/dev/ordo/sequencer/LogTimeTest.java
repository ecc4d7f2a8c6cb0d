package dev.ordo.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The log's time rises strictly in log order, whatever the clocks of the nodes
 * that stamped the batches, and every peer that applies the same entries
 * computes the same times.
 */
class LogTimeTest {

  @Test
  void timesRiseStrictlyInLogOrderAndAreTheSameOnEveryPeer() throws Exception {
    LogStateMachine a = new LogStateMachine("a", RatisSequencer.groupId("ordo").getUuid());
    LogStateMachine b = new LogStateMachine("b", RatisSequencer.groupId("ordo").getUuid());
    long[][] batches = {{5, 1_000, 3}, {6, 900, 1}, {7, 5_000, 2}, {8, 0, 1}, {9, 10, 1}, {10, 5_004, 1}};
    for (LogStateMachine sm : List.of(a, b)) {
      for (long[] batch : batches) {
        apply(sm, batch[0], batch[1], (int) batch[2]);
      }
    }
    assertEquals(1_000, a.timeOf(5), "a node's own time");
    assertEquals(1_003, a.timeOf(6), "a node whose clock is behind: one past the 3 payloads before it");
    assertEquals(5_000, a.timeOf(7), "a node whose clock is ahead pulls the log time along");
    assertEquals(0, a.timeOf(8), "a batch without a time (version 1) gets none");
    assertEquals(5_002, a.timeOf(9), "and leaves the chain as it was");
    assertEquals(5_004, a.timeOf(10));
    for (long i = 5; i <= 10; i++) {
      assertEquals(a.timeOf(i), b.timeOf(i), "every peer computes the same time for index " + i);
    }
    assertEquals(0, a.timeOf(5 + LogStateMachine.TIMES), "an index not applied has no time");
  }

  private static void apply(LogStateMachine sm, long index, long time, int payloads) throws Exception {
    List<byte[]> p = java.util.Collections.nCopies(payloads, new byte[] {1, 2});
    byte[] batch = BatchCodec.encode(p);
    if (time > 0) {
      BatchCodec.stampTime(batch, time);
    } else {
      // A version 1 batch, as written before log times existed.
      java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(batch.length - 12);
      v1.put((byte) 1).put(batch, 13, batch.length - 13);
      batch = v1.array();
    }
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(batch)))
        .build();
    sm.applyTransaction(TransactionContext.newBuilder().setStateMachine(sm).setLogEntry(entry).build()).get();
  }
}
