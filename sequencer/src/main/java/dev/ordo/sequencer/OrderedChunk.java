package dev.ordo.sequencer;

import java.util.Arrays;
import java.util.List;

/**
 * A run of entries returned by {@link Sequencer#readOrdered}: committed entries
 * first, then, on the leader, entries whose position is fixed but which may not
 * be durable yet.
 *
 * @param entries the payloads of the Raft entries read, in log order, as {@link LogChunk#entries()}
 * @param nextIndex the Raft index to pass to the next {@code readOrdered}
 * @param generation the {@link Sequencer#generation()} at which the entries were read
 * @param firstOrdered the first Raft index that was read before it was known to be committed; every index
 *     below it was committed when read
 * @param orderedTerms the Raft term of each index in {@code [firstOrdered, nextIndex)}, as this peer's log held
 *     it when read (payload or not): such an entry is the committed one only if the committed entry at its
 *     index has the same term ({@link Sequencer#committedTerm})
 */
public record OrderedChunk(List<LogEntry> entries, long nextIndex, long generation, long firstOrdered,
    long[] orderedTerms) {
  public OrderedChunk {
    entries = List.copyOf(entries);
    orderedTerms = orderedTerms.clone();
    if (firstOrdered + orderedTerms.length != nextIndex && orderedTerms.length > 0) {
      throw new IllegalArgumentException("orderedTerms: " + orderedTerms.length + " terms from index "
          + firstOrdered + " do not end at nextIndex " + nextIndex);
    }
  }

  /** A chunk of committed entries only. */
  public static OrderedChunk committed(LogChunk chunk, long generation) {
    return new OrderedChunk(chunk.entries(), chunk.nextIndex(), generation, chunk.nextIndex(), new long[0]);
  }

  /** Whether the entry at Raft index {@code index} was read before it was committed. */
  public boolean ordered(long index) {
    return orderedTerms.length > 0 && index >= firstOrdered;
  }

  /** The term of an ordered index ({@link #ordered}). */
  public long termOf(long index) {
    return orderedTerms[(int) (index - firstOrdered)];
  }

  @Override
  public long[] orderedTerms() {
    return orderedTerms.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OrderedChunk c && entries.equals(c.entries) && nextIndex == c.nextIndex
        && generation == c.generation && firstOrdered == c.firstOrdered && Arrays.equals(orderedTerms, c.orderedTerms);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nextIndex) * 31 + Arrays.hashCode(orderedTerms);
  }

  @Override
  public String toString() {
    return "OrderedChunk[" + entries.size() + " entries, next " + nextIndex + ", generation " + generation
        + (orderedTerms.length == 0 ? "" : ", ordered from " + firstOrdered) + "]";
  }
}
