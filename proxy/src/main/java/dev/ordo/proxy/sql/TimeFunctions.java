package dev.ordo.proxy.sql;

import dev.ordo.proxy.config.Backend;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replaces calls of the current time by literals, so that every replica
 * executing a log entry sees the same time: the time the entry carries, not the
 * replica's own clock.
 *
 * <p>Transaction-time functions ({@code CURRENT_TIMESTAMP}, {@code NOW()},
 * {@code LOCALTIMESTAMP}, {@code CURRENT_DATE}, {@code CURRENT_TIME},
 * {@code LOCALTIME}, {@code transaction_timestamp()}) take the transaction's
 * time; statement-time functions ({@code statement_timestamp()},
 * {@code clock_timestamp()}) take the statement's. Each call becomes a typed
 * literal that both H2 and PostgreSQL read, of the type the replica's engine
 * gives the call ({@code NOW()} is {@code TIMESTAMP WITH TIME ZONE} on
 * PostgreSQL but {@code TIMESTAMP} on H2), shown in the replicas' pinned time
 * zone, at the call's precision (default: microseconds, but seconds for
 * {@code CURRENT_TIME} and {@code LOCALTIME} on H2).
 *
 * <p>Only the characters of the calls change. A small lexer finds them and
 * skips string literals ({@code '…'}, {@code E'…'}, dollar-quoted), quoted
 * identifiers and comments; a name qualified by anything other than
 * {@code pg_catalog.} is a column or a user function and stays. DDL is not
 * rewritten: a column default or a view keeps its call, to be evaluated when it
 * is used.
 */
public final class TimeFunctions {
  private TimeFunctions() {}

  /** What a call is replaced by. */
  private enum Fn {
    TIMESTAMP_TZ(false), LOCAL_TIMESTAMP(false), DATE(false), TIME_TZ(false), LOCAL_TIME(false),
    STATEMENT_TIMESTAMP_TZ(true);

    final boolean perStatement;

    Fn(boolean perStatement) {
      this.perStatement = perStatement;
    }
  }

  /** A call found in a statement: {@code [start, end)} and what replaces it. */
  record Call(int start, int end, Fn fn, int precision) {}

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx", Locale.ROOT);

  /**
   * The statement with its time-function calls replaced by literals, or the
   * statement itself (the same instance) when it has none or is DDL.
   *
   * @param sql the statement as the client wrote it
   * @param transactionTime the transaction's time (the same for all its statements)
   * @param statementTime this statement's time
   * @param zone the time zone the replicas' sessions are pinned to
   * @param backend the replicas' engine, which decides the type of {@code NOW()}
   */
  public static String rewrite(String sql, Instant transactionTime, Instant statementTime, ZoneId zone,
      Backend backend) {
    if (Analyzer.isDdl(sql)) {
      return sql;
    }
    List<Call> calls = find(sql, backend);
    if (calls.isEmpty()) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + calls.size() * 48);
    int at = 0;
    for (Call c : calls) {
      out.append(sql, at, c.start());
      Instant t = c.fn().perStatement ? statementTime : transactionTime;
      out.append(literal(c.fn(), c.precision(), t.atZone(zone)));
      at = c.end();
    }
    out.append(sql, at, sql.length());
    return out.toString();
  }

  /** Whether the statement calls a time function that {@link #rewrite} would replace. */
  public static boolean hasCalls(String sql, Backend backend) {
    return !Analyzer.isDdl(sql) && !find(sql, backend).isEmpty();
  }

  static String literal(Fn fn, int precision, ZonedDateTime t) {
    String time = TIME.format(t) + fraction(t.getNano(), precision);
    return switch (fn) {
      case TIMESTAMP_TZ, STATEMENT_TIMESTAMP_TZ ->
          "TIMESTAMP WITH TIME ZONE '" + DATE.format(t) + " " + time + OFFSET.format(t) + "'";
      case LOCAL_TIMESTAMP -> "TIMESTAMP '" + DATE.format(t) + " " + time + "'";
      case DATE -> "DATE '" + DATE.format(t) + "'";
      case TIME_TZ -> "TIME WITH TIME ZONE '" + time + OFFSET.format(t) + "'";
      case LOCAL_TIME -> "TIME '" + time + "'";
    };
  }

  /** {@code .ffffff} truncated to {@code precision} digits (none for 0). */
  private static String fraction(int nanos, int precision) {
    int p = Math.min(precision, 6);
    if (p <= 0) {
      return "";
    }
    String micros = String.format(Locale.ROOT, "%06d", nanos / 1000);
    return "." + micros.substring(0, p);
  }

  /** The calls in {@code sql}, in order. */
  static List<Call> find(String sql, Backend backend) {
    List<Call> calls = new ArrayList<>();
    int len = sql.length();
    int i = 0;
    // The end of the previous significant token, and whether it was a '.' (the next name is qualified).
    boolean afterDot = false;
    int qualifierStart = -1; // start of an unquoted "pg_catalog" just before the '.'
    int lastWordStart = -1;
    int lastWordEnd = -1;
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
      boolean dot = false;
      int wordStart = -1;
      if (c == '\'') {
        i = skipQuoted(sql, i, '\'', false);
      } else if (c == '"') {
        i = skipQuoted(sql, i, '"', false);
      } else if (c == '$') {
        i = skipDollar(sql, i);
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < len && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
            || sql.charAt(i) == '$')) {
          i++;
        }
        if (i < len && sql.charAt(i) == '\'') {
          // A prefixed string: E'…' (backslash escapes), B'…', X'…', N'…', U&'…' is handled below.
          boolean escapes = i - start == 1 && (c == 'E' || c == 'e');
          i = skipQuoted(sql, i, '\'', escapes);
        } else if (i + 1 < len && i - start == 1 && (c == 'U' || c == 'u') && sql.charAt(i) == '&'
            && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
          i = skipQuoted(sql, i + 1, sql.charAt(i + 1), false);
        } else {
          wordStart = start;
          String word = sql.substring(start, i).toUpperCase(Locale.ROOT);
          int callStart = start;
          boolean eligible = !afterDot;
          if (afterDot && qualifierStart >= 0) {
            eligible = true;
            callStart = qualifierStart;
          }
          if (eligible) {
            int[] end = new int[1];
            int[] precision = new int[] {-1};
            Fn fn = match(word, sql, i, end, precision, backend);
            if (fn != null) {
              int p = precision[0] >= 0 ? precision[0] : defaultPrecision(fn, backend);
              calls.add(new Call(callStart, end[0], fn, p));
              i = end[0];
            }
          }
        }
      } else if (Character.isDigit(c)) {
        while (i < len && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
      } else {
        dot = c == '.';
        i++;
      }
      if (dot) {
        qualifierStart = lastWordEnd >= 0 && sql.regionMatches(true, lastWordStart, "pg_catalog", 0, 10)
            && lastWordEnd - lastWordStart == 10 ? lastWordStart : -1;
      } else {
        qualifierStart = -1;
      }
      afterDot = dot;
      if (wordStart >= 0) {
        lastWordStart = wordStart;
        lastWordEnd = i;
      } else {
        lastWordStart = -1;
        lastWordEnd = -1;
      }
    }
    return calls;
  }

  private static int defaultPrecision(Fn fn, Backend backend) {
    if (backend == Backend.H2 && (fn == Fn.TIME_TZ || fn == Fn.LOCAL_TIME)) {
      return 0;
    }
    return 6;
  }

  /**
   * Whether {@code word} (ending at {@code after}) starts a call; if so sets
   * {@code end[0]} to the end of the call (its parentheses included) and
   * {@code precision[0]} to a precision given in them.
   */
  private static Fn match(String word, String sql, int after, int[] end, int[] precision, Backend backend) {
    Fn keyword = switch (word) {
      case "CURRENT_TIMESTAMP" -> Fn.TIMESTAMP_TZ;
      case "LOCALTIMESTAMP" -> Fn.LOCAL_TIMESTAMP;
      case "CURRENT_DATE" -> Fn.DATE;
      case "CURRENT_TIME" -> Fn.TIME_TZ;
      case "LOCALTIME" -> Fn.LOCAL_TIME;
      default -> null;
    };
    Fn function = switch (word) {
      case "NOW" -> backend == Backend.H2 ? Fn.LOCAL_TIMESTAMP : Fn.TIMESTAMP_TZ;
      case "TRANSACTION_TIMESTAMP" -> Fn.TIMESTAMP_TZ;
      case "STATEMENT_TIMESTAMP", "CLOCK_TIMESTAMP" -> Fn.STATEMENT_TIMESTAMP_TZ;
      default -> null;
    };
    if (keyword == null && function == null) {
      return null;
    }
    int close = parentheses(sql, after, precision, keyword != null || word.equals("NOW"));
    if (close >= 0) {
      end[0] = close;
      return keyword != null ? keyword : function;
    }
    if (keyword != null) {
      end[0] = after;
      return keyword;
    }
    return null;
  }

  /**
   * The end of {@code ( )} or {@code ( digits )} starting at {@code i} after
   * white space, or -1; a precision found is stored in {@code precision[0]}.
   */
  private static int parentheses(String sql, int i, int[] precision, boolean precisionAllowed) {
    int len = sql.length();
    int j = skipSpace(sql, i);
    if (j >= len || sql.charAt(j) != '(') {
      return -1;
    }
    j = skipSpace(sql, j + 1);
    int digits = j;
    while (j < len && Character.isDigit(sql.charAt(j))) {
      j++;
    }
    int p = -1;
    if (j > digits) {
      if (!precisionAllowed || j - digits > 2) {
        return -1;
      }
      p = Integer.parseInt(sql.substring(digits, j));
      j = skipSpace(sql, j);
    }
    if (j >= len || sql.charAt(j) != ')') {
      return -1;
    }
    precision[0] = p;
    return j + 1;
  }

  static int skipSpace(String sql, int i) {
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Past a quoted token opening at {@code i}; a doubled quote is part of it. */
  static int skipQuoted(String sql, int i, char quote, boolean backslashEscapes) {
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

  /** Past a (nested) block comment opening at {@code i}. */
  static int skipBlockComment(String sql, int i) {
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

  /** Past a dollar-quoted string ({@code $tag$…$tag$}) or a {@code $n} parameter at {@code i}. */
  static int skipDollar(String sql, int i) {
    int len = sql.length();
    int j = i + 1;
    if (j < len && Character.isDigit(sql.charAt(j))) {
      while (j < len && Character.isDigit(sql.charAt(j))) {
        j++;
      }
      return j;
    }
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
