package dev.ordo.sequencer;

/**
 * Where an appended payload sits in the log: the Raft entry's index and the
 * payload's place among the payloads batched into that entry. Positions are
 * totally ordered, monotonic and gap-free in {@code sub}; they are the order in
 * which every replica executes the payloads.
 *
 * @param index the Raft log index (1-based)
 * @param sub the payload's 0-based place within that Raft entry
 */
public record LogPosition(long index, int sub) implements Comparable<LogPosition> {
  /** Before every entry. */
  public static final LogPosition ZERO = new LogPosition(0, -1);
  /** The highest {@code sub}: a Raft entry holds at most this many payloads plus one. */
  public static final int MAX_SUB = (1 << 20) - 1;

  /**
   * This position as one number, {@code index × 2^20 + sub}: it orders positions as {@link #compareTo} does (for
   * {@code 0 <= sub <= MAX_SUB}), so it can serve as a fencing token.
   */
  public long asLong() {
    return (index << 20) | sub;
  }

  @Override
  public int compareTo(LogPosition o) {
    int c = Long.compare(index, o.index);
    return c != 0 ? c : Integer.compare(sub, o.sub);
  }

  public boolean isAfter(LogPosition o) {
    return compareTo(o) > 0;
  }

  @Override
  public String toString() {
    return index + "." + sub;
  }
}
