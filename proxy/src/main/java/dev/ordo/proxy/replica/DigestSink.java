package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.TxnEntry;
import dev.ordo.sequencer.LogPosition;

/** Where a replica's checkpoint reports go, and where the reports it reads in the log go. */
public interface DigestSink {
  /**
   * This replica's report for a checkpoint ({@code node} left empty: the node
   * fills in its id and appends it to the log).
   */
  void own(TxnEntry.DigestReport report);

  /**
   * A report read from the log at {@code at} (any replica of any node, this
   * one's included). Every local replica reads every report, so the same entry
   * arrives once per local replica, and again when a replica re-reads the log
   * after a restart: {@code at} tells such copies from a new report.
   */
  void logged(LogPosition at, TxnEntry.DigestReport report);

  /** Reports go nowhere. */
  DigestSink NONE = new DigestSink() {
    @Override
    public void own(TxnEntry.DigestReport report) {}

    @Override
    public void logged(LogPosition at, TxnEntry.DigestReport report) {}
  };
}
