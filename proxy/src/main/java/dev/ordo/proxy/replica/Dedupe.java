package dev.ordo.proxy.replica;

import dev.ordo.proxy.txn.TxnEntry;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The identities of the entries of the last {@link #WINDOW} Raft indexes: a
 * later copy of one of them is not executed. The log can hold an entry twice
 * when a client's retry reaches a new leader whose retry cache does not know
 * the first copy; such a copy follows the original within the client's request
 * timeout, far inside the window.
 *
 * <p>Deterministic: fed every entry in log order (those a restart skips too),
 * and a replica that resumes re-reads the window before its resume position,
 * so every replica keeps the same identities at every index and skips the same
 * copies. {@code ABORT_OWNER} and {@code HEARTBEAT} are idempotent and not
 * tracked. Applier thread only.
 */
final class Dedupe {
  /** How many Raft indexes back a copy is recognised. */
  static final long WINDOW = 50_000;

  private final LinkedHashMap<TxnEntry.EntryId, Long> seen = new LinkedHashMap<>();
  private long skipped;

  /**
   * Notes an entry at Raft index {@code index}.
   *
   * @return false if it is a copy of an entry seen within the window: do not execute it
   */
  boolean first(TxnEntry e, long index) {
    if (e.kind() == TxnEntry.Kind.ABORT_OWNER || e.kind() == TxnEntry.Kind.HEARTBEAT) {
      return true;
    }
    for (Iterator<Map.Entry<TxnEntry.EntryId, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() >= index - WINDOW) {
        break;
      }
      it.remove();
    }
    if (seen.putIfAbsent(e.id(), index) == null) {
      return true;
    }
    skipped++;
    return false;
  }

  /** Copies skipped so far. */
  long skipped() {
    return skipped;
  }
}
