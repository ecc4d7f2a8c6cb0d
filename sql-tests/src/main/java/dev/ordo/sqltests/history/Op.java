package dev.ordo.sqltests.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One line of a Jepsen history: an invocation or a completion of an operation
 * by a process. For list-append transactions {@code f} is {@code :txn} and
 * {@code value} is a {@code List<MicroOp>}; other operations (a nemesis, for
 * instance) may carry any EDN value.
 *
 * @param index the position in the history (0, 1, 2...), or -1 if the line had
 *     none
 * @param type invoke, ok, fail or info
 * @param process the process: a {@link Long} for clients, anything else
 *     (typically {@code :nemesis}) for other actors
 * @param f the function, e.g. {@code :txn}
 * @param value the operation's value; {@code List<MicroOp>} for transactions
 * @param time nanoseconds since the start of the test, or -1 if unknown
 * @param error the {@code :error} value of a failed or crashed operation, or
 *     {@code null}
 */
public record Op(long index, Type type, Object process, Keyword f, Object value, long time, Object error) {
  /** The {@code :txn} function of list-append transactions. */
  public static final Keyword TXN = Keyword.of("txn");

  /** The type of an operation, with its EDN keyword. */
  public enum Type {
    /** {@code :invoke}: the process started the operation. */
    INVOKE,
    /** {@code :ok}: the operation happened. */
    OK,
    /** {@code :fail}: the operation certainly did not happen. */
    FAIL,
    /** {@code :info}: the outcome is unknown; it may or may not have happened. */
    INFO;

    private final Keyword keyword = Keyword.of(name().toLowerCase(java.util.Locale.ROOT));

    /**
     * Returns the EDN keyword.
     *
     * @return e.g. {@code :ok}
     */
    public Keyword keyword() {
      return keyword;
    }

    /**
     * Parses an EDN keyword.
     *
     * @param k the keyword
     * @return the type, or {@code null} if {@code k} is not one
     */
    public static Type of(Object k) {
      for (Type t : values()) {
        if (t.keyword.equals(k)) {
          return t;
        }
      }
      return null;
    }
  }

  /** Checks the required fields; an {@code int} process becomes a {@code long}. */
  public Op {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(process, "process");
    if (process instanceof Integer || process instanceof Short || process instanceof Byte) {
      process = ((Number) process).longValue();
    }
    Objects.requireNonNull(f, "f");
  }

  /**
   * A list-append transaction event.
   *
   * @param index position in the history
   * @param type the event type
   * @param process the client process
   * @param txn the micro-operations
   * @param time nanoseconds since the start of the test
   * @return the op, with {@code f = :txn} and no error
   */
  public static Op txn(long index, Type type, long process, List<MicroOp> txn, long time) {
    return new Op(index, type, process, TXN, List.copyOf(txn), time, null);
  }

  /**
   * Returns a copy with another error value.
   *
   * @param newError the {@code :error} value
   * @return the copy
   */
  public Op withError(Object newError) {
    return new Op(index, type, process, f, value, time, newError);
  }

  /**
   * Returns whether this is a client operation.
   *
   * @return true iff the process is an integer
   */
  public boolean isClient() {
    return process instanceof Long;
  }

  /**
   * Returns the micro-operations of a transaction.
   *
   * @return the micro-operations
   * @throws IllegalStateException if the value is not a transaction
   */
  @SuppressWarnings("unchecked")
  public List<MicroOp> txn() {
    if (!(value instanceof List<?> l) || !l.stream().allMatch(MicroOp.class::isInstance)) {
      throw new IllegalStateException("op " + index + " is not a transaction: " + Edn.write(value));
    }
    return (List<MicroOp>) value;
  }

  /**
   * Returns the EDN map of this op, in the order Jepsen writes the fields:
   * {@code {:index 0 :type :invoke :process 0 :f :txn :value [...] :time 0}}.
   *
   * @return the map; {@link Edn#write} prints micro-operations as vectors
   */
  public Map<Keyword, Object> toEdn() {
    Map<Keyword, Object> m = new LinkedHashMap<>();
    if (index >= 0) {
      m.put(HistoryReader.INDEX, index);
    }
    m.put(HistoryReader.TYPE, type.keyword());
    m.put(HistoryReader.PROCESS, process);
    m.put(HistoryReader.F, f);
    m.put(HistoryReader.VALUE, value);
    if (time >= 0) {
      m.put(HistoryReader.TIME, time);
    }
    if (error != null) {
      m.put(HistoryReader.ERROR, error);
    }
    return m;
  }

  /** Returns the EDN line of this op. */
  @Override
  public String toString() {
    return HistoryWriter.format(this);
  }
}
