package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;

/** Receives each entry's outcome as a replica applies it (called on the replica's applier or work threads). */
@FunctionalInterface
public interface ResultSink {
  /**
   * Where an answer was computed.
   *
   * @param pos the entry's log position
   * @param term the Raft term the entry had when it was read (0 when it was read committed)
   * @param ordered whether it was read before it was durable: only statements of interactive transactions are
   *     answered from such a position before it is confirmed; the answer stands only if the entry committed at
   *     {@code pos.index()} has {@code term}
   */
  record Answered(LogPosition pos, long term, boolean ordered) {}

  void applied(String replica, TxnEntry entry, Outcome outcome, Answered at);
}
