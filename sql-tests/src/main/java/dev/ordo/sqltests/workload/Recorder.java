package dev.ordo.sqltests.workload;

import dev.ordo.sqltests.history.Keyword;
import dev.ordo.sqltests.history.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * A history being recorded: clients and the fault runner append ops with one
 * shared index counter and one clock (nanoseconds since the recorder was made).
 */
public final class Recorder {
  /** The process of fault actions, as in Jepsen. */
  public static final Keyword NEMESIS = Keyword.of("nemesis");

  private final long start = System.nanoTime();
  private final List<Op> ops = new ArrayList<>();

  /** Nanoseconds since the start. */
  public long now() {
    return System.nanoTime() - start;
  }

  /** Appends an op and returns it. */
  public synchronized Op record(Op.Type type, Object process, Keyword f, Object value, Object error) {
    Op op = new Op(ops.size(), type, process, f, value, now(), error);
    ops.add(op);
    return op;
  }

  /** A copy of the history so far, in index order. */
  public synchronized List<Op> history() {
    return new ArrayList<>(ops);
  }
}
