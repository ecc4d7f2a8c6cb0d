package dev.ordo.sequencer;

import java.util.List;

/**
 * A run of committed entries returned by {@link Sequencer#read}.
 *
 * @param entries the payloads of the Raft entries read, in log order (Raft
 *     entries that carry no payload, such as leader no-ops and configuration
 *     changes, contribute none)
 * @param nextIndex the Raft index to pass to the next {@code read}
 */
public record LogChunk(List<LogEntry> entries, long nextIndex) {
  public LogChunk {
    entries = List.copyOf(entries);
  }
}
