package dev.ordo.sqltests.history;

import java.util.Objects;

/**
 * An EDN keyword such as {@code :txn} or {@code :x}, held without its leading
 * colon. Two keywords are equal iff their names are equal.
 *
 * @param name the keyword's name without the colon, e.g. {@code "txn"}
 */
public record Keyword(String name) {
  /** Validates the name. */
  public Keyword {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name: a keyword needs at least one character after ':'");
    }
  }

  /**
   * Returns the keyword with the given name.
   *
   * @param name the name without a leading colon
   * @return the keyword
   */
  public static Keyword of(String name) {
    return new Keyword(name);
  }

  /** Returns the EDN form, e.g. {@code :txn}. */
  @Override
  public String toString() {
    return ":" + name;
  }
}
