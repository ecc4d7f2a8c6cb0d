package dev.ordo.sqltests.workload;

import java.util.Set;

/**
 * What faults are applied to. Each method performs one step and returns a
 * short description of what it did (recorded in the history as the
 * nemesis's {@code :info} value).
 */
public interface FaultTarget {
  /** The actions this target can perform. */
  Set<FaultSchedule.Action> supported();

  /** Performs one step; blocks until the fault (and any automatic heal, e.g. a restart) is done. */
  String apply(FaultSchedule.Step step) throws Exception;

  /** The JDBC URL a client should use for its {@code attempt}-th connection (spreading over live nodes). */
  String url(int attempt);
}
