package dev.ordo.sqltests.slt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What one record of a test file (a statement or a query) did on one side.
 *
 * @param index the record's position among the file's parsed records
 * @param line the line of its {@code statement}/{@code query} header in the file (0 if unknown)
 * @param query whether it is a query (else a statement)
 * @param sql its SQL text as sqllogictest sends it
 * @param outcome what happened
 * @param values a query's result as sqllogictest renders it (sorted as the record asks), or empty
 * @param sqlState the SQLState of an error, or null
 * @param message the error message, or sqllogictest's reason for a failed query, or null
 */
public record Step(int index, int line, boolean query, String sql, Outcome outcome, List<String> values,
    String sqlState, String message) {

  /** The outcome of a record. */
  public enum Outcome {
    /** A statement that ran without error. */
    OK,
    /** A query whose result matched the expected one. */
    PASSED,
    /** A query that ran but whose result did not match. */
    FAILED,
    /** A statement or query that raised an error. */
    ERROR,
    /** Not run: an earlier statement that had to succeed failed, and sqllogictest abandons the file there. */
    NOT_RUN
  }

  public Step {
    values = List.copyOf(values);
  }

  /**
   * Whether this step did the same as {@code other} (same record on the other
   * side): the same outcome, the same rendered result, the same SQLState.
   * Messages are not compared: Ordo may word them differently.
   */
  public boolean sameAs(Step other) {
    return outcome == other.outcome && values.equals(other.values) && Objects.equals(sqlState, other.sqlState);
  }

  /** A short rendering for reports: outcome, error, the first {@code maxValues} values and a digest of all. */
  public String describe(int maxValues) {
    StringBuilder b = new StringBuilder(outcome.name().toLowerCase(java.util.Locale.ROOT));
    if (sqlState != null) {
      b.append(" [").append(sqlState).append(']');
    }
    if (message != null) {
      b.append(' ').append(firstLine(message));
    }
    if (!values.isEmpty()) {
      b.append(" — ").append(values.size()).append(values.size() == 1 ? " value" : " values");
      if (values.size() > maxValues) {
        b.append(" (md5 ").append(md5(values)).append(')');
      }
      b.append(": ").append(String.join(" ", values.subList(0, Math.min(maxValues, values.size()))));
      if (values.size() > maxValues) {
        b.append(" ...");
      }
    } else if (query && (outcome == Outcome.PASSED || outcome == Outcome.FAILED)) {
      b.append(" — no rows");
    }
    return b.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl) + " ...";
  }

  static String md5(List<String> values) {
    try {
      MessageDigest md = MessageDigest.getInstance("MD5");
      md.update((String.join("\n", values) + "\n").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
