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
