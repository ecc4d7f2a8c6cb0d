package dev.ordo.sqltests.history;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subset of EDN that Jepsen histories use: maps, vectors, lists, sets,
 * keywords, integers, floats, strings, characters, {@code nil},
 * {@code true}/{@code false}, symbols, tagged values and {@code #_} discards.
 * Commas are whitespace and {@code ;} starts a comment.
 *
 * <p>Values map to Java as follows: map → {@link Map} (insertion ordered),
 * vector and list → {@link List}, set → {@link Set}, keyword → {@link Keyword},
 * integer → {@link Long} (or {@link BigInteger} when it does not fit), float →
 * {@link Double} ({@link BigDecimal} with an {@code M} suffix), string →
 * {@link String}, character → {@link Character}, {@code nil} → {@code null},
 * booleans → {@link Boolean}, other symbols → {@link Symbol}, {@code #tag x} →
 * {@link Tagged}. {@link #write} also prints {@link MicroOp}s as vectors.
 */
public final class Edn {
  private Edn() {}

  /**
   * An EDN symbol other than {@code nil}, {@code true} and {@code false}.
   *
   * @param name the symbol as written
   */
  public record Symbol(String name) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A tagged element such as {@code #inst "2020-01-01"}.
   *
   * @param tag the tag without the {@code #}
   * @param value the element that follows the tag
   */
  public record Tagged(String tag, Object value) {}

  /** Thrown for text that is not valid EDN; the message names the column. */
  public static final class ParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
      super(message);
    }
  }

  /**
   * Parses text holding exactly one EDN element (surrounding whitespace and
   * comments allowed).
   *
   * @param text the text
   * @return the element, as described in the class comment
   * @throws ParseException if the text is not one well-formed element
   */
  public static Object read(String text) {
    Parser p = new Parser(text);
    p.skipSpace();
    if (p.pos >= text.length()) {
      throw new ParseException("expected an EDN value, found nothing");
    }
    Object value = p.value();
    p.skipSpace();
    if (p.pos < text.length()) {
      throw new ParseException("unexpected '" + text.charAt(p.pos) + "' at column " + (p.pos + 1)
          + " after a complete value; put one value per line");
    }
    return value;
  }

  /**
   * Writes a value in EDN, the inverse of {@link #read}: maps as
   * {@code {:k v :k2 v2}}, lists (and vectors) as {@code [a b]}.
   *
   * @param value a value built from the types listed in the class comment
   * @return its EDN text
   */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  /**
   * Appends the EDN text of a value to a builder.
   *
   * @param value the value
   * @param out where to append
   */
  public static void write(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("nil");
      case String s -> writeString(s, out);
      case Character c -> out.append(switch (c) {
        case '\n' -> "\\newline";
        case ' ' -> "\\space";
        case '\t' -> "\\tab";
        case '\r' -> "\\return";
        default -> "\\" + c;
      });
      case Map<?, ?> m -> {
        out.append('{');
        String sep = "";
        for (Map.Entry<?, ?> e : m.entrySet()) {
          out.append(sep);
          write(e.getKey(), out);
          out.append(' ');
          write(e.getValue(), out);
          sep = " ";
        }
        out.append('}');
      }
      case MicroOp m -> {
        out.append('[').append(m.f().keyword()).append(' ');
        write(m.key(), out);
        out.append(' ');
        write(m.value(), out);
        out.append(']');
      }
      case Set<?> s -> writeAll("#{", s, "}", out);
      case Iterable<?> l -> writeAll("[", l, "]", out);
      case Tagged t -> {
        out.append('#').append(t.tag()).append(' ');
        write(t.value(), out);
      }
      case BigDecimal d -> out.append(d.toPlainString()).append('M');
      case BigInteger i -> out.append(i).append('N');
      case Double d when d.isNaN() || d.isInfinite() ->
          out.append(d.isNaN() ? "##NaN" : d > 0 ? "##Inf" : "##-Inf");
      default -> out.append(value);
    }
  }

  private static void writeAll(String open, Iterable<?> items, String close, StringBuilder out) {
    out.append(open);
    Iterator<?> it = items.iterator();
    while (it.hasNext()) {
      write(it.next(), out);
      if (it.hasNext()) {
        out.append(' ');
      }
    }
    out.append(close);
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /** A recursive-descent parser over one string. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    void skipSpace() {
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (c == ';') {
          while (pos < s.length() && s.charAt(pos) != '\n') {
            pos++;
          }
        } else if (Character.isWhitespace(c) || c == ',') {
          pos++;
        } else {
          return;
        }
      }
    }

    private ParseException error(String what) {
      return new ParseException(what + " at column " + (pos + 1));
    }

    Object value() {
      skipSpace();
      if (pos >= s.length()) {
        throw error("expected a value but the line ended");
      }
      char c = s.charAt(pos);
      return switch (c) {
        case '{' -> map();
        case '[' -> Collections.unmodifiableList(seq(']', "vector"));
        case '(' -> Collections.unmodifiableList(seq(')', "list"));
        case '"' -> string();
        case ':' -> keyword();
        case '\\' -> character();
        case '#' -> dispatch();
        case '}', ']', ')' -> throw error("unexpected '" + c + "' with nothing open to close");
        default -> {
          if (Character.isDigit(c) || ((c == '-' || c == '+') && pos + 1 < s.length()
              && Character.isDigit(s.charAt(pos + 1)))) {
            yield number();
          }
          yield symbol();
        }
      };
    }

    private Map<Object, Object> map() {
      int open = pos;
      List<Object> items = seq('}', "map");
      if (items.size() % 2 != 0) {
        pos = open;
        throw error("map with an odd number of forms (a key without a value)");
      }
      Map<Object, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < items.size(); i += 2) {
        m.put(items.get(i), items.get(i + 1));
        if (m.size() != i / 2 + 1) {
          pos = open;
          throw error("map with the duplicate key " + write(items.get(i)));
        }
      }
      return Collections.unmodifiableMap(m);
    }

    private List<Object> seq(char close, String what) {
      int open = pos;
      pos++;
      List<Object> items = new ArrayList<>();
      while (true) {
        skipSpace();
        if (pos >= s.length()) {
          throw new ParseException("the " + what + " opened at column " + (open + 1)
              + " is not closed with '" + close + "' before the end of the line");
        }
        char c = s.charAt(pos);
        if (c == close) {
          pos++;
          return items;
        }
        if (c == '#' && pos + 1 < s.length() && s.charAt(pos + 1) == '_') {
          pos += 2;
          value();
          continue;
        }
        if (c == '}' || c == ']' || c == ')') {
          throw error("'" + c + "' does not match the " + what + " opened at column " + (open + 1));
        }
        items.add(value());
      }
    }

    private Object dispatch() {
      if (pos + 1 >= s.length()) {
        throw error("'#' at the end of the line");
      }
      char next = s.charAt(pos + 1);
      if (next == '{') {
        pos++;
        int open = pos;
        List<Object> items = seq('}', "set");
        Set<Object> set = new LinkedHashSet<>(items);
        if (set.size() != items.size()) {
          pos = open;
          throw error("set with a duplicate element");
        }
        return Collections.unmodifiableSet(set);
      }
      if (next == '_') {
        pos += 2;
        value();
        return value();
      }
      if (next == '#') {
        pos += 2;
        String name = token();
        return switch (name) {
          case "NaN" -> Double.NaN;
          case "Inf" -> Double.POSITIVE_INFINITY;
          case "-Inf" -> Double.NEGATIVE_INFINITY;
          default -> throw error("unknown symbolic value ##" + name);
        };
      }
      pos++;
      String tag = token();
      if (tag.isEmpty()) {
        throw error("'#' must be followed by a tag, '{' or '_'");
      }
      return new Tagged(tag, value());
    }

    private String token() {
      int start = pos;
      while (pos < s.length() && !isDelimiter(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private static boolean isDelimiter(char c) {
      return Character.isWhitespace(c) || c == ',' || c == '{' || c == '}' || c == '[' || c == ']'
          || c == '(' || c == ')' || c == '"' || c == ';';
    }

    private Keyword keyword() {
      int start = pos;
      pos++;
      String name = token();
      if (name.isEmpty()) {
        pos = start;
        throw error("':' must be followed by a keyword name");
      }
      return new Keyword(name);
    }

    private Object symbol() {
      int start = pos;
      String name = token();
      if (name.isEmpty()) {
        throw error("unexpected '" + s.charAt(pos) + "'");
      }
      return switch (name) {
        case "nil" -> null;
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> {
          char c = name.charAt(0);
          if (!(Character.isLetter(c) || "*+!-_?<>=./&%$'".indexOf(c) >= 0)) {
            pos = start;
            throw error("unexpected '" + c + "'");
          }
          yield new Symbol(name);
        }
      };
    }

    private Object number() {
      int start = pos;
      String t = token();
      try {
        if (t.endsWith("N")) {
          return new BigInteger(t.substring(0, t.length() - 1));
        }
        if (t.endsWith("M")) {
          return new BigDecimal(t.substring(0, t.length() - 1));
        }
        if (t.indexOf('.') >= 0 || t.indexOf('e') >= 0 || t.indexOf('E') >= 0) {
          return Double.parseDouble(t);
        }
        BigInteger big = new BigInteger(t.startsWith("+") ? t.substring(1) : t);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
      } catch (NumberFormatException e) {
        pos = start;
        throw error("malformed number '" + t + "'");
      }
    }

    private String string() {
      int open = pos;
      pos++;
      StringBuilder out = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (pos >= s.length()) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case '"', '\\' -> out.append(e);
          case 'u' -> {
            if (pos + 4 > s.length()) {
              throw error("truncated \\u escape");
            }
            try {
              out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("malformed \\u escape");
            }
            pos += 4;
          }
          default -> {
            pos--;
            throw error("unknown escape '\\" + e + "' in a string");
          }
        }
      }
      throw new ParseException("the string opened at column " + (open + 1) + " is not closed before the end of the line");
    }

    private Character character() {
      pos++;
      int start = pos;
      if (pos >= s.length()) {
        throw error("'\\' at the end of the line");
      }
      pos++;
      while (pos < s.length() && !isDelimiter(s.charAt(pos))) {
        pos++;
      }
      String name = s.substring(start, pos);
      if (name.length() == 1) {
        return name.charAt(0);
      }
      return switch (name) {
        case "newline" -> '\n';
        case "space" -> ' ';
        case "tab" -> '\t';
        case "return" -> '\r';
        default -> {
          if (name.startsWith("u") && name.length() == 5) {
            try {
              yield (char) Integer.parseInt(name.substring(1), 16);
            } catch (NumberFormatException e) {
              // fall through to the error below
            }
          }
          pos = start;
          throw error("unknown character literal '\\" + name + "'");
        }
      };
    }
  }
}
