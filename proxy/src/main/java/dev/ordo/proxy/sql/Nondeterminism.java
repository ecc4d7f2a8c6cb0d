package dev.ordo.proxy.sql;

import dev.ordo.proxy.config.Backend;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replaces calls of random-value functions by literals, so that every replica
 * executing a log entry computes the same values: {@code random()} (H2 also
 * {@code RAND()}), UUID generators ({@code gen_random_uuid()},
 * {@code uuid_generate_v4()}, {@code uuidv4()}, H2 {@code RANDOM_UUID()},
 * {@code UUID()}, {@code NEWID()}), random bytes (H2 {@code SECURE_RAND(n)},
 * pgcrypto {@code gen_random_bytes(n)}) and {@code random_normal(…)}.
 *
 * <p>The values come from a pseudo-random generator seeded with the log entry's
 * identity (origin node, incarnation, request id), the statement's index in the
 * entry and the call's index in the statement: every replica reads the same
 * entry, so every replica writes the same literal, and two calls never share a
 * value by accident. The generator (SplitMix64, Box–Muller with
 * {@link StrictMath}) is Ordo's own code, so its values do not depend on the JVM.
 *
 * <p>The replica rewrites only writes, and the analyzer refuses writes in which
 * such a call would run once per row ({@link DeterminismRules}): what reaches
 * the rewrite is evaluated once per statement, so one literal per call is what
 * the engine would have computed. Only the characters of the calls change: the
 * lexer of {@link TimeFunctions} skips string literals, quoted identifiers and
 * comments, and a name qualified by anything other than {@code pg_catalog.} is
 * a user function and stays.
 */
public final class Nondeterminism {
  private Nondeterminism() {}

  /** A function call found in a statement: {@code name} upper-cased, {@code [start, end)}, its arguments. */
  public record Call(int start, int end, String name, List<int[]> args) {
    /** The text of argument {@code i}, stripped. */
    String arg(String sql, int i) {
      return sql.substring(args.get(i)[0], args.get(i)[1]).strip();
    }

    /** Whether the call has no arguments. */
    boolean noArgs(String sql) {
      return args.isEmpty() || args.size() == 1 && arg(sql, 0).isEmpty();
    }

    /** The call as users write it: {@code name()} in lower case. */
    public String display() {
      return name.toLowerCase(Locale.ROOT) + "()";
    }
  }

  /** What a rewritable call becomes. */
  enum Value { DOUBLE, UUID, BYTES, NORMAL }

  /**
   * What {@code call} is replaced by, or null when it is not a call this class
   * rewrites (an unknown name, or a form whose value cannot be fixed once: H2's
   * seeded {@code RAND(n)}, PostgreSQL's {@code random(min, max)}, a byte count that
   * is not a literal).
   */
  static Value rewritable(Call call, String sql) {
    switch (call.name()) {
      case "RANDOM", "RAND":
        return call.noArgs(sql) ? Value.DOUBLE : null;
      case "GEN_RANDOM_UUID", "UUID_GENERATE_V4", "UUIDV4", "UUID", "NEWID":
        return call.noArgs(sql) ? Value.UUID : null;
      case "RANDOM_UUID":
        return call.noArgs(sql) || call.args().size() == 1 && call.arg(sql, 0).equals("4") ? Value.UUID : null;
      case "SECURE_RAND", "GEN_RANDOM_BYTES":
        return call.args().size() == 1 && byteCount(call.arg(sql, 0)) >= 0 ? Value.BYTES : null;
      case "RANDOM_NORMAL":
        return call.args().size() <= 2 ? Value.NORMAL : null;
      default:
        return null;
    }
  }

  /** The literal number of bytes asked for, or -1 when it is not a literal Ordo accepts (at most 1 MiB). */
  private static int byteCount(String arg) {
    if (arg.isEmpty() || arg.length() > 7 || !arg.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int n = Integer.parseInt(arg);
    return n <= 1 << 20 ? n : -1;
  }

  /**
   * The seed of statement {@code statement} of the log entry identified by
   * {@code origin}, {@code incarnation}, {@code requestId}.
   */
  public static long seed(String origin, long incarnation, long requestId, int statement) {
    long h = 0xcbf29ce484222325L; // FNV-1a over the origin's UTF-8 bytes
    for (byte b : origin.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = mix(h ^ mix(incarnation));
    h = mix(h ^ mix(requestId + 0x9e3779b97f4a7c15L));
    return mix(h ^ mix(statement + 0x632be59bd9b4e019L));
  }

  /** The statement with its rewritable calls replaced, or the statement itself (same instance) when it has none. */
  public static String rewrite(String sql, long seed, Backend backend) {
    List<Call> calls = find(sql);
    if (calls.stream().noneMatch(c -> rewritable(c, sql) != null)) {
      return sql;
    }
    int[] counter = new int[1];
    return rewrite(sql, 0, sql.length(), calls, seed, counter, backend);
  }

  /** Whether {@link #rewrite} would change the statement. */
  public static boolean hasCalls(String sql) {
    return find(sql).stream().anyMatch(c -> rewritable(c, sql) != null);
  }

  private static String rewrite(String sql, int from, int to, List<Call> calls, long seed, int[] counter,
      Backend backend) {
    StringBuilder out = new StringBuilder(to - from + 64);
    int at = from;
    for (Call c : calls) {
      if (c.start() < at || c.start() < from || c.end() > to) {
        continue; // inside a call already replaced, or outside this span
      }
      Value v = rewritable(c, sql);
      if (v == null) {
        continue;
      }
      out.append(sql, at, c.start());
      Rng rng = new Rng(mix(seed ^ mix(counter[0]++ + 0x2545f4914f6cdd1dL)));
      switch (v) {
        case DOUBLE -> out.append(doubleLiteral(rng.nextDouble()));
        case UUID -> out.append(uuidLiteral(rng));
        case BYTES -> out.append(bytesLiteral(rng, byteCount(c.arg(sql, 0)), backend));
        case NORMAL -> {
          double z = rng.nextGaussian();
          if (c.noArgs(sql)) {
            out.append(doubleLiteral(z));
          } else {
            // random_normal(mean [, stddev = 1]): the arguments stay, rewritten themselves.
            String mean = rewrite(sql, c.args().get(0)[0], c.args().get(0)[1], calls, seed, counter, backend);
            String sd = c.args().size() > 1
                ? rewrite(sql, c.args().get(1)[0], c.args().get(1)[1], calls, seed, counter, backend) : "1";
            out.append("(CAST((").append(mean.strip()).append(") AS DOUBLE PRECISION) + CAST((")
                .append(sd.strip()).append(") AS DOUBLE PRECISION) * ").append(doubleLiteral(z)).append(')');
          }
        }
      }
      at = c.end();
    }
    out.append(sql, at, to);
    return out.toString();
  }

  static String doubleLiteral(double d) {
    // Double.toString is the shortest decimal that reads back as d; plain notation parses on both engines.
    return "CAST(" + new BigDecimal(Double.toString(d)).toPlainString() + " AS DOUBLE PRECISION)";
  }

  private static String uuidLiteral(Rng rng) {
    long hi = rng.nextLong();
    long lo = rng.nextLong();
    hi = (hi & ~0xf000L) | 0x4000L; // version 4
    lo = (lo & 0x3fffffffffffffffL) | 0x8000000000000000L; // variant 10
    return "CAST('" + new java.util.UUID(hi, lo) + "' AS UUID)";
  }

  private static String bytesLiteral(Rng rng, int n, Backend backend) {
    StringBuilder hex = new StringBuilder(n * 2);
    long word = 0;
    for (int i = 0; i < n; i++) {
      if (i % 8 == 0) {
        word = rng.nextLong();
      }
      hex.append(String.format(Locale.ROOT, "%02x", (word >>> (8 * (i % 8))) & 0xff));
    }
    return backend == Backend.POSTGRESQL ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
  }

  /** SplitMix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** SplitMix64: small, fast, and fixed by this code rather than by a JDK version. */
  static final class Rng {
    private long state;

    Rng(long seed) {
      this.state = seed;
    }

    long nextLong() {
      state += 0x9e3779b97f4a7c15L;
      return mix(state);
    }

    /** Uniform in [0, 1), 53 bits. */
    double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box–Muller, {@link StrictMath} for the same bits on every JVM). */
    double nextGaussian() {
      double u1 = 1.0 - nextDouble(); // (0, 1]
      double u2 = nextDouble();
      return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }
  }

  /**
   * Every function call in {@code sql}, in order of position (a call inside
   * another's arguments comes after it), outside string literals, quoted
   * identifiers and comments; a name qualified by anything but
   * {@code pg_catalog.} is not reported. H2's and PostgreSQL's
   * {@code CURRENT VALUE FOR s} is reported as a call named
   * {@code CURRENT VALUE FOR} with no arguments.
   */
  public static List<Call> find(String sql) {
    List<Call> calls = new ArrayList<>();
    int len = sql.length();
    int i = 0;
    boolean afterDot = false;
    boolean qualifiedByCatalog = false;
    String prevWord = null;
    String prevPrevWord = null;
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
        i = TimeFunctions.skipBlockComment(sql, i);
        continue;
      }
      boolean dot = false;
      String word = null;
      int wordStart = i;
      if (c == '\'') {
        i = TimeFunctions.skipQuoted(sql, i, '\'', false);
      } else if (c == '"') {
        i = TimeFunctions.skipQuoted(sql, i, '"', false);
      } else if (c == '$') {
        i = TimeFunctions.skipDollar(sql, i);
      } else if (Character.isLetter(c) || c == '_') {
        while (i < len && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
            || sql.charAt(i) == '$')) {
          i++;
        }
        if (i < len && sql.charAt(i) == '\'') {
          boolean escapes = i - wordStart == 1 && (c == 'E' || c == 'e');
          i = TimeFunctions.skipQuoted(sql, i, '\'', escapes);
        } else if (i + 1 < len && i - wordStart == 1 && (c == 'U' || c == 'u') && sql.charAt(i) == '&'
            && (sql.charAt(i + 1) == '\'' || sql.charAt(i + 1) == '"')) {
          i = TimeFunctions.skipQuoted(sql, i + 1, sql.charAt(i + 1), false);
        } else {
          word = sql.substring(wordStart, i).toUpperCase(Locale.ROOT);
          int open = TimeFunctions.skipSpace(sql, i);
          if ((!afterDot || qualifiedByCatalog) && open < len && sql.charAt(open) == '(') {
            List<int[]> args = new ArrayList<>();
            int close = arguments(sql, open, args);
            if (close > 0) {
              int start = wordStart;
              if (afterDot) {
                start = sql.lastIndexOf('.', wordStart - 1);
                start = sql.toLowerCase(Locale.ROOT).lastIndexOf("pg_catalog", start);
              }
              calls.add(new Call(start, close, word, args));
            }
          } else if (word.equals("FOR") && "VALUE".equals(prevWord) && "CURRENT".equals(prevPrevWord)) {
            calls.add(new Call(wordStart, i, "CURRENT VALUE FOR", List.of()));
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
      qualifiedByCatalog = dot && "PG_CATALOG".equals(prevWord) && wordStart > 0;
      afterDot = dot;
      if (!dot) {
        prevPrevWord = word == null ? null : prevWord;
        prevWord = word;
      }
    }
    return calls;
  }

  /**
   * The end (past {@code ')'}) of the argument list opening at {@code open},
   * adding each top-level argument's span to {@code args}; -1 if it does not close.
   */
  private static int arguments(String sql, int open, List<int[]> args) {
    int len = sql.length();
    int depth = 0;
    int argStart = open + 1;
    int j = open;
    while (j < len) {
      char c = sql.charAt(j);
      if (c == '\'' ) {
        j = TimeFunctions.skipQuoted(sql, j, '\'', j > 0 && (sql.charAt(j - 1) == 'E' || sql.charAt(j - 1) == 'e'));
        continue;
      }
      if (c == '"') {
        j = TimeFunctions.skipQuoted(sql, j, '"', false);
        continue;
      }
      if (c == '$') {
        j = TimeFunctions.skipDollar(sql, j);
        continue;
      }
      if (c == '-' && j + 1 < len && sql.charAt(j + 1) == '-') {
        int nl = sql.indexOf('\n', j);
        j = nl < 0 ? len : nl + 1;
        continue;
      }
      if (c == '/' && j + 1 < len && sql.charAt(j + 1) == '*') {
        j = TimeFunctions.skipBlockComment(sql, j);
        continue;
      }
      if (c == '(' || c == '[') {
        depth++;
      } else if (c == ')' || c == ']') {
        depth--;
        if (depth == 0) {
          args.add(new int[] {argStart, j});
          return j + 1;
        }
      } else if (c == ',' && depth == 1) {
        args.add(new int[] {argStart, j});
        argStart = j + 1;
      }
      j++;
    }
    return -1;
  }
}
