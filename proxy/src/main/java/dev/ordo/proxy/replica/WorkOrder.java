package dev.ordo.proxy.replica;

import dev.ordo.proxy.replica.LockManager.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The physical order of a replica's work: granted work runs on the backend only
 * after the work of other transactions that held conflicting locks before it
 * has finished (its backend commit returned). The logical layer grants locks in
 * log order; this keeps the backend in step with those grants. Not thread-safe:
 * used by the scheduler's logical layer only. No I/O.
 *
 * <p>Per resource it keeps the releases not yet finished since the last
 * exclusive one (inclusive), with the mode each held. Work after an exclusive
 * release waits for it, and that release waited for everything before it.
 */
final class WorkOrder {
  /** Keys come and go: past this many resources plus twice the last count, finished ones are forgotten. */
  private static final int SWEEP_SLACK = 1024;

  private final Map<String, List<Map.Entry<Mode, CompletableFuture<?>>>> since = new HashMap<>();
  /** How many resources were kept at the last sweep. */
  private int swept;

  /** What work that wants {@code locks} must wait for: every unfinished release of a conflicting mode. */
  CompletableFuture<Void> after(Map<String, Mode> locks) {
    List<CompletableFuture<?>> deps = new ArrayList<>();
    locks.forEach((r, m) -> {
      List<Map.Entry<Mode, CompletableFuture<?>>> releases = since.get(r);
      if (releases != null) {
        for (Map.Entry<Mode, CompletableFuture<?>> e : releases) {
          if (e.getKey().conflicts(m)) {
            deps.add(e.getValue());
          }
        }
      }
    });
    return CompletableFuture.allOf(deps.toArray(CompletableFuture[]::new));
  }

  /** Locks released when {@code done} completes: later conflicting work waits for it. */
  void releasedWhen(Map<String, Mode> locks, CompletableFuture<?> done) {
    locks.forEach((r, m) -> {
      List<Map.Entry<Mode, CompletableFuture<?>>> releases = since.computeIfAbsent(r, k -> new ArrayList<>());
      if (m == Mode.X) {
        // Only X stands for the releases before it: it conflicts with every mode, so it waited for them all.
        // (U does not: it did not wait for S before it, which an X after it must still wait for.)
        releases.clear();
      } else {
        releases.removeIf(e -> e.getValue().isDone());
      }
      releases.add(Map.entry(m, done));
    });
    if (since.size() > swept * 2 + SWEEP_SLACK) {
      since.values().removeIf(releases -> releases.stream().allMatch(e -> e.getValue().isDone()));
      swept = since.size();
    }
  }
}
