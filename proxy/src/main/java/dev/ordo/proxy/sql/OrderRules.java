package dev.ordo.proxy.sql;

import dev.ordo.proxy.sql.SqlTokens.Token;
import dev.ordo.proxy.sql.SqlTokens.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes whose effect depends on the order in which a replica's plan meets rows
 * are refused ({@code 0A000}): every replica must change the same rows the same
 * way. Reads are never refused for this (one replica serves a read).
 *
 * <p>Two halves. {@link #refusal(String)} needs no schema and runs at the
 * origin, in the analyzer: {@code LIMIT}/{@code OFFSET}/{@code FETCH} or
 * {@code DISTINCT ON} with no {@code ORDER BY} at all, H2's
 * {@code UPDATE/DELETE … LIMIT}, order-sensitive aggregates and window
 * functions without {@code ORDER BY}, system columns. {@link #refusal(String,
 * TableSchema.Lookup)} needs the catalog and runs at each replica before the
 * statement executes, where every replica has the same catalog at the same log
 * position, so all refuse alike: an {@code ORDER BY} that is not total (its keys
 * do not include a unique NOT NULL key of every table the rows come from),
 * {@code INSERT … SELECT} that leaves identity values to plan order, and
 * {@code UPDATE … FROM} where a target row may match several source rows.
 */
public final class OrderRules {
  private OrderRules() {}

  private static final Set<String> DML = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "REPLACE");
  private static final Set<String> ORDERED_AGGREGATES = Set.of("STRING_AGG", "ARRAY_AGG", "LISTAGG",
      "GROUP_CONCAT", "JSON_AGG", "JSONB_AGG", "XMLAGG", "JSON_ARRAYAGG");
  /** Window functions whose value depends on the order of peers (rank() and dense_rank() do not). */
  private static final Set<String> ORDERED_WINDOW_FUNCTIONS = Set.of("ROW_NUMBER", "FIRST_VALUE", "LAST_VALUE",
      "NTH_VALUE", "LAG", "LEAD", "NTILE");
  private static final Set<String> SYSTEM_COLUMNS = Set.of("CTID", "XMIN", "XMAX", "CMIN", "CMAX", "TABLEOID",
      "_ROWID_");
  /** Words that end a {@code FROM} list or an {@code ORDER BY} list. */
  private static final Set<String> CLAUSE_WORDS = Set.of("WHERE", "GROUP", "HAVING", "WINDOW", "ORDER", "LIMIT",
      "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "MINUS", "FOR", "RETURNING", "ON", "USING", "SET",
      "ROWS", "RANGE", "GROUPS", "QUALIFY", "DO", "WHEN", "VALUES", "SELECT", "NATURAL", "JOIN", "INNER", "LEFT",
      "RIGHT", "FULL", "CROSS", "OUTER", "LATERAL", "TABLESAMPLE");
  private static final Set<String> SET_OPERATIONS = Set.of("UNION", "INTERSECT", "EXCEPT", "MINUS");

  static final String ORDER_FIX = "add an ORDER BY whose keys include a primary key (or all columns of a unique key"
      + " on NOT NULL columns) of the table the rows come from";

  /** Why the write {@code sql} is refused without looking at the schema, or null. */
  public static String refusal(String sql) {
    SqlTokens t = SqlTokens.of(sql);
    String what = writeKind(t);
    if (what == null) {
      return null;
    }
    int n = t.size();
    for (int i = 0; i < n; i++) {
      Token tok = t.get(i);
      if (tok.type() == Type.WORD && SYSTEM_COLUMNS.contains(tok.text()) && !t.punct(i + 1, '(')) {
        return "the system column " + tok.text().toLowerCase(Locale.ROOT) + " in a write (" + what + ") is"
            + " the row's physical address or version on one replica and differs between replicas; identify rows by"
            + " their primary key";
      }
      if (tok.depth() == 0 && (t.get(0).is("UPDATE") || t.get(0).is("DELETE")) && isRowLimit(t, i)) {
        return t.get(0).text() + " … " + tok.text() + " changes whichever rows the replica's plan meets first,"
            + " which differs between replicas; write WHERE pk IN (SELECT pk FROM t WHERE … ORDER BY pk LIMIT n)"
            + " instead, with pk the table's primary key";
      }
      if (isRowLimit(t, i) && orderFor(t, i) < 0 && !underExists(t, tok)) {
        return tok.text() + " without ORDER BY in a write (" + what + ") picks rows in plan order, which differs"
            + " between replicas; " + ORDER_FIX;
      }
      if (tok.is("DISTINCT") && t.is(i + 1, "ON") && t.punct(i + 2, '(') && orderByAfter(t, i) < 0) {
        return "DISTINCT ON without ORDER BY in a write (" + what + ") keeps whichever row of each group the"
            + " plan meets first, which differs between replicas; " + ORDER_FIX;
      }
      if (tok.type() == Type.WORD && ORDERED_AGGREGATES.contains(tok.text()) && t.punct(i + 1, '(')
          && !t.is(i - 1, "AS") && !aggregateOrdered(t, i + 1)) {
        return tok.text().toLowerCase(Locale.ROOT) + "() without ORDER BY in a write (" + what + ") concatenates"
            + " in plan order, which differs between replicas; write " + tok.text().toLowerCase(Locale.ROOT)
            + "(… ORDER BY key) (LISTAGG: WITHIN GROUP (ORDER BY key)) with a key that orders the rows totally";
      }
      if (tok.type() == Type.WORD && ORDERED_WINDOW_FUNCTIONS.contains(tok.text()) && t.punct(i + 1, '(')) {
        int over = t.close(i + 1) + 1;
        while (over < n && !t.is(over, "OVER") && t.get(over).type() == Type.WORD
            && Set.of("IGNORE", "RESPECT", "NULLS", "FROM", "FIRST", "LAST").contains(t.get(over).text())) {
          over++;
        }
        if (t.is(over, "OVER") && windowOrderBy(t, over) < 0) {
          return tok.text().toLowerCase(Locale.ROOT) + "() OVER (…) without ORDER BY in a write (" + what
              + ") numbers or picks rows in plan order, which differs between replicas; " + ORDER_FIX.replace(
                  "add an ORDER BY", "add to the window an ORDER BY");
        }
      }
    }
    return null;
  }

  /**
   * Why the write {@code sql} is refused given the replica's catalog, or null.
   * Only what {@link #refusal(String)} lets through is looked at.
   */
  public static String refusal(String sql, TableSchema.Lookup schema) {
    SqlTokens t = SqlTokens.of(sql);
    String what = writeKind(t);
    if (what == null) {
      return null;
    }
    int n = t.size();
    for (int i = 0; i < n; i++) {
      Token tok = t.get(i);
      if (tok.is("OID") && !t.punct(i + 1, '(') && !t.is(i - 1, "AS") && !hasUserColumn(t, "OID", schema)) {
        return "the system column oid in a write (" + what + ") is assigned by each replica's server and differs"
            + " between replicas; identify rows by their primary key";
      }
      if (isRowLimit(t, i) && !underExists(t, tok)) {
        int order = orderFor(t, i);
        if (order >= 0 && !total(t, order, schema, List.of())) {
          return tok.text() + " in a write (" + what + ") after an ORDER BY that does not order the rows totally"
              + " (ties are broken in plan order, which differs between replicas); " + ORDER_FIX;
        }
      }
      if (tok.is("DISTINCT") && t.is(i + 1, "ON") && t.punct(i + 2, '(')) {
        int order = orderByAfter(t, i);
        if (order >= 0 && !total(t, order, schema, List.of())) {
          return "DISTINCT ON in a write (" + what + ") with an ORDER BY that does not order the rows totally"
              + " keeps a row per group in plan order, which differs between replicas; " + ORDER_FIX;
        }
      }
      if (tok.type() == Type.WORD && ORDERED_WINDOW_FUNCTIONS.contains(tok.text()) && t.punct(i + 1, '(')) {
        int over = t.close(i + 1) + 1;
        while (over < n && !t.is(over, "OVER") && t.get(over).type() == Type.WORD) {
          over++;
        }
        int order = t.is(over, "OVER") ? windowOrderBy(t, over) : -1;
        if (order >= 0 && !windowTotal(t, over, order, schema)) {
          return tok.text().toLowerCase(Locale.ROOT) + "() OVER (…) in a write (" + what + ") with a window"
              + " ORDER BY that does not order the rows of a partition totally numbers or picks peers in plan order,"
              + " which differs between replicas; " + ORDER_FIX.replace("add an ORDER BY", "give the window an"
                  + " ORDER BY (with its PARTITION BY)");
        }
      }
    }
    if (t.get(0).is("INSERT")) {
      String r = insertSelectIdentity(t, schema);
      if (r != null) {
        return r;
      }
    }
    if (t.get(0).is("UPDATE")) {
      return updateFrom(t, schema);
    }
    return null;
  }

  /** What kind of write the statement is ("INSERT", "CREATE TABLE … AS", …), or null if it writes no rows. */
  static String writeKind(SqlTokens t) {
    if (t.size() == 0) {
      return null;
    }
    int first = 0;
    while (first < t.size() && t.punct(first, '(')) {
      first++;
    }
    if (first >= t.size()) {
      return null;
    }
    Token w = t.get(first);
    if (w.type() != Type.WORD) {
      return null;
    }
    if (DML.contains(w.text())) {
      return w.text();
    }
    if (w.is("WITH")) {
      for (int i = 0; i < t.size(); i++) {
        Token tok = t.get(i);
        if (tok.type() == Type.WORD && DML.contains(tok.text()) && !t.punct(i + 1, '(') && !t.punct(i - 1, '.')
            && !t.is(i - 1, "FOR") && !t.is(i - 1, "KEY")) { // not a function, not FOR [NO KEY] UPDATE
          return "WITH … " + tok.text();
        }
      }
      return null;
    }
    if (w.is("CREATE")) {
      boolean table = false;
      boolean materialized = false;
      for (int i = first + 1; i < t.size(); i++) {
        Token tok = t.get(i);
        if (tok.depth() != 0) {
          continue;
        }
        if (tok.is("TABLE")) {
          table = true;
        } else if (tok.is("MATERIALIZED")) {
          materialized = true;
        } else if (tok.is("AS") && (table || materialized)) {
          return materialized ? "CREATE MATERIALIZED VIEW … AS" : "CREATE TABLE … AS";
        } else if (tok.is("VIEW") && !materialized || tok.is("FUNCTION") || tok.is("PROCEDURE")
            || tok.is("TRIGGER") || tok.is("INDEX")) {
          return null;
        }
      }
    }
    return null;
  }

  /** Whether token {@code i} limits the rows of a query: {@code LIMIT}, {@code OFFSET}, {@code FETCH}, {@code TOP}. */
  private static boolean isRowLimit(SqlTokens t, int i) {
    Token tok = t.get(i);
    if (tok.type() != Type.WORD || t.is(i - 1, "AS") || t.punct(i - 1, '.') || t.punct(i + 1, '.')
        || t.punct(i + 1, ',') || t.punct(i + 1, '=')) {
      return false;
    }
    return switch (tok.text()) {
      case "LIMIT" -> i + 1 < t.size() && !t.is(i + 1, "ALL") && !t.punct(i + 1, ')');
      case "OFFSET" -> i + 1 < t.size() && !t.punct(i + 1, ')');
      case "FETCH" -> t.is(i + 1, "FIRST") || t.is(i + 1, "NEXT");
      case "TOP" -> t.is(i - 1, "SELECT") || t.is(i - 1, "DISTINCT");
      default -> false;
    };
  }

  /** Whether the group of {@code tok} is the sub-query of {@code EXISTS}: its rows' order does not matter. */
  private static boolean underExists(SqlTokens t, Token tok) {
    return tok.group() > 0 && t.is(tok.group() - 1, "EXISTS");
  }

  /** The {@code ORDER} of the ORDER BY that orders the rows a row limit at {@code i} keeps, or -1. */
  private static int orderFor(SqlTokens t, int i) {
    return t.get(i).is("TOP") ? orderByAfter(t, i) : orderBy(t, i);
  }

  /** The {@code ORDER} of the {@code ORDER BY} in the same parentheses as token {@code i} and before it, or -1. */
  private static int orderBy(SqlTokens t, int i) {
    Token at = t.get(i);
    for (int j = i - 1; j >= 0; j--) {
      Token tok = t.get(j);
      if (tok.group() == at.group() && tok.depth() == at.depth()) {
        if (tok.is("ORDER") && t.is(j + 1, "BY")) {
          return j;
        }
        if (tok.type() == Type.WORD && SET_OPERATIONS.contains(tok.text())) {
          return -1;
        }
      }
      if (tok.depth() < at.depth()) {
        return -1;
      }
    }
    return -1;
  }

  /** The {@code ORDER} of the {@code ORDER BY} in the same parentheses as token {@code i} and after it, or -1. */
  private static int orderByAfter(SqlTokens t, int i) {
    Token at = t.get(i);
    for (int j = i + 1; j < t.size(); j++) {
      Token tok = t.get(j);
      if (tok.depth() < at.depth()) {
        return -1;
      }
      if (tok.group() == at.group() && tok.depth() == at.depth()) {
        if (tok.is("ORDER") && t.is(j + 1, "BY")) {
          return j;
        }
        if (tok.type() == Type.WORD && SET_OPERATIONS.contains(tok.text())) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Whether the aggregate whose {@code (} is at {@code open} has an ORDER BY inside or WITHIN GROUP after. */
  private static boolean aggregateOrdered(SqlTokens t, int open) {
    int close = t.close(open);
    for (int j = open + 1; j < close; j++) {
      if (t.get(j).depth() == t.get(open).depth() + 1 && t.is(j, "ORDER") && t.is(j + 1, "BY")) {
        return true;
      }
    }
    return t.is(close + 1, "WITHIN") && t.is(close + 2, "GROUP");
  }

  /** The {@code ORDER} of the window ORDER BY of {@code OVER} at {@code over}, or -1. */
  private static int windowOrderBy(SqlTokens t, int over) {
    int open = over + 1;
    if (!t.punct(open, '(')) {
      // OVER w: the named window's definition, WINDOW w AS (…)
      if (over + 1 >= t.size()) {
        return -1;
      }
      String name = t.get(over + 1).text();
      open = -1;
      for (int j = 0; j + 2 < t.size(); j++) {
        if (t.get(j).isName() && t.get(j).text().equals(name) && t.is(j + 1, "AS") && t.punct(j + 2, '(')) {
          open = j + 2;
        }
      }
      if (open < 0) {
        return -1;
      }
    }
    int close = t.close(open);
    for (int j = open + 1; j < close; j++) {
      if (t.get(j).depth() == t.get(open).depth() + 1 && t.is(j, "ORDER") && t.is(j + 1, "BY")) {
        return j;
      }
    }
    return -1;
  }

  /** A column reference: an optional qualifier (alias or table) and a column, upper-cased. */
  record Ref(String qualifier, String column) {}

  /** A table in a FROM list and the name rows of it are qualified by. */
  record Source(String table, String alias, TableSchema schema) {}

  /**
   * The column references among the comma-separated items starting after {@code BY} at {@code by}; items that are
   * not plain column references are left out. Stops at the end of the list.
   */
  private static List<Ref> keys(SqlTokens t, int by) {
    List<Ref> out = new ArrayList<>();
    Token at = t.get(by);
    int j = by + 1;
    while (j < t.size()) {
      int start = j;
      while (j < t.size() && !(t.get(j).depth() < at.depth())
          && !(t.get(j).depth() == at.depth() && t.get(j).group() == at.group()
              && (t.punct(j, ',') || t.get(j).type() == Type.WORD && CLAUSE_WORDS.contains(t.get(j).text())))) {
        j++;
      }
      Ref r = ref(t, start, j);
      if (r != null) {
        out.add(r);
      }
      if (j < t.size() && t.punct(j, ',') && t.get(j).depth() == at.depth()) {
        j++;
      } else {
        break;
      }
    }
    return out;
  }

  /** Tokens {@code [from, to)} as a column reference with an optional sort direction, or null. */
  private static Ref ref(SqlTokens t, int from, int to) {
    int end = to;
    while (end > from && t.get(end - 1).type() == Type.WORD
        && Set.of("ASC", "DESC", "FIRST", "LAST", "NULLS").contains(t.get(end - 1).text())) {
      end--;
    }
    List<String> names = new ArrayList<>();
    for (int j = from; j < end; j++) {
      if ((j - from) % 2 == 0) {
        if (!t.get(j).isName()) {
          return null;
        }
        names.add(t.get(j).text().toUpperCase(Locale.ROOT));
      } else if (!t.punct(j, '.')) {
        return null;
      }
    }
    if (names.isEmpty() || (end - from) % 2 == 0) {
      return null;
    }
    String column = names.get(names.size() - 1);
    return new Ref(names.size() > 1 ? names.get(names.size() - 2) : null, column);
  }

  /**
   * The tables of the FROM list starting after {@code from}, or null when one of them is not a base table of the
   * catalog (a sub-query, a function, a CTE): the rule cannot see its keys.
   */
  private static List<Source> sources(SqlTokens t, int from, TableSchema.Lookup schema) {
    List<Source> out = new ArrayList<>();
    Token at = t.get(from);
    int j = from + 1;
    boolean expectTable = true;
    while (j < t.size()) {
      Token tok = t.get(j);
      if (tok.depth() < at.depth()) {
        break;
      }
      if (tok.depth() > at.depth() || tok.group() != at.group()) {
        j++;
        continue;
      }
      if (expectTable) {
        if (tok.is("ONLY")) {
          j++;
          continue;
        }
        if (!tok.isName() || tok.is("LATERAL")) {
          return null; // a sub-query or something else without known keys
        }
        int k = j;
        StringBuilder name = new StringBuilder(t.get(k).text().toUpperCase(Locale.ROOT));
        while (t.punct(k + 1, '.') && k + 2 < t.size() && t.get(k + 2).isName()) {
          name.append('.').append(t.get(k + 2).text().toUpperCase(Locale.ROOT));
          k += 2;
        }
        if (t.punct(k + 1, '(')) {
          return null; // a table function
        }
        k++;
        String alias = null;
        if (t.is(k, "AS")) {
          k++;
        }
        if (k < t.size() && t.get(k).isName() && !(t.get(k).type() == Type.WORD
            && CLAUSE_WORDS.contains(t.get(k).text()))) {
          alias = t.get(k).text().toUpperCase(Locale.ROOT);
          k++;
        }
        TableSchema s = schema.table(name.toString());
        if (s == null) {
          return null;
        }
        String n = name.toString();
        out.add(new Source(n, alias != null ? alias : n.substring(n.lastIndexOf('.') + 1), s));
        expectTable = false;
        j = k;
        continue;
      }
      if (tok.punct(',') || tok.is("JOIN")) {
        expectTable = true;
      } else if (tok.type() == Type.WORD && !Set.of("ON", "USING", "NATURAL", "INNER", "LEFT", "RIGHT", "FULL",
          "CROSS", "OUTER", "AND", "OR", "NOT").contains(tok.text()) && CLAUSE_WORDS.contains(tok.text())) {
        break;
      }
      j++;
    }
    return out.isEmpty() ? null : out;
  }

  /** The FROM at the depth and in the parentheses of token {@code i}, searching backwards (before any set operation). */
  private static int fromBefore(SqlTokens t, int i) {
    Token at = t.get(i);
    for (int j = i - 1; j >= 0; j--) {
      Token tok = t.get(j);
      if (tok.depth() < at.depth()) {
        return -1;
      }
      if (tok.depth() == at.depth() && tok.group() == at.group()) {
        if (tok.is("FROM") && !t.is(j - 1, "DISTINCT")) {
          return j;
        }
        if (tok.type() == Type.WORD && (SET_OPERATIONS.contains(tok.text()))) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The FROM at the depth and in the parentheses of token {@code i}, searching forwards. */
  private static int fromAfter(SqlTokens t, int i) {
    Token at = t.get(i);
    for (int j = i + 1; j < t.size(); j++) {
      Token tok = t.get(j);
      if (tok.depth() < at.depth()) {
        return -1;
      }
      if (tok.depth() == at.depth() && tok.group() == at.group()) {
        if (tok.is("FROM") && !t.is(j - 1, "DISTINCT")) {
          return j;
        }
        if (tok.type() == Type.WORD && SET_OPERATIONS.contains(tok.text())) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** Whether the ORDER BY at {@code order} (plus {@code extra} keys) orders the rows of its query totally. */
  private static boolean total(SqlTokens t, int order, TableSchema.Lookup schema, List<Ref> extra) {
    int from = fromBefore(t, order);
    if (from < 0) {
      return false;
    }
    List<Source> sources = sources(t, from, schema);
    if (sources == null) {
      return false;
    }
    List<Ref> refs = new ArrayList<>(extra);
    refs.addAll(keys(t, order + 1));
    return coversKeys(sources, refs);
  }

  private static boolean windowTotal(SqlTokens t, int over, int order, TableSchema.Lookup schema) {
    int from = fromAfter(t, over);
    if (from < 0) {
      return false;
    }
    List<Source> sources = sources(t, from, schema);
    if (sources == null) {
      return false;
    }
    List<Ref> refs = new ArrayList<>(keys(t, order + 1));
    Token o = t.get(order);
    for (int j = order - 1; j >= 0 && t.get(j).depth() >= o.depth(); j--) {
      if (t.get(j).depth() == o.depth() && t.is(j, "PARTITION") && t.is(j + 1, "BY")) {
        refs.addAll(keys(t, j + 1));
        break;
      }
    }
    return coversKeys(sources, refs);
  }

  /** Whether, for every source, the references include every column of one of its unique NOT NULL keys. */
  private static boolean coversKeys(List<Source> sources, List<Ref> refs) {
    Map<Source, Set<String>> columns = new LinkedHashMap<>();
    for (Source s : sources) {
      columns.put(s, new HashSet<>());
    }
    for (Ref r : refs) {
      Source s = resolve(sources, r);
      if (s != null) {
        columns.get(s).add(r.column());
      }
    }
    for (Source s : sources) {
      if (!hasKey(s.schema(), columns.get(s))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasKey(TableSchema s, Set<String> columns) {
    for (Set<String> key : s.uniqueKeys()) {
      if (columns.containsAll(key)) {
        return true;
      }
    }
    return false;
  }

  /** The source a reference is to: by qualifier, or the only source with such a column. */
  private static Source resolve(List<Source> sources, Ref r) {
    Source found = null;
    for (Source s : sources) {
      boolean named = r.qualifier() == null || r.qualifier().equals(s.alias())
          || r.qualifier().equals(s.table().substring(s.table().lastIndexOf('.') + 1));
      if (named && s.schema().column(r.column()) != null) {
        if (found != null) {
          return null;
        }
        found = s;
      }
    }
    return found;
  }

  private static boolean hasUserColumn(SqlTokens t, String column, TableSchema.Lookup schema) {
    for (int i = 0; i < t.size(); i++) {
      if (t.get(i).isName() && !t.punct(i + 1, '(')) {
        StringBuilder name = new StringBuilder(t.get(i).text().toUpperCase(Locale.ROOT));
        if (t.punct(i + 1, '.') && i + 2 < t.size() && t.get(i + 2).isName()) {
          name.append('.').append(t.get(i + 2).text().toUpperCase(Locale.ROOT));
        }
        for (String n : List.of(name.toString(), t.get(i).text().toUpperCase(Locale.ROOT))) {
          TableSchema s = schema.table(n);
          if (s != null && s.column(column) != null) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The parts of an INSERT's head: target name, the token after the column list (or target), the listed columns. */
  record InsertHead(String table, int nameToken, int listOpen, int listClose, List<String> columns, int afterHead) {}

  /** {@code INSERT INTO name [AS alias] [(columns)]} (also H2 {@code MERGE INTO}), or null. */
  static InsertHead insertHead(SqlTokens t) {
    int j = 0;
    if (!(t.is(0, "INSERT") || t.is(0, "MERGE")) || !t.is(1, "INTO")) {
      return null;
    }
    j = 2;
    if (j >= t.size() || !t.get(j).isName()) {
      return null;
    }
    int nameToken = j;
    StringBuilder name = new StringBuilder(t.get(j).text().toUpperCase(Locale.ROOT));
    while (t.punct(j + 1, '.') && j + 2 < t.size() && t.get(j + 2).isName()) {
      name.append('.').append(t.get(j + 2).text().toUpperCase(Locale.ROOT));
      j += 2;
    }
    j++;
    if (t.is(j, "AS")) {
      j += 2;
    } else if (j < t.size() && t.get(j).type() == Type.WORD && !Set.of("VALUES", "SELECT", "WITH", "DEFAULT",
        "KEY", "OVERRIDING", "TABLE", "USING").contains(t.get(j).text())) {
      j++; // an alias
    }
    int open = -1;
    int close = -1;
    List<String> columns = null;
    if (t.punct(j, '(') && j + 1 < t.size() && !t.is(j + 1, "SELECT") && !t.is(j + 1, "WITH")
        && !t.is(j + 1, "VALUES") && !t.punct(j + 1, '(')) {
      open = j;
      close = t.close(j);
      columns = new ArrayList<>();
      for (int k = open + 1; k < close; k++) {
        if (t.get(k).isName() && t.get(k).depth() == t.get(open).depth() + 1) {
          columns.add(t.get(k).text().toUpperCase(Locale.ROOT));
        }
      }
      j = close + 1;
    }
    return new InsertHead(name.toString(), nameToken, open, close, columns, j);
  }

  /** INSERT … SELECT into a table with a generated column it does not supply, without a total order. */
  private static String insertSelectIdentity(SqlTokens t, TableSchema.Lookup schema) {
    InsertHead h = insertHead(t);
    if (h == null || h.columns() == null) {
      return null; // no column list: the query supplies every column
    }
    TableSchema s = schema.table(h.table());
    if (s == null) {
      return null;
    }
    TableSchema.Column generated = null;
    for (TableSchema.Column c : s.columns()) {
      if (c.generated() && !h.columns().contains(c.name().toUpperCase(Locale.ROOT))) {
        generated = c;
        break;
      }
    }
    if (generated == null) {
      return null;
    }
    int j = h.afterHead();
    while (j < t.size() && t.is(j, "OVERRIDING") || t.is(j, "SYSTEM") || t.is(j, "USER") || t.is(j, "VALUE")) {
      j++;
    }
    if (j >= t.size() || t.is(j, "VALUES") || t.is(j, "DEFAULT")) {
      return null; // rows in the order written
    }
    while (t.punct(j, '(')) {
      j++;
    }
    if (!t.is(j, "SELECT") && !t.is(j, "WITH") && !t.is(j, "TABLE")) {
      return null;
    }
    Token at = t.get(j);
    int select = j;
    if (t.is(j, "WITH")) {
      select = -1;
      for (int k = j + 1; k < t.size(); k++) {
        if (t.get(k).depth() == at.depth() && t.get(k).group() == at.group() && t.is(k, "SELECT")) {
          select = k;
          break;
        }
      }
      if (select < 0) {
        return null;
      }
    }
    int from = t.is(select, "TABLE") ? select : fromAfter(t, select);
    boolean setOperation = false;
    int order = -1;
    for (int k = select + 1; k < t.size(); k++) {
      Token tok = t.get(k);
      if (tok.depth() == at.depth() && tok.group() == at.group()) {
        if (tok.type() == Type.WORD && SET_OPERATIONS.contains(tok.text())) {
          setOperation = true;
        }
        if (tok.is("ORDER") && t.is(k + 1, "BY")) {
          order = k;
        }
        if (tok.is("ON") || tok.is("RETURNING")) {
          break;
        }
      }
    }
    if (from < 0 && !setOperation) {
      return null; // SELECT without FROM: one row
    }
    if (order >= 0 && !setOperation && total(t, order, schema, List.of())) {
      return null;
    }
    return "INSERT … SELECT into " + s.name() + " leaves its generated column " + generated.name()
        + (generated.identity() ? " (identity)" : " (DEFAULT " + generated.defaultExpression() + ")")
        + " to number the rows in plan order, which differs between replicas; " + ORDER_FIX + ", or supply "
        + generated.name();
  }

  /** UPDATE … FROM where a target row may match several rows of a FROM table. */
  private static String updateFrom(SqlTokens t, TableSchema.Lookup schema) {
    int j = 1;
    if (t.is(j, "ONLY")) {
      j++;
    }
    if (j >= t.size() || !t.get(j).isName()) {
      return null;
    }
    String target = t.get(j).text().toUpperCase(Locale.ROOT);
    while (t.punct(j + 1, '.') && j + 2 < t.size()) {
      j += 2;
      target = t.get(j).text().toUpperCase(Locale.ROOT);
    }
    int set = -1;
    for (int k = j; k < t.size(); k++) {
      if (t.get(k).depth() == 0 && t.is(k, "SET")) {
        set = k;
        break;
      }
    }
    int from = -1;
    for (int k = set + 1; set >= 0 && k < t.size(); k++) {
      if (t.get(k).depth() == 0 && t.is(k, "FROM")) {
        from = k;
        break;
      }
    }
    if (from < 0) {
      return null;
    }
    String fix = "UPDATE … FROM where a row of the target may match several rows of a FROM table updates it with"
        + " whichever match the replica's plan meets last, which differs between replicas; equate all columns of a"
        + " primary or unique NOT NULL key of each FROM table with values of the target row (or constants), or set"
        + " the column from a sub-query that picks one row deterministically";
    List<Source> sources = sources(t, from, schema);
    if (sources == null) {
      return fix;
    }
    // Conjuncts of WHERE and of every JOIN … ON, at depth 0.
    List<int[]> conjuncts = new ArrayList<>();
    int start = -1;
    for (int k = from + 1; k <= t.size(); k++) {
      boolean end = k == t.size() || t.get(k).depth() == 0 && (t.is(k, "RETURNING") || t.is(k, "JOIN")
          || t.punct(k, ',') && start >= 0 || t.is(k, "AND") && start >= 0 || t.is(k, "WHERE") || t.is(k, "ON"));
      if (end) {
        if (start >= 0) {
          conjuncts.add(new int[] {start, k});
          start = -1;
        }
        if (k < t.size() && (t.is(k, "WHERE") || t.is(k, "ON") || t.is(k, "AND"))) {
          start = k + 1;
        }
      }
    }
    Set<Source> pinned = new HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Source s : sources) {
        if (pinned.contains(s)) {
          continue;
        }
        Set<String> equated = new HashSet<>();
        for (int[] c : conjuncts) {
          int eq = -1;
          for (int k = c[0]; k < c[1]; k++) {
            if (t.get(k).depth() == 0 && t.punct(k, '=') && !t.punct(k - 1, '<') && !t.punct(k - 1, '>')
                && !t.punct(k - 1, '!') && !t.punct(k + 1, '>')) {
              eq = k;
              break;
            }
          }
          if (eq < 0) {
            continue;
          }
          for (int[] side : List.of(new int[] {c[0], eq, eq + 1, c[1]}, new int[] {eq + 1, c[1], c[0], eq})) {
            Ref r = ref(t, side[0], side[1]);
            if (r == null || resolve(sources, r) != s) {
              continue;
            }
            if (onlyTargetOrPinned(t, side[2], side[3], sources, pinned, s)) {
              equated.add(r.column());
            }
          }
        }
        if (hasKey(s.schema(), equated)) {
          pinned.add(s);
          grew = true;
        }
      }
    }
    return pinned.size() == sources.size() ? null : fix;
  }

  /** Whether tokens {@code [from, to)} refer to no FROM table other than those already pinned. */
  private static boolean onlyTargetOrPinned(SqlTokens t, int from, int to, List<Source> sources, Set<Source> pinned,
      Source self) {
    if (from >= to) {
      return false;
    }
    for (int k = from; k < to; k++) {
      Token tok = t.get(k);
      if (tok.depth() > 0 || tok.type() == Type.WORD && (tok.is("SELECT") || tok.is("FROM"))) {
        return false; // a sub-query: not judged
      }
      if (!tok.isName() || t.punct(k + 1, '(') || t.punct(k - 1, '.')) {
        continue;
      }
      Ref r = t.punct(k + 1, '.') && k + 2 < to ? new Ref(tok.text().toUpperCase(Locale.ROOT),
          t.get(k + 2).text().toUpperCase(Locale.ROOT)) : new Ref(null, tok.text().toUpperCase(Locale.ROOT));
      Source s = resolve(sources, r);
      if (s == self || s != null && !pinned.contains(s)) {
        return false;
      }
    }
    return true;
  }
}
