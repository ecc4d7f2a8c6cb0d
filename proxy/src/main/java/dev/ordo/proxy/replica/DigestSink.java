package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.TxnEntry;

/** Where a replica's checkpoint reports go, and where the reports it reads in the log go. */
public interface DigestSink {
  /**
   * This replica's report for a checkpoint ({@code node} left empty: the node
   * fills in its id and appends it to the log).
   */
  void own(TxnEntry.DigestReport report);

  /** A report read from the log (any replica of any node, this one's included). */
  void logged(TxnEntry.DigestReport report);

  /** Reports go nowhere. */
  DigestSink NONE = new DigestSink() {
    @Override
    public void own(TxnEntry.DigestReport report) {}

    @Override
    public void logged(TxnEntry.DigestReport report) {}
  };
}
