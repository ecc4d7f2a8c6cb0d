package dev.ordo.proxy.sql;

import dev.ordo.proxy.sql.parser.ExtendedDelete;
import dev.ordo.proxy.sql.parser.ExtendedInsert;
import dev.ordo.proxy.sql.parser.ExtendedUpdate;
import dev.ordo.proxy.sql.parser.LockingQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Finds the keys a statement pins, so that it can lock those keys instead of its
 * whole table. Pure code, no I/O: the same statement, parameters and catalog give
 * the same keys on every replica, in the same canonical text.
 *
 * <p>Only single-table statements without sub-queries qualify:
 * <ul>
 *   <li>{@code SELECT} (with {@code FOR UPDATE}/{@code FOR SHARE}, without a wait policy), {@code UPDATE} and
 *       {@code DELETE} whose {@code WHERE} is a conjunction that pins every column of the table's row key
 *       ({@link TableKeys#rowKey()}) by {@code column = value} or {@code column IN (values)}, each value a literal
 *       or a bound parameter: they lock the rows' keys;</li>
 *   <li>{@code INSERT … VALUES} whose rows give every column of every unique key of the table as a literal or a
 *       parameter: it locks each row's value of each unique key (its row key among them), so that two inserts of
 *       the same value are ordered; a table without unique keys gets no key, only the intention lock.</li>
 * </ul>
 * Everything else — and any doubt: an {@code UPDATE} that sets a column of a unique key (it would free the old
 * value, which only the data knows), a {@code DELETE} from a table with unique keys besides its row key (the same),
 * any write of a table with uniqueness Ordo cannot see ({@link TableKeys#opaque()}), {@code DEFAULT} in an
 * {@code UPDATE}, {@code ON CONFLICT}, {@code MERGE}, a value that does not convert exactly to the column's type
 * ({@link TableKeys#types()}) — gives no plan: the statement locks whole tables as before.
 *
 * <p>Values are put in the form the backend compares them in: integers as decimal numbers (parameter {@code 5}
 * and literal {@code '5'} are the same key), text as is (text ending in white space is refused: PostgreSQL trims
 * it to fit a {@code VARCHAR(n)}), UUIDs in lower case; SQL NULL as its own value.
 */
public final class KeyLocks {
  private static final int CACHE_LIMIT = 10_000;
  /** More keys than this in one statement: lock the table (a lock per key would cost more than it saves). */
  static final int MAX_KEYS = 1_000;
  /** The canonical text of SQL NULL in a key. */
  private static final String NULL_KEY = "n;";

  /** What kind of statement a plan is for. */
  public enum Kind { SELECT, UPDATE, DELETE, INSERT }

  /**
   * The key-level locks of one statement.
   *
   * @param table the table, upper-cased as written (possibly schema-qualified)
   * @param kind what the statement does
   * @param write whether the keys are locked exclusively (writes, {@code FOR UPDATE}) or shared (reads)
   * @param keys the keys' canonical texts (for {@link dev.ordo.proxy.replica.LockManager#key}); may be empty for an
   *     insert into a table without unique keys
   * @param columnsSet the columns (upper-cased) an {@code UPDATE} sets; empty for other statements
   */
  public record Plan(String table, Kind kind, boolean write, Set<String> keys, Set<String> columnsSet) {
    public Plan {
      keys = Set.copyOf(keys);
      columnsSet = Set.copyOf(columnsSet);
    }
  }

  /** A value as written: a literal, a parameter, or anything else. */
  private sealed interface Value {}

  private record Literal(Object value) implements Value {}

  private record Param(int index) implements Value {}

  private record Other() implements Value {}

  private static final Value OTHER = new Other();

  /** What the text of a statement says about its keys, before parameters and catalog. */
  private record Template(Kind kind, String table, boolean write, Map<String, List<Value>> pinned,
      Set<String> columnsSet, List<String> insertColumns, List<List<Value>> rows) {}

  private static final Template NONE = new Template(null, null, false, Map.of(), Set.of(), null, List.of());

  private final Function<String, SqlNode> parser;
  private final Map<String, Template> cache = new ConcurrentHashMap<>();

  /** @param parser Ordo's parser: a statement's tree, or null when it does not parse */
  public KeyLocks(Function<String, SqlNode> parser) {
    this.parser = parser;
  }

  /**
   * The key locks of {@code sql} with its bound {@code params}, against {@code keys} (the replica's catalog at
   * this log position) and {@code schema} (for an {@code INSERT} without a column list), or null when the
   * statement must lock whole tables.
   */
  public Plan plan(String sql, List<Object> params, TableKeys.Lookup keys, TableSchema.Lookup schema) {
    Template t = template(sql);
    if (t == NONE) {
      return null;
    }
    TableKeys k = keys.keys(t.table());
    if (k == null) {
      return null;
    }
    Set<String> out = t.kind() == Kind.INSERT ? insertKeys(t, params, k, schema) : rowKeys(t, params, k);
    return out == null ? null : new Plan(t.table(), t.kind(), t.write(), out, t.columnsSet());
  }

  private Template template(String sql) {
    Template t = cache.get(sql);
    if (t == null) {
      SqlNode node = parser.apply(sql);
      t = node == null ? NONE : template(node);
      if (cache.size() >= CACHE_LIMIT) {
        cache.clear();
      }
      cache.put(sql, t);
    }
    return t;
  }

  /**
   * The parent rows the foreign-key checks of an {@code INSERT … VALUES} read, so that it can lock those rows
   * (shared) instead of the parent tables: parent table ({@link TableKeys.ForeignKey#parent}) → the keys, in
   * the canonical text of the parent's unique key the foreign key references (the text an insert into the parent
   * locks, and the parent's own keyed statements when it is the row key). A parent maps to null when some row's
   * reference is not known as plain values (a default, an expression, a value Ordo does not normalise): lock the
   * parent table. A row whose reference has a NULL is checked against nothing and locks nothing (MATCH SIMPLE).
   * Returns null for any other statement, or when {@code keys} does not know the table.
   */
  public Map<String, Set<String>> parentKeys(String sql, List<Object> params, TableKeys.Lookup keys,
      TableSchema.Lookup schema) {
    Template t = template(sql);
    if (t == NONE || t.kind() != Kind.INSERT) {
      return null;
    }
    TableKeys k = keys.keys(t.table());
    List<String> columns = k == null ? null : insertColumns(t, schema);
    if (columns == null) {
      return null;
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (TableKeys.ForeignKey fk : k.foreignKeys()) {
      if (out.containsKey(fk.parent()) && out.get(fk.parent()) == null) {
        continue;
      }
      Set<String> found = referencedKeys(fk, t, columns, params, k, keys);
      if (found == null) {
        out.put(fk.parent(), null);
      } else {
        out.computeIfAbsent(fk.parent(), p -> new LinkedHashSet<>()).addAll(found);
      }
    }
    return out;
  }

  private static Set<String> referencedKeys(TableKeys.ForeignKey fk, Template t, List<String> columns,
      List<Object> params, TableKeys child, TableKeys.Lookup keys) {
    TableKeys parent = keys.keys(fk.parent());
    List<String> unique = fk.parentColumns().stream().sorted().toList();
    if (parent == null || parent.opaque() || !parent.uniqueKeys().contains(unique)) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (List<Value> row : t.rows()) {
      if (row.size() != columns.size()) {
        return null;
      }
      StringBuilder key = new StringBuilder(String.join(",", unique)).append('=');
      boolean hasNull = false;
      for (String pc : unique) {
        String cc = fk.columns().get(fk.parentColumns().indexOf(pc));
        int i = columns.indexOf(cc);
        TableKeys.KeyType type = parent.types().get(pc);
        if (i < 0 || type == null || type != child.types().get(cc)) {
          return null; // a default decides, or the two sides may compare otherwise than Ordo normalises
        }
        String e = encode(row.get(i), params, type);
        if (e == null) {
          return null;
        }
        hasNull |= e.equals(NULL_KEY);
        key.append(e);
      }
      if (!hasNull) {
        out.add(key.toString());
      }
      if (out.size() > MAX_KEYS) {
        return null;
      }
    }
    return out;
  }

  /** The columns an insert's rows give, in order: its column list, or else every column of the table. */
  private static List<String> insertColumns(Template t, TableSchema.Lookup schema) {
    if (t.insertColumns() != null) {
      return t.insertColumns();
    }
    TableSchema s = schema.table(t.table());
    return s == null ? null : s.columns().stream().map(c -> c.name().toUpperCase(Locale.ROOT)).toList();
  }

  // ---- binding: parameters and catalog ----

  private static Set<String> rowKeys(Template t, List<Object> params, TableKeys k) {
    if (k.rowKey().isEmpty() || (t.kind() != Kind.SELECT && k.opaque())) {
      return null;
    }
    if (t.kind() == Kind.UPDATE) {
      for (List<String> unique : k.uniqueKeys()) {
        for (String c : unique) {
          if (t.columnsSet().contains(c)) {
            return null; // it may change a key: the old value it frees is known only to the data
          }
        }
      }
    }
    if (t.kind() == Kind.DELETE && (k.uniqueKeys().size() > 1
        || (k.uniqueKeys().size() == 1 && !k.uniqueKeys().get(0).equals(k.rowKey())))) {
      return null; // it frees unique values other than the row key, which only the data knows
    }
    List<List<String>> values = new ArrayList<>();
    for (String column : k.rowKey()) {
      List<Value> given = t.pinned().get(column);
      TableKeys.KeyType type = k.types().get(column);
      if (given == null || type == null) {
        return null;
      }
      List<String> encoded = new ArrayList<>();
      for (Value v : given) {
        String e = encode(v, params, type);
        if (e == null) {
          return null;
        }
        encoded.add(e);
      }
      values.add(encoded);
    }
    Set<String> out = new LinkedHashSet<>();
    cross(k.rowKey(), values, 0, new StringBuilder(), out);
    return out.size() > MAX_KEYS ? null : out;
  }

  private static void cross(List<String> columns, List<List<String>> values, int i, StringBuilder prefix,
      Set<String> out) {
    if (out.size() > MAX_KEYS) {
      return;
    }
    if (i == columns.size()) {
      out.add(String.join(",", columns) + "=" + prefix);
      return;
    }
    for (String v : values.get(i)) {
      int len = prefix.length();
      prefix.append(v);
      cross(columns, values, i + 1, prefix, out);
      prefix.setLength(len);
    }
  }

  private static Set<String> insertKeys(Template t, List<Object> params, TableKeys k, TableSchema.Lookup schema) {
    if (k.opaque()) {
      return null;
    }
    List<String> columns = insertColumns(t, schema);
    if (columns == null) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (List<Value> row : t.rows()) {
      if (row.size() != columns.size()) {
        return null; // the backend refuses it alike everywhere; no need to be clever
      }
      for (List<String> unique : k.uniqueKeys()) {
        StringBuilder key = new StringBuilder(String.join(",", unique)).append('=');
        for (String c : unique) {
          int i = columns.indexOf(c);
          TableKeys.KeyType type = k.types().get(c);
          if (i < 0 || type == null) {
            return null; // a default, an identity or a type Ordo does not normalise decides the value
          }
          String e = encode(row.get(i), params, type);
          if (e == null) {
            return null;
          }
          key.append(e);
        }
        out.add(key.toString());
      }
      if (out.size() > MAX_KEYS) {
        return null;
      }
    }
    return out;
  }

  /**
   * The canonical text of one value of a column of {@code type} (self-delimiting), or null when the value is not
   * known or its conversion is not certain.
   */
  static String encode(Value v, List<Object> params, TableKeys.KeyType type) {
    Object value;
    if (v instanceof Literal l) {
      value = l.value();
    } else if (v instanceof Param p) {
      if (p.index() < 0 || p.index() >= params.size()) {
        return null;
      }
      value = params.get(p.index());
    } else {
      return null;
    }
    return encodeValue(value, type);
  }

  /** See {@link #encode}. */
  static String encodeValue(Object value, TableKeys.KeyType type) {
    if (value == null) {
      return NULL_KEY;
    }
    switch (type) {
      case INTEGER -> {
        java.math.BigDecimal d;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
          return "i" + ((Number) value).longValue() + ";";
        } else if (value instanceof java.math.BigInteger b) {
          d = new java.math.BigDecimal(b);
        } else if (value instanceof java.math.BigDecimal b) {
          d = b;
        } else if (value instanceof String s && s.matches("[+-]?[0-9]{1,18}")) {
          d = new java.math.BigDecimal(s);
        } else {
          return null; // floating point, booleans, text that is no plain integer: the backend may convert otherwise
        }
        try {
          return "i" + d.longValueExact() + ";";
        } catch (ArithmeticException notAnExactLong) {
          return null;
        }
      }
      case TEXT -> {
        if (!(value instanceof String s) || (!s.isEmpty() && Character.isWhitespace(s.charAt(s.length() - 1)))) {
          return null;
        }
        return "t" + s.length() + ":" + s;
      }
      case UUID -> {
        String s = value instanceof java.util.UUID u ? u.toString() : value instanceof String str ? str : null;
        if (s == null || !s.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
          return null;
        }
        return "u" + s.toLowerCase(Locale.ROOT) + ";";
      }
      default -> {
        return null;
      }
    }
  }

  // ---- templates: what the statement's text says ----

  private static Template template(SqlNode node) {
    try {
      if (node instanceof LockingQuery locking) {
        return lockingQuery(locking);
      }
      if (node instanceof SqlOrderBy || node instanceof SqlSelect) {
        return query(node, false);
      }
      if (node instanceof SqlUpdate update) {
        return update(update);
      }
      if (node instanceof SqlDelete delete) {
        return delete(delete);
      }
      if (node instanceof SqlInsert insert) {
        return insert(insert);
      }
    } catch (RuntimeException unexpectedShape) {
      return NONE; // a tree of a shape not foreseen here: lock tables
    }
    return NONE;
  }

  private static Template lockingQuery(LockingQuery q) {
    boolean exclusive = false;
    for (LockingQuery.Clause c : q.clauses()) {
      if (c.waitPolicy() != null) {
        return NONE;
      }
      exclusive |= c.strength().exclusive();
    }
    Template t = query(q.query(), exclusive);
    if (t == NONE) {
      return NONE;
    }
    for (LockingQuery.Clause c : q.clauses()) {
      for (SqlIdentifier of : c.of()) {
        if (of.names.size() != 1 || !names(t.table(), alias(q.query())).contains(upper(of.getSimple()))) {
          return NONE;
        }
      }
    }
    return t;
  }

  private static String alias(SqlNode query) {
    SqlSelect s = query instanceof SqlOrderBy o ? (SqlSelect) o.query : (SqlSelect) query;
    return s.getFrom() instanceof SqlBasicCall as && as.getKind() == SqlKind.AS
        ? upper(((SqlIdentifier) as.operand(1)).getSimple()) : null;
  }

  private static Template query(SqlNode node, boolean exclusive) {
    List<SqlNode> parts = new ArrayList<>();
    SqlNode q = node;
    if (q instanceof SqlOrderBy o) {
      parts.add(o.orderList);
      parts.add(o.offset);
      parts.add(o.fetch);
      q = o.query;
    }
    if (!(q instanceof SqlSelect s)) {
      return NONE;
    }
    SqlNode from = s.getFrom();
    String alias = null;
    if (from instanceof SqlBasicCall as && as.getKind() == SqlKind.AS) {
      if (as.operandCount() != 2) {
        return NONE; // an alias with column names
      }
      alias = upper(((SqlIdentifier) as.operand(1)).getSimple());
      from = as.operand(0);
    }
    if (!(from instanceof SqlIdentifier table)) {
      return NONE;
    }
    parts.add(s.getSelectList());
    parts.add(s.getWhere());
    parts.add(s.getGroup());
    parts.add(s.getHaving());
    parts.add(s.getWindowList());
    parts.add(s.getOrderList());
    parts.add(s.getOffset());
    parts.add(s.getFetch());
    parts.add(s.getQualify());
    if (hasQuery(parts)) {
      return NONE;
    }
    String name = tableName(table);
    Map<String, List<Value>> pinned = pinned(s.getWhere(), names(name, alias));
    return new Template(Kind.SELECT, name, exclusive, pinned, Set.of(), null, List.of());
  }

  private static Template update(SqlUpdate u) {
    if (u instanceof ExtendedUpdate e && e.from() != null) {
      return NONE;
    }
    if (!(u.getTargetTable() instanceof SqlIdentifier table)) {
      return NONE;
    }
    List<SqlNode> parts = new ArrayList<>();
    parts.add(u.getSourceExpressionList());
    parts.add(u.getCondition());
    if (u instanceof ExtendedUpdate e) {
      parts.add(e.returning());
    }
    if (hasQuery(parts)) {
      return NONE;
    }
    Set<String> set = new LinkedHashSet<>();
    for (SqlNode c : u.getTargetColumnList()) {
      set.add(upper(Util.last((SqlIdentifier) c)));
    }
    for (SqlNode v : u.getSourceExpressionList()) {
      if (v.getKind() == SqlKind.DEFAULT) {
        return NONE; // it may draw from a sequence
      }
    }
    String name = tableName(table);
    String alias = u.getAlias() == null ? null : upper(u.getAlias().getSimple());
    return new Template(Kind.UPDATE, name, true, pinned(u.getCondition(), names(name, alias)), set, null,
        List.of());
  }

  private static Template delete(SqlDelete d) {
    if (d instanceof ExtendedDelete e && e.using() != null) {
      return NONE;
    }
    if (!(d.getTargetTable() instanceof SqlIdentifier table)) {
      return NONE;
    }
    List<SqlNode> parts = new ArrayList<>();
    parts.add(d.getCondition());
    if (d instanceof ExtendedDelete e) {
      parts.add(e.returning());
    }
    if (hasQuery(parts)) {
      return NONE;
    }
    String name = tableName(table);
    String alias = d.getAlias() == null ? null : upper(d.getAlias().getSimple());
    return new Template(Kind.DELETE, name, true, pinned(d.getCondition(), names(name, alias)), Set.of(), null,
        List.of());
  }

  private static Template insert(SqlInsert i) {
    if (i.isUpsert() || (i instanceof ExtendedInsert e && (e.conflict() != null || e.isH2Merge()))) {
      return NONE;
    }
    if (!(i.getTargetTable() instanceof SqlIdentifier table) || i.getSource().getKind() != SqlKind.VALUES) {
      return NONE;
    }
    List<String> columns = null;
    if (i.getTargetColumnList() != null && !i.getTargetColumnList().isEmpty()) {
      columns = new ArrayList<>();
      for (SqlNode c : i.getTargetColumnList()) {
        columns.add(upper(Util.last((SqlIdentifier) c)));
      }
    }
    List<List<Value>> rows = new ArrayList<>();
    for (SqlNode row : ((SqlCall) i.getSource()).getOperandList()) {
      if (!(row instanceof SqlCall r) || r.getKind() != SqlKind.ROW) {
        return NONE;
      }
      if (hasQuery(r.getOperandList())) {
        return NONE;
      }
      List<Value> values = new ArrayList<>();
      for (SqlNode v : r.getOperandList()) {
        values.add(value(v));
      }
      rows.add(values);
    }
    return new Template(Kind.INSERT, tableName(table), true, Map.of(), Set.of(), columns, rows);
  }

  /** Columns pinned by the top-level conjunction of {@code where}: column → the values it may equal. */
  private static Map<String, List<Value>> pinned(SqlNode where, Set<String> qualifiers) {
    Map<String, List<Value>> out = new LinkedHashMap<>();
    List<SqlNode> terms = new ArrayList<>();
    conjuncts(where, terms);
    for (SqlNode term : terms) {
      if (!(term instanceof SqlCall call) || call.operandCount() != 2) {
        continue;
      }
      SqlNode left = call.operand(0);
      SqlNode right = call.operand(1);
      if (term.getKind() == SqlKind.EQUALS) {
        String column = column(left, qualifiers);
        SqlNode other = right;
        if (column == null) {
          column = column(right, qualifiers);
          other = left;
        }
        Value v = value(other);
        if (column != null && v != OTHER) {
          out.computeIfAbsent(column, c -> new ArrayList<>()).add(v);
        }
      } else if (term.getKind() == SqlKind.IN && right instanceof SqlNodeList list) {
        String column = column(left, qualifiers);
        List<Value> values = new ArrayList<>();
        for (SqlNode n : list) {
          Value v = value(n);
          if (v == OTHER) {
            values = null;
            break;
          }
          values.add(v);
        }
        if (column != null && values != null && !values.isEmpty()) {
          out.computeIfAbsent(column, c -> new ArrayList<>()).addAll(values);
        }
      }
    }
    return out;
  }

  private static void conjuncts(SqlNode n, List<SqlNode> out) {
    if (n == null) {
      return;
    }
    if (n.getKind() == SqlKind.AND && n instanceof SqlCall call) {
      for (SqlNode o : call.getOperandList()) {
        conjuncts(o, out);
      }
    } else {
      out.add(n);
    }
  }

  /** The column an identifier names, if it is a column of the statement's table. */
  private static String column(SqlNode n, Set<String> qualifiers) {
    if (!(n instanceof SqlIdentifier id) || id.isStar()) {
      return null;
    }
    if (id.names.size() > 1) {
      String qualifier = upper(String.join(".", id.names.subList(0, id.names.size() - 1)));
      if (!qualifiers.contains(qualifier)) {
        return null;
      }
    }
    return upper(Util.last(id));
  }

  private static Value value(SqlNode n) {
    if (n instanceof SqlDynamicParam p) {
      return new Param(p.getIndex());
    }
    if (n.getKind() == SqlKind.MINUS_PREFIX && n instanceof SqlCall call
        && call.operand(0) instanceof SqlLiteral lit && lit.getTypeName().getFamily()
        == org.apache.calcite.sql.type.SqlTypeFamily.NUMERIC) {
      return new Literal(lit.getValueAs(java.math.BigDecimal.class).negate());
    }
    if (n instanceof SqlLiteral lit) {
      switch (lit.getTypeName()) {
        case NULL:
          return new Literal(null);
        case DECIMAL:
        case INTEGER:
        case BIGINT:
          return new Literal(lit.getValueAs(java.math.BigDecimal.class));
        case CHAR:
          return new Literal(lit.getValueAs(String.class));
        default:
          return OTHER;
      }
    }
    return OTHER;
  }

  /** Whether any of {@code nodes} contains a query: then the statement reads more than its own rows. */
  private static boolean hasQuery(List<SqlNode> nodes) {
    SqlBasicVisitor<Void> finder = new SqlBasicVisitor<>() {
      @Override
      public Void visit(SqlCall call) {
        if (call.getKind().belongsTo(SqlKind.QUERY) || call.getKind() == SqlKind.WITH
            || call.getKind() == SqlKind.ORDER_BY || call.getKind() == SqlKind.VALUES) {
          throw new FoundQuery();
        }
        return super.visit(call);
      }

      @Override
      public Void visit(SqlNodeList list) {
        for (SqlNode n : list) {
          if (n != null) {
            n.accept(this);
          }
        }
        return null;
      }
    };
    try {
      for (SqlNode n : nodes) {
        if (n != null) {
          n.accept(finder);
        }
      }
      return false;
    } catch (FoundQuery found) {
      return true;
    }
  }

  private static final class FoundQuery extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FoundQuery() {
      super(null, null, false, false);
    }
  }

  /** The names a column of {@code table} may be qualified with: the table, its last part, its alias. */
  private static Set<String> names(String table, String alias) {
    Set<String> out = new LinkedHashSet<>();
    out.add(table);
    out.add(table.substring(table.lastIndexOf('.') + 1));
    if (alias != null) {
      out.add(alias);
    }
    return out;
  }

  private static String tableName(SqlIdentifier id) {
    return upper(String.join(".", id.names));
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  /** Calcite's {@code Util.last} for identifiers. */
  private static final class Util {
    static String last(SqlIdentifier id) {
      return id.names.get(id.names.size() - 1);
    }
  }
}
