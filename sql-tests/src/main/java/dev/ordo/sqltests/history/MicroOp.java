package dev.ordo.sqltests.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One step of a list-append transaction: {@code [:append k v]} appends the
 * integer {@code v} to the list stored under key {@code k}; {@code [:r k v]}
 * reads that list, where {@code v} is the list observed (or {@code nil} when
 * not known yet, as in an invocation).
 *
 * @param f what the step does
 * @param key the key: a {@link Keyword}, a {@link Long} (an {@link Integer} is
 *     converted) or a {@link String}
 * @param value for an append the appended {@link Long}; for a read the list of
 *     {@link Long} elements read, or {@code null} if unknown
 */
public record MicroOp(Fn f, Object key, Object value) {
  /** The kind of a micro-operation, with its EDN keyword. */
  public enum Fn {
    /** {@code :append}. */
    APPEND(Keyword.of("append")),
    /** {@code :r}. */
    READ(Keyword.of("r"));

    private final Keyword keyword;

    Fn(Keyword keyword) {
      this.keyword = keyword;
    }

    /**
     * Returns the EDN keyword.
     *
     * @return {@code :append} or {@code :r}
     */
    public Keyword keyword() {
      return keyword;
    }
  }

  /** Validates the key and the value against the kind; {@code int} keys become {@code long}. */
  public MicroOp {
    Objects.requireNonNull(f, "f");
    if (key instanceof Integer || key instanceof Short || key instanceof Byte) {
      key = ((Number) key).longValue();
    }
    if (!(key instanceof Keyword || key instanceof Long || key instanceof String)) {
      throw new IllegalArgumentException("key: must be a keyword, an integer or a string, not " + Edn.write(key));
    }
    if (f == Fn.APPEND && !(value instanceof Long)) {
      throw new IllegalArgumentException("value: an append needs an integer, not " + Edn.write(value));
    }
    if (f == Fn.READ && value != null) {
      if (!(value instanceof List<?> l)) {
        throw new IllegalArgumentException("value: a read needs a list of integers or nil, not " + Edn.write(value));
      }
      for (Object e : l) {
        if (!(e instanceof Long)) {
          throw new IllegalArgumentException("value: a read needs a list of integers, but it holds " + Edn.write(e));
        }
      }
    }
  }

  /**
   * An append step.
   *
   * @param key the key
   * @param element the appended integer
   * @return {@code [:append key element]}
   */
  public static MicroOp append(Object key, long element) {
    return new MicroOp(Fn.APPEND, key, element);
  }

  /**
   * A read step whose result is not known yet.
   *
   * @param key the key
   * @return {@code [:r key nil]}
   */
  public static MicroOp read(Object key) {
    return new MicroOp(Fn.READ, key, null);
  }

  /**
   * A read step with its result.
   *
   * @param key the key
   * @param elements the list read, oldest element first
   * @return {@code [:r key [elements]]}
   */
  public static MicroOp read(Object key, List<Long> elements) {
    return new MicroOp(Fn.READ, key, Collections.unmodifiableList(new ArrayList<>(elements)));
  }

  /**
   * Returns the appended element of an append step.
   *
   * @return the element
   * @throws IllegalStateException if this is a read
   */
  public long element() {
    if (f != Fn.APPEND) {
      throw new IllegalStateException("not an append: " + this);
    }
    return (Long) value;
  }

  /**
   * Returns the list read by a read step, or {@code null} if unknown.
   *
   * @return the elements, oldest first
   * @throws IllegalStateException if this is an append
   */
  @SuppressWarnings("unchecked")
  public List<Long> elements() {
    if (f != Fn.READ) {
      throw new IllegalStateException("not a read: " + this);
    }
    return (List<Long>) value;
  }

  /** Returns the EDN form, e.g. {@code [:append :x 1]}. */
  @Override
  public String toString() {
    return Edn.write(this);
  }
}
