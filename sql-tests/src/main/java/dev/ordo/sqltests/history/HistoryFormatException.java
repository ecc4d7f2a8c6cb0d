package dev.ordo.sqltests.history;

/**
 * Thrown when a history cannot be checked because it is malformed: a line is
 * not EDN, an op lacks a required field, a process completes an operation it
 * never invoked, an element is appended twice to the same key, and so on. The
 * message says what is wrong and where.
 */
public final class HistoryFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long line;

  /**
   * Creates an exception about one line of a history file.
   *
   * @param line the 1-based line number, or -1 if the problem is not tied to a line
   * @param message what is wrong
   */
  public HistoryFormatException(long line, String message) {
    super(line >= 0 ? "line " + line + ": " + message : message);
    this.line = line;
  }

  /**
   * Creates an exception about the history as a whole.
   *
   * @param message what is wrong
   */
  public HistoryFormatException(String message) {
    this(-1, message);
  }

  /**
   * Returns the 1-based line number the problem was found on.
   *
   * @return the line, or -1 if the problem is not tied to one line
   */
  public long line() {
    return line;
  }
}
