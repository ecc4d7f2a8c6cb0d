package dev.ordo.proxy.replica;

import java.util.List;

/**
 * What a node's divergence monitor saw of repeated checkpoint reports, for
 * tests and status. A replica reports each checkpoint once; it reports one
 * again when it re-reads that checkpoint in the log after a restart, from what
 * it recorded then ({@code ORDO.CHECKPOINTS}). Only the first report of a
 * replica for a checkpoint takes part in the comparison; a repeat must say
 * exactly what the first one said.
 *
 * @param repeats reports of a replica for a checkpoint it had already reported (each log entry counted once,
 *     however many local replicas read it)
 * @param conflictingRepeats those repeats that differed from the replica's first report for that checkpoint (each
 *     also logged as a warning)
 * @param conflicts a description of each conflicting repeat: the replica, the checkpoint, both reports and their
 *     log positions (the first 100 only)
 */
public record CheckpointReports(long repeats, long conflictingRepeats, List<String> conflicts) {
  public CheckpointReports {
    conflicts = List.copyOf(conflicts);
  }
}
