package dev.ordo.sqltests.slt;

/**
 * A record of a test file that did not do the same through Ordo as on the
 * backend used directly.
 *
 * @param file the test file
 * @param ordo what it did through Ordo
 * @param bare what it did on the backend directly
 * @param bareName the backend's name ({@code h2}, {@code postgresql})
 * @param note more context (records that ran on one side only), or empty
 */
public record Difference(String file, Step ordo, Step bare, String bareName, String note) {
  /** Several lines: where, the SQL, both results (at most {@code maxValues} values each). */
  public String describe(int maxValues) {
    String width = "%-" + Math.max(4, bareName.length()) + "s ";
    return file + ":" + ordo.line() + " " + (ordo.query() ? "query" : "statement") + "\n"
        + "  " + String.format(width, "SQL:") + ordo.sql() + "\n"
        + "  " + String.format(width, "ordo:") + ordo.describe(maxValues) + "\n"
        + "  " + String.format(width, bareName + ":") + bare.describe(maxValues)
        + (note.isEmpty() ? "" : "\n  " + note);
  }
}
