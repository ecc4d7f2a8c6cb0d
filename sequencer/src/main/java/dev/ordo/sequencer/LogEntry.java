package dev.ordo.sequencer;

/**
 * One committed payload, as appended by some node's {@link Sequencer#append}.
 *
 * @param position its place in the log
 * @param payload the bytes that were appended, unchanged
 * @param timeMicros the log's time for it (UTC µs): rises strictly in log order and is the same on every
 *     peer; 0 when the log has none for it (entries written before log times existed)
 */
public record LogEntry(LogPosition position, byte[] payload, long timeMicros) {
  /** An entry without a log time. */
  public LogEntry(LogPosition position, byte[] payload) {
    this(position, payload, 0L);
  }
}
