package dev.ordo.proxy.txn;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.ResultData;

/** What executing one log entry on a replica produced: the answer a client gets. */
public sealed interface Outcome {

  /**
   * The entry ran: a one-shot transaction committed, a statement of an
   * interactive transaction executed, or a commit or rollback completed.
   *
   * @param counts one update count per statement (-1 for a statement that returned rows)
   * @param keys generated keys, or null if none were asked for
   * @param rows the rows of the last statement if it returned rows, else null
   */
  record Done(long[] counts, ResultData keys, ResultData rows) implements Outcome {
    public Done {
      counts = counts.clone();
    }
  }

  /**
   * The entry failed with a deterministic error (the same on every replica, or
   * Ordo's own deadlock verdict); its transaction was rolled back.
   *
   * @param statement index of the statement that failed
   */
  record Failed(String sqlState, int vendorCode, String message, int statement) implements Outcome {}

  /** The answer to the {@code COMMIT} of a transaction that ended without committing, saying {@code why}. */
  static Failed rolledBack(SqlState state, String why) {
    return new Failed(state.code(), 0, "the transaction was rolled back (" + why + "); nothing was committed", 0);
  }

  /** A statement of a transaction that has ended or failed already (25P02), saying {@code why}. */
  static Failed inFailedTransaction(String why) {
    return new Failed(SqlState.IN_FAILED_SQL_TRANSACTION.code(), 0, "current transaction is aborted (" + why
        + "); commands ignored until end of transaction block: call rollback()", 0);
  }
}
