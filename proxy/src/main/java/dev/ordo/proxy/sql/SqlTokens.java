package dev.ordo.proxy.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A statement cut into tokens with their character spans and parenthesis
 * nesting, for the determinism rules ({@link OrderRules}, {@link ColumnDefaults}):
 * they look at a statement's shape and change only the characters they must.
 * String literals ({@code '…'}, {@code E'…'}, dollar-quoted), quoted identifiers
 * and comments are single tokens (comments are dropped).
 */
public final class SqlTokens {
  /** What a token is. */
  public enum Type { WORD, QUOTED, STRING, NUMBER, PARAM, PUNCT }

  /**
   * One token.
   *
   * @param type its type
   * @param start first character
   * @param end past its last character
   * @param text upper-cased for words; as written otherwise (quoted identifiers without their quotes)
   * @param depth parentheses around it ({@code (} and {@code )} have the depth outside them)
   * @param group index of the {@code (} token whose parentheses contain it, -1 at the top level
   */
  public record Token(Type type, int start, int end, String text, int depth, int group) {
    public boolean is(String word) {
      return type == Type.WORD && text.equals(word);
    }

    public boolean punct(char c) {
      return type == Type.PUNCT && text.length() == 1 && text.charAt(0) == c;
    }

    /** A name: a word or a quoted identifier, upper-cased when unquoted. */
    public boolean isName() {
      return type == Type.WORD || type == Type.QUOTED;
    }
  }

  final String sql;
  final List<Token> tokens;

  private SqlTokens(String sql, List<Token> tokens) {
    this.sql = sql;
    this.tokens = tokens;
  }

  public List<Token> tokens() {
    return tokens;
  }

  public String sql() {
    return sql;
  }

  public int size() {
    return tokens.size();
  }

  public Token get(int i) {
    return tokens.get(i);
  }

  /** Whether token {@code i} exists and is the word {@code w}. */
  public boolean is(int i, String w) {
    return i >= 0 && i < tokens.size() && tokens.get(i).is(w);
  }

  /** Whether token {@code i} exists and is the punctuation {@code c}. */
  public boolean punct(int i, char c) {
    return i >= 0 && i < tokens.size() && tokens.get(i).punct(c);
  }

  /** The index of the {@code )} matching the {@code (} at {@code open}, or the token count if unbalanced. */
  public int close(int open) {
    for (int i = open + 1; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.punct(')') && t.depth() == tokens.get(open).depth()) {
        return i;
      }
    }
    return tokens.size();
  }

  /** Cuts {@code sql} into tokens. */
  public static SqlTokens of(String sql) {
    List<Token> out = new ArrayList<>();
    List<Integer> opens = new ArrayList<>();
    int len = sql.length();
    int i = 0;
    while (i < len) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      if (c == '-' && i + 1 < len && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        i = nl < 0 ? len : nl + 1;
        continue;
      }
      if (c == '/' && i + 1 < len && sql.charAt(i + 1) == '*') {
        i = skipBlockComment(sql, i);
        continue;
      }
      int depth = opens.size();
      int group = opens.isEmpty() ? -1 : opens.get(opens.size() - 1);
      int start = i;
      if (c == '\'') {
        i = skipQuoted(sql, i, '\'', false);
        out.add(new Token(Type.STRING, start, i, sql.substring(start, i), depth, group));
      } else if (c == '"') {
        i = skipQuoted(sql, i, '"', false);
        out.add(new Token(Type.QUOTED, start, i,
            sql.substring(start + 1, Math.max(start + 1, i - 1)).replace("\"\"", "\""), depth, group));
      } else if (c == '$' && i + 1 < len && Character.isDigit(sql.charAt(i + 1))) {
        i++;
        while (i < len && Character.isDigit(sql.charAt(i))) {
          i++;
        }
        out.add(new Token(Type.PARAM, start, i, sql.substring(start, i), depth, group));
      } else if (c == '$') {
        i = skipDollar(sql, i);
        out.add(new Token(i - start > 1 ? Type.STRING : Type.PUNCT, start, i, sql.substring(start, i), depth,
            group));
      } else if (c == '?') {
        i++;
        out.add(new Token(Type.PARAM, start, i, "?", depth, group));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < len && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
            || sql.charAt(i) == '$')) {
          i++;
        }
        if (i < len && sql.charAt(i) == '\'' && i - start <= 2) {
          boolean escapes = i - start == 1 && (c == 'E' || c == 'e');
          i = skipQuoted(sql, i, '\'', escapes);
          out.add(new Token(Type.STRING, start, i, sql.substring(start, i), depth, group));
        } else if (i + 1 < len && i - start == 1 && (c == 'U' || c == 'u') && sql.charAt(i) == '&'
            && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
          char q = sql.charAt(i + 1);
          i = skipQuoted(sql, i + 1, q, false);
          out.add(new Token(q == '"' ? Type.QUOTED : Type.STRING, start, i, sql.substring(start, i), depth, group));
        } else {
          out.add(new Token(Type.WORD, start, i, sql.substring(start, i).toUpperCase(Locale.ROOT), depth, group));
        }
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < len && Character.isDigit(sql.charAt(i + 1)))) {
        while (i < len && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        out.add(new Token(Type.NUMBER, start, i, sql.substring(start, i), depth, group));
      } else if (c == '(') {
        i++;
        out.add(new Token(Type.PUNCT, start, i, "(", depth, group));
        opens.add(out.size() - 1);
      } else if (c == ')') {
        i++;
        if (!opens.isEmpty()) {
          opens.remove(opens.size() - 1);
        }
        depth = opens.size();
        group = opens.isEmpty() ? -1 : opens.get(opens.size() - 1);
        out.add(new Token(Type.PUNCT, start, i, ")", depth, group));
      } else {
        i++;
        out.add(new Token(Type.PUNCT, start, i, String.valueOf(c), depth, group));
      }
    }
    return new SqlTokens(sql, out);
  }

  private static int skipQuoted(String sql, int i, char quote, boolean backslashEscapes) {
    int len = sql.length();
    int j = i + 1;
    while (j < len) {
      char c = sql.charAt(j);
      if (backslashEscapes && c == '\\') {
        j += 2;
      } else if (c == quote) {
        if (j + 1 < len && sql.charAt(j + 1) == quote) {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return len;
  }

  private static int skipBlockComment(String sql, int i) {
    int len = sql.length();
    int depth = 0;
    int j = i;
    while (j < len) {
      if (sql.startsWith("/*", j)) {
        depth++;
        j += 2;
      } else if (sql.startsWith("*/", j)) {
        depth--;
        j += 2;
        if (depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return len;
  }

  private static int skipDollar(String sql, int i) {
    int len = sql.length();
    int j = i + 1;
    while (j < len && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
      j++;
    }
    if (j >= len || sql.charAt(j) != '$') {
      return i + 1;
    }
    String tag = sql.substring(i, j + 1);
    int close = sql.indexOf(tag, j + 1);
    return close < 0 ? len : close + tag.length();
  }
}
