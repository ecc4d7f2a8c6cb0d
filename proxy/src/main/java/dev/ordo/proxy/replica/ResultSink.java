package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.Outcome;
import dev.ordo.proxy.txn.TxnEntry;

/** Receives each entry's outcome as a replica applies it (called on the replica's applier thread). */
@FunctionalInterface
public interface ResultSink {
  void applied(String replica, TxnEntry entry, Outcome outcome);
}
