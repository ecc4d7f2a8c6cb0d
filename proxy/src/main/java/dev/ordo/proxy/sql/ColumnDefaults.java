package dev.ordo.proxy.sql;

import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.sql.OrderRules.InsertHead;
import dev.ordo.proxy.sql.SqlTokens.Token;
import dev.ordo.proxy.sql.SqlTokens.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Supplies nondeterministic column defaults explicitly: an INSERT that leaves a
 * column to a default reading the clock or a random generator gets the column
 * and a value written into it, so that every replica stores the same value.
 *
 * <p>A default reading the clock ({@code CURRENT_TIMESTAMP}, {@code now()}, …) is
 * written as itself, in parentheses; {@link TimeFunctions} then replaces its
 * calls by the same literals the statement's own calls get (transaction time, or
 * statement time for {@code statement_timestamp()}/{@code clock_timestamp()}).
 * Random calls in a default ({@code random()}, {@code RAND()},
 * {@code gen_random_uuid()}, {@code RANDOM_UUID()}, {@code UUID()},
 * {@code uuid_generate_v4()}) become literals drawn from a seed that the log
 * entry determines: a double in [0, 1), a version-4 UUID; one per row.
 *
 * <p>Forms rewritten: {@code INSERT} (also {@code ON CONFLICT}, {@code RETURNING})
 * and H2's {@code MERGE INTO … KEY}, with or without a column list, with
 * {@code VALUES} (one literal per row; an explicit {@code DEFAULT} is replaced),
 * {@code DEFAULT VALUES}, or a query (clock defaults only). Only the needed
 * characters change: the column name goes into the column list, the value into
 * each row. Refused ({@code 0A000}): a per-row clock ({@code clock_timestamp()})
 * or random default in {@code INSERT … SELECT}, and a clock default in
 * {@code INSERT … SELECT} of a set operation, and a per-row clock in a
 * multi-row {@code VALUES}.
 */
public final class ColumnDefaults {
  private ColumnDefaults() {}

  private static final Set<String> RANDOM_DOUBLES = Set.of("RANDOM", "RAND");
  private static final Set<String> RANDOM_UUIDS = Set.of("GEN_RANDOM_UUID", "RANDOM_UUID", "UUID",
      "UUID_GENERATE_V4");

  /** What kind of value a default gives. */
  enum Kind { DETERMINISTIC, CLOCK, CLOCK_PER_ROW, RANDOM }

  static Kind kind(String defaultExpression, Backend backend) {
    if (defaultExpression == null) {
      return Kind.DETERMINISTIC;
    }
    SqlTokens t = SqlTokens.of(defaultExpression);
    boolean random = false;
    boolean perRow = false;
    for (int i = 0; i < t.size(); i++) {
      Token tok = t.get(i);
      if (tok.type() == Type.WORD && t.punct(i + 1, '(') && t.punct(i + 2, ')') && !t.punct(i - 1, '.')) {
        if (RANDOM_DOUBLES.contains(tok.text()) || RANDOM_UUIDS.contains(tok.text())) {
          random = true;
        }
        if (tok.is("CLOCK_TIMESTAMP")) {
          perRow = true;
        }
      }
    }
    if (random) {
      return Kind.RANDOM;
    }
    if (!TimeFunctions.find(defaultExpression, backend).isEmpty()) {
      return perRow ? Kind.CLOCK_PER_ROW : Kind.CLOCK;
    }
    return Kind.DETERMINISTIC;
  }

  /** A text edit: replace {@code [start, end)} by {@code text}. */
  private record Edit(int start, int end, String text) {}

  /**
   * The INSERT with its omitted nondeterministic defaults supplied, or {@code sql}
   * itself (the same instance) when there is nothing to supply.
   *
   * @param seed identifies the statement in the log (origin, incarnation, request id, statement index): random
   *     literals are drawn from it
   * @throws SQLException {@code 0A000} when a default cannot be given the same value on every replica
   */
  public static String rewrite(String sql, TableSchema.Lookup schema, Backend backend, String seed)
      throws SQLException {
    if (!startsLikeInsert(sql)) {
      return sql;
    }
    SqlTokens t = SqlTokens.of(sql);
    InsertHead h = OrderRules.insertHead(t);
    if (h == null) {
      return sql;
    }
    TableSchema table = schema.table(h.table());
    if (table == null) {
      return sql;
    }
    List<TableSchema.Column> cols = table.columns();
    Kind[] kinds = new Kind[cols.size()];
    boolean any = false;
    for (int c = 0; c < cols.size(); c++) {
      kinds[c] = cols.get(c).generated() ? Kind.DETERMINISTIC : kind(cols.get(c).defaultExpression(), backend);
      any |= kinds[c] != Kind.DETERMINISTIC;
    }
    if (!any) {
      return sql;
    }
    // The source: VALUES rows, DEFAULT VALUES, or a query.
    int j = h.afterHead();
    if (t.is(0, "MERGE") && t.is(j, "USING")) {
      return sql; // standard MERGE: not rewritten
    }
    while (j < t.size() && (t.is(j, "KEY") || t.is(j, "OVERRIDING") || t.is(j, "SYSTEM") || t.is(j, "USER")
        || t.is(j, "VALUE"))) {
      j = t.is(j, "KEY") && t.punct(j + 1, '(') ? t.close(j + 1) + 1 : j + 1;
    }
    if (j >= t.size()) {
      return sql;
    }
    List<Integer> listed = new ArrayList<>(); // table column index of each listed column, in list order
    if (h.columns() != null) {
      for (String name : h.columns()) {
        listed.add(indexOf(cols, name));
      }
    }
    List<Edit> edits = new ArrayList<>();
    List<Integer> added = new ArrayList<>();
    if (h.columns() != null) {
      for (int c = 0; c < cols.size(); c++) {
        if (kinds[c] != Kind.DETERMINISTIC && !listed.contains(c)) {
          added.add(c);
        }
      }
    }
    if (t.is(j, "DEFAULT") && t.is(j + 1, "VALUES")) {
      List<String> names = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (int c = 0; c < cols.size(); c++) {
        if (kinds[c] != Kind.DETERMINISTIC) {
          names.add(columnName(cols.get(c).name(), backend));
          values.add(value(cols.get(c), seed, 0, c));
        }
      }
      edits.add(new Edit(t.get(j).start(), t.get(j + 1).end(),
          "(" + String.join(", ", names) + ") VALUES (" + String.join(", ", values) + ")"));
    } else if (t.is(j, "VALUES")) {
      List<int[]> rows = new ArrayList<>();
      int k = j + 1;
      while (t.punct(k, '(')) {
        int close = t.close(k);
        rows.add(new int[] {k, close});
        k = close + 1;
        if (t.punct(k, ',')) {
          k++;
        } else {
          break;
        }
      }
      for (int r = 0; r < rows.size(); r++) {
        int open = rows.get(r)[0];
        int close = rows.get(r)[1];
        List<int[]> items = items(t, open, close);
        // Explicit DEFAULT of a nondeterministic column.
        for (int v = 0; v < items.size(); v++) {
          int[] it = items.get(v);
          int c = h.columns() != null ? (v < listed.size() ? listed.get(v) : -1) : v;
          if (c >= 0 && c < cols.size() && kinds[c] != Kind.DETERMINISTIC && it[1] - it[0] == 1
              && t.is(it[0], "DEFAULT")) {
            check(kinds[c], rows.size(), false, cols.get(c), table);
            edits.add(new Edit(t.get(it[0]).start(), t.get(it[0]).end(), value(cols.get(c), seed, r, c)));
          }
        }
        StringBuilder tail = new StringBuilder();
        if (h.columns() != null) {
          for (int c : added) {
            check(kinds[c], rows.size(), false, cols.get(c), table);
            tail.append(", ").append(value(cols.get(c), seed, r, c));
          }
        } else {
          int last = -1;
          for (int c = items.size(); c < cols.size(); c++) {
            if (kinds[c] != Kind.DETERMINISTIC) {
              last = c;
            }
          }
          for (int c = items.size(); c <= last; c++) {
            if (kinds[c] != Kind.DETERMINISTIC) {
              check(kinds[c], rows.size(), false, cols.get(c), table);
            }
            tail.append(", ").append(kinds[c] != Kind.DETERMINISTIC ? value(cols.get(c), seed, r, c) : "DEFAULT");
          }
        }
        if (tail.length() > 0) {
          String text = items.isEmpty() ? tail.substring(2) : tail.toString();
          edits.add(new Edit(t.get(close).start(), t.get(close).start(), text));
        }
      }
    } else if (!added.isEmpty()) {
      // A query: the values go at the end of its (first) select list.
      int select = j;
      while (t.punct(select, '(')) {
        select++;
      }
      if (t.is(select, "WITH")) {
        Token w = t.get(select);
        for (int k = select + 1; k < t.size(); k++) {
          if (t.get(k).depth() == w.depth() && t.is(k, "SELECT")) {
            select = k;
            break;
          }
        }
      }
      if (!t.is(select, "SELECT")) {
        throw refuse(table, cols.get(added.get(0)), "this INSERT's source");
      }
      Token s = t.get(select);
      int end = t.size();
      for (int k = select + 1; k < t.size(); k++) {
        Token tok = t.get(k);
        if (tok.depth() < s.depth()) {
          end = k;
          break;
        }
        if (tok.depth() == s.depth() && tok.group() == s.group() && tok.type() == Type.WORD) {
          if (Set.of("UNION", "INTERSECT", "EXCEPT", "MINUS").contains(tok.text())) {
            throw refuse(table, cols.get(added.get(0)), "INSERT … SELECT of a set operation");
          }
          if (Set.of("FROM", "WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "ON",
              "RETURNING", "INTO").contains(tok.text())) {
            end = k;
            break;
          }
        }
      }
      StringBuilder tail = new StringBuilder();
      for (int c : added) {
        check(kinds[c], 2, true, cols.get(c), table);
        tail.append(", ").append(value(cols.get(c), seed, 0, c));
      }
      int at = t.get(end - 1).end();
      edits.add(new Edit(at, at, tail.toString()));
    }
    if (edits.isEmpty()) {
      return sql;
    }
    if (!added.isEmpty()) {
      StringBuilder names = new StringBuilder();
      for (int c : added) {
        names.append(", ").append(columnName(cols.get(c).name(), backend));
      }
      int at = t.get(h.listClose()).start();
      edits.add(new Edit(at, at, h.columns().isEmpty() ? names.substring(2) : names.toString()));
    }
    edits.sort(Comparator.comparingInt(Edit::start));
    StringBuilder out = new StringBuilder(sql.length() + 64 * edits.size());
    int at = 0;
    for (Edit e : edits) {
      out.append(sql, at, e.start()).append(e.text());
      at = e.end();
    }
    return out.append(sql, at, sql.length()).toString();
  }

  private static boolean startsLikeInsert(String sql) {
    String w = Lexer.firstKeywords(sql, 1);
    return w.equals("INSERT") || w.equals("MERGE");
  }

  private static int indexOf(List<TableSchema.Column> cols, String upperName) {
    for (int c = 0; c < cols.size(); c++) {
      if (cols.get(c).name().toUpperCase(Locale.ROOT).equals(upperName)) {
        return c;
      }
    }
    return -1;
  }

  /** The comma-separated items of a parenthesised row, as token ranges. */
  private static List<int[]> items(SqlTokens t, int open, int close) {
    List<int[]> out = new ArrayList<>();
    int start = open + 1;
    int depth = t.get(open).depth() + 1;
    for (int k = open + 1; k <= close; k++) {
      if (k == close || t.punct(k, ',') && t.get(k).depth() == depth) {
        if (k > start) {
          out.add(new int[] {start, k});
        }
        start = k + 1;
      }
    }
    return out;
  }

  private static void check(Kind kind, int rows, boolean query, TableSchema.Column c, TableSchema table)
      throws SQLException {
    if (query && (kind == Kind.RANDOM || kind == Kind.CLOCK_PER_ROW)) {
      throw refuse(table, c, "INSERT … SELECT");
    }
    if (rows > 1 && kind == Kind.CLOCK_PER_ROW) {
      throw refuse(table, c, "a multi-row INSERT … VALUES");
    }
  }

  private static SQLException refuse(TableSchema table, TableSchema.Column c, String where) {
    return new SQLException("Ordo refuses this statement: the column " + table.name() + "." + c.name()
        + " is left to its DEFAULT " + c.defaultExpression() + ", which would give each row its own value, differently"
        + " on each replica, in " + where + "; supply " + c.name() + " explicitly.", "0A000");
  }

  /** The column's default with its random calls replaced by literals drawn from the seed, in parentheses. */
  static String value(TableSchema.Column c, String seed, int row, int column) {
    String d = c.defaultExpression();
    SqlTokens t = SqlTokens.of(d);
    StringBuilder out = new StringBuilder("(");
    int at = 0;
    int call = 0;
    for (int i = 0; i < t.size(); i++) {
      Token tok = t.get(i);
      if (tok.type() == Type.WORD && t.punct(i + 1, '(') && t.punct(i + 2, ')') && !t.punct(i - 1, '.')
          && (RANDOM_DOUBLES.contains(tok.text()) || RANDOM_UUIDS.contains(tok.text()))) {
        byte[] bits = bits(seed + "/" + row + "/" + column + "/" + call++);
        out.append(d, at, tok.start());
        out.append(RANDOM_DOUBLES.contains(tok.text()) ? doubleLiteral(bits) : uuidLiteral(bits));
        at = t.get(i + 2).end();
      }
    }
    return out.append(d, at, d.length()).append(')').toString();
  }

  static byte[] bits(String seed) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A double in [0, 1) from 53 bits. */
  static String doubleLiteral(byte[] bits) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (bits[i] & 0xff);
    }
    double d = (v >>> 11) * 0x1.0p-53;
    return "CAST(" + d + " AS DOUBLE PRECISION)";
  }

  /** A version-4 UUID from 122 bits. */
  static String uuidLiteral(byte[] bits) {
    byte[] b = java.util.Arrays.copyOf(bits, 16);
    b[6] = (byte) ((b[6] & 0x0f) | 0x40);
    b[8] = (byte) ((b[8] & 0x3f) | 0x80);
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        hex.append('-');
      }
      hex.append(String.format(Locale.ROOT, "%02x", b[i]));
    }
    return "CAST('" + hex + "' AS UUID)";
  }

  /** A column name, quoted: the engine reads it back as the stored name, whatever its case or spelling. */
  static String columnName(String stored, Backend backend) {
    return "\"" + stored.replace("\"", "\"\"") + "\"";
  }
}
