package dev.ordo.proxy.sql;

import java.util.Locale;

/** Tiny lexical helpers that do not need a parser. */
final class Lexer {
  private Lexer() {}

  /**
   * The statement without the semicolons (and white space) that end it, as
   * PostgreSQL and H2 accept them after a single statement. A semicolon there is
   * a terminator or, at worst, the end of a trailing line comment: removing it
   * does not change what the statement means.
   */
  static String withoutTrailingSemicolons(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    return end == sql.length() ? sql : sql.substring(0, end);
  }

  /**
   * The first {@code n} words of a statement, upper-cased and joined by single
   * spaces, skipping leading white space, comments and opening parentheses.
   */
  static String firstKeywords(String sql, int n) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int len = sql.length();
    int words = 0;
    while (i < len && words < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (c == '-' && i + 1 < len && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? len : nl + 1;
      } else if (c == '/' && i + 1 < len && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? len : end + 2;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < len && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
          i++;
        }
        if (out.length() > 0) {
          out.append(' ');
        }
        out.append(sql, start, i);
        words++;
      } else {
        break;
      }
    }
    return out.toString().toUpperCase(Locale.ROOT);
  }
}
