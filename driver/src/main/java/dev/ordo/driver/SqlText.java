package dev.ordo.driver;

/**
 * A lexical scan of SQL text, just deep enough to count the {@code ?}
 * parameter markers: those inside string literals ({@code '...'}, with
 * {@code ''} escapes, and PostgreSQL's {@code E'...'} with backslash escapes),
 * quoted identifiers ({@code "..."}, {@code `...`}), dollar-quoted strings
 * ({@code $$...$$}, {@code $tag$...$tag$}) and comments ({@code -- ...} and
 * nested {@code /* ... *&#47;}) are not markers. The statement itself is sent
 * unchanged; the replica parses it for real.
 */
final class SqlText {
  private SqlText() {}

  /** The number of {@code ?} parameter markers in {@code sql}. */
  static int countMarkers(String sql) {
    int count = 0;
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      switch (c) {
        case '?':
          count++;
          i++;
          break;
        case '\'':
          i = skipQuoted(sql, i, '\'', isEscapeString(sql, i));
          break;
        case '"':
        case '`':
          i = skipQuoted(sql, i, c, false);
          break;
        case '-':
          if (i + 1 < n && sql.charAt(i + 1) == '-') {
            int eol = sql.indexOf('\n', i);
            i = eol < 0 ? n : eol + 1;
          } else {
            i++;
          }
          break;
        case '/':
          i = i + 1 < n && sql.charAt(i + 1) == '*' ? skipBlockComment(sql, i) : i + 1;
          break;
        case '$':
          i = skipDollarQuoted(sql, i);
          break;
        default:
          i++;
          break;
      }
    }
    return count;
  }

  /** Whether the quote at {@code i} opens an {@code E'...'} string (backslash escapes). */
  private static boolean isEscapeString(String sql, int i) {
    if (i == 0 || (sql.charAt(i - 1) != 'E' && sql.charAt(i - 1) != 'e')) {
      return false;
    }
    return i == 1 || !isIdentifierPart(sql.charAt(i - 2));
  }

  /** The index just after the literal or identifier opened by the quote at {@code start}. */
  private static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
    int n = sql.length();
    int i = start + 1;
    while (i < n) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < n && sql.charAt(i + 1) == quote) {
          i += 2; // doubled quote: an escaped quote character
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return n; // unterminated: the replica will report it
  }

  private static int skipBlockComment(String sql, int start) {
    int n = sql.length();
    int depth = 0;
    int i = start;
    while (i < n) {
      if (i + 1 < n && sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
        depth++;
        i += 2;
      } else if (i + 1 < n && sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /**
   * Skips a dollar-quoted string starting at {@code start} if there is one;
   * otherwise ({@code $1}, an identifier containing {@code $}) returns {@code start + 1}.
   */
  private static int skipDollarQuoted(String sql, int start) {
    if (start > 0 && isIdentifierPart(sql.charAt(start - 1))) {
      return start + 1; // part of an identifier such as a$b
    }
    int n = sql.length();
    int i = start + 1;
    while (i < n && sql.charAt(i) != '$') {
      char c = sql.charAt(i);
      if (!(Character.isLetter(c) || c == '_' || (i > start + 1 && Character.isDigit(c)))) {
        return start + 1; // not a tag: e.g. $1
      }
      i++;
    }
    if (i >= n) {
      return start + 1;
    }
    String tag = sql.substring(start, i + 1);
    int end = sql.indexOf(tag, i + 1);
    return end < 0 ? n : end + tag.length();
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
