package dev.ordo.sequencer;

/**
 * One committed payload, as appended by some node's {@link Sequencer#append}.
 *
 * @param position its place in the log
 * @param payload the bytes that were appended, unchanged
 */
public record LogEntry(LogPosition position, byte[] payload) {}
