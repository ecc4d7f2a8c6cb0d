package dev.ordo.proxy.sql;

import dev.ordo.proxy.sql.parser.DdlStatement;
import dev.ordo.proxy.sql.parser.ExtendedDelete;
import dev.ordo.proxy.sql.parser.ExtendedUpdate;
import dev.ordo.proxy.sql.parser.LockTable;
import dev.ordo.proxy.sql.parser.LockingQuery;
import dev.ordo.proxy.sql.parser.OrdoSqlParserImpl;
import dev.ordo.proxy.sql.parser.ShowSetting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlMerge;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSetOption;
import org.apache.calcite.sql.SqlSnapshot;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlUpdate;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.util.Util;

/**
 * Classifies statements with Ordo's SQL parser (Apache Calcite's grammar extended
 * with the PostgreSQL and H2 forms applications send, see
 * {@link dev.ordo.proxy.sql.parser}): pure reads, writes, transaction control, and
 * refusals. Pure code, no I/O: thread-safe, results cached by SQL text.
 *
 * <p>A statement is a {@link Analysis.Kind#READ} only when it parses as a query
 * and calls no function that may change state or whose body Ordo cannot see
 * (sequence functions, unknown user functions), and has no locking clause
 * ({@code FOR UPDATE} and the like lock rows: such a query is a write, with
 * exclusive locks on the tables whose rows it may change). Everything else is a
 * write and goes through the log; DDL and what cannot be parsed run under the
 * global lock.
 */
public final class Analyzer {
  private static final int CACHE_LIMIT = 10_000;

  /** Functions that draw from or set a sequence. */
  private static final Set<String> SEQUENCE_FUNCTIONS = Set.of("NEXTVAL", "CURRVAL", "SETVAL", "LASTVAL");

  /** Functions that change state even inside a SELECT. */
  private static final Set<String> STATEFUL_FUNCTIONS = Set.of(
      "NEXTVAL", "SETVAL", "CURRVAL", "LASTVAL", "NEXT_VALUE", "PG_ADVISORY_LOCK", "PG_TRY_ADVISORY_LOCK",
      "SET_CONFIG", "LO_CREATE", "LO_IMPORT", "LO_UNLINK", "FILE_WRITE", "TXID_CURRENT", "PG_CURRENT_XACT_ID",
      "LAST_INSERT_ID", "IDENTITY", "SCOPE_IDENTITY", "SLEEP",
      "PG_SLEEP", "CANCEL_SESSION", "ABORT_SESSION", "FILE_READ", "LINK_SCHEMA", "DB_OBJECT_SQL");

  /**
   * PostgreSQL's transaction-level advisory locks. Ordo takes its own advisory-lock
   * resource (X) for them, held until the transaction ends: the backend lock is
   * then free whenever the statement runs, so it is granted alike on every
   * replica (the {@code try} forms return true), and a second taker waits in
   * Ordo's lock manager, where deadlocks are detected, instead of on a replica.
   */
  private static final Set<String> ADVISORY_XACT_LOCKS = Set.of("PG_ADVISORY_XACT_LOCK",
      "PG_TRY_ADVISORY_XACT_LOCK", "PG_ADVISORY_XACT_LOCK_SHARED", "PG_TRY_ADVISORY_XACT_LOCK_SHARED");

  /**
   * Built-in functions of H2 and PostgreSQL that Calcite does not know but that only
   * compute a value. Unknown functions may be user functions with side effects,
   * so a query calling one is treated as a write. Random values and the replica
   * session's own values are among them: a read is answered by one replica, and
   * {@link DeterminismRules} decides where they may appear in a write.
   */
  private static final Set<String> PURE_BUILTINS = Set.of(
      "NOW", "RAND", "RANDOM", "RANDOM_UUID", "UUID", "GEN_RANDOM_UUID", "LENGTH", "LEN", "CHAR_LENGTH", "CONCAT",
      "CONCAT_WS", "SUBSTR", "SUBSTRING", "REPLACE", "IFNULL", "NVL", "NVL2", "ISNULL", "DATEADD", "DATEDIFF",
      "DATE_TRUNC", "DATE_PART", "TO_CHAR", "TO_DATE", "TO_TIMESTAMP", "TO_NUMBER", "LEFT", "RIGHT", "LPAD", "RPAD",
      "LTRIM", "RTRIM", "BTRIM", "STRPOS", "INSTR", "LOCATE", "POSITION", "REGEXP_REPLACE", "REGEXP_LIKE",
      "REGEXP_SUBSTR", "SPLIT_PART", "STRING_AGG", "LISTAGG", "GROUP_CONCAT", "ARRAY_AGG", "ARRAY_LENGTH",
      "CARDINALITY", "GREATEST", "LEAST", "DECODE", "MD5", "SHA256", "HASH", "ENCODE", "TRUNC", "TRUNCATE", "ROUND",
      "SIGN", "LOG", "LOG10", "LN", "EXP", "POWER", "SQRT", "CEIL", "CEILING", "FLOOR", "MOD", "ABS", "PI",
      "EXTRACT", "YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND", "DAYOFWEEK", "DAYOFYEAR", "WEEK", "QUARTER",
      "FORMATDATETIME", "PARSEDATETIME", "CURRENT_SCHEMA", "SCHEMA", "CURRENT_CATALOG", "CURRENT_DATABASE", "DATABASE",
      "USER", "H2VERSION", "VERSION", "JSON_OBJECT", "JSON_ARRAY", "JSON_VALUE", "JSON_QUERY", "JSONB_BUILD_OBJECT",
      "JSON_BUILD_OBJECT", "TO_JSON", "TO_JSONB", "ROW_NUMBER", "RANK", "DENSE_RANK", "LAG", "LEAD", "FIRST_VALUE",
      "LAST_VALUE", "NTILE", "BIT_AND", "BIT_OR", "BITAND", "BITOR", "BITXOR", "BOOL_AND", "BOOL_OR", "EVERY",
      "ANY_VALUE", "STDDEV", "VARIANCE", "MEDIAN", "PERCENTILE_CONT", "PERCENTILE_DISC", "MODE", "ASCII", "CHR",
      "CHAR", "INITCAP", "REPEAT", "REVERSE", "TRANSLATE", "SOUNDEX", "DIFFERENCE", "CAST", "CONVERT",
      "COALESCE", "NULLIF", "CASEWHEN", "GENERATE_SERIES", "SYSTEM_RANGE", "UNNEST", "ARRAY_CONTAINS",
      "ZERO", "TYPEOF", "PG_TYPEOF", "FORMAT", "QUOTE_IDENT", "QUOTE_LITERAL", "AGE", "MAKE_DATE",
      "MAKE_TIMESTAMP", "CURRENT_SETTING", "OCTET_LENGTH", "BIT_LENGTH", "LOWER", "UPPER", "LCASE", "UCASE",
      "UUID_GENERATE_V4", "UUIDV4", "NEWID", "SECURE_RAND", "GEN_RANDOM_BYTES", "RANDOM_NORMAL", "SETSEED",
      "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUIDV7", "GEN_SALT", "SYS_GUID", "TIMEOFDAY",
      "PG_BACKEND_PID", "INET_SERVER_ADDR", "INET_SERVER_PORT", "INET_CLIENT_ADDR", "INET_CLIENT_PORT",
      "PG_POSTMASTER_START_TIME", "PG_CONF_LOAD_TIME", "PG_MY_TEMP_SCHEMA", "SESSION_ID", "TRANSACTION_ID",
      "DATABASE_PATH", "MEMORY_USED", "MEMORY_FREE", "LOCK_MODE", "LOCK_TIMEOUT", "DISK_SPACE_USED");

  /**
   * Every function name Calcite knows, in its standard table or any of its dialect libraries. The spatial
   * library is left out: its functions are defined on JTS types, which Ordo does not ship (Calcite is used
   * as a parser only), so an {@code ST_*} call counts as an unknown function.
   */
  private static final Set<String> CALCITE_FUNCTIONS = calciteFunctionNames();

  private static Set<String> calciteFunctionNames() {
    Set<String> names = new java.util.HashSet<>();
    for (SqlOperator op : SqlStdOperatorTable.instance().getOperatorList()) {
      names.add(op.getName().toUpperCase(Locale.ROOT));
    }
    SqlOperatorTable libraries = SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(
        java.util.EnumSet.complementOf(java.util.EnumSet.of(SqlLibrary.SPATIAL)));
    for (SqlOperator op : libraries.getOperatorList()) {
      names.add(op.getName().toUpperCase(Locale.ROOT));
    }
    return Set.copyOf(names);
  }

  private final Map<String, Analysis> cache = new ConcurrentHashMap<>();
  private final SqlParser.Config parserConfig = SqlParser.config()
      .withParserFactory(OrdoSqlParserImpl.FACTORY)
      .withConformance(SqlConformanceEnum.BABEL)
      .withQuoting(Quoting.DOUBLE_QUOTE)
      .withUnquotedCasing(Casing.TO_UPPER)
      .withQuotedCasing(Casing.UNCHANGED)
      .withCaseSensitive(false);

  /** The first {@code n} keywords of a statement, upper-cased and joined by single spaces. */
  public static String firstKeywords(String sql, int n) {
    return Lexer.firstKeywords(sql, n);
  }

  /** The first keyword of a statement, upper-cased (comments and parentheses skipped). */
  public static String firstKeyword(String sql) {
    return Lexer.firstKeywords(sql, 1);
  }

  /** Statements that change the schema (first keyword); H2 commits the open transaction before them. */
  private static final Set<String> DDL_WORDS =
      Set.of("CREATE", "DROP", "ALTER", "TRUNCATE", "COMMENT", "GRANT", "REVOKE", "RENAME", "ANALYZE");

  /** Whether {@code sql} is DDL: it may change the catalog, which replicas reload after it. */
  public static boolean isDdl(String sql) {
    return DDL_WORDS.contains(Lexer.firstKeywords(sql, 1));
  }

  /** {@code SELECT … FOR UPDATE} (plain: no {@code OF}, {@code NOWAIT}, {@code SKIP LOCKED}). */
  private static final java.util.regex.Pattern FOR_UPDATE =
      java.util.regex.Pattern.compile("(?is)^(.*\\S)\\s+FOR\\s+UPDATE\\s*;?\\s*$");
  /** H2's {@code CALL expression}. */
  private static final java.util.regex.Pattern CALL =
      java.util.regex.Pattern.compile("(?is)^\\s*CALL\\s+(.+)$");
  /**
   * PostgreSQL's and H2's {@code EXPLAIN [VERBOSE] [(option, …)] statement} (not Calcite's {@code EXPLAIN PLAN
   * FOR}): group 2 is the option list, group 3 the statement, which the grammar reads.
   */
  private static final java.util.regex.Pattern EXPLAIN =
      java.util.regex.Pattern.compile("(?is)^\\s*EXPLAIN(\\s+VERBOSE)?(?:\\s*\\(([^()]*)\\))?\\s+(.+)$");

  /** Classifies one statement. */
  public Analysis analyze(String sql) {
    Analysis cached = cache.get(sql);
    if (cached != null) {
      return cached;
    }
    Analysis a;
    Confinement.Verdict confined = Confinement.review(sql);
    if (confined != null) {
      a = confined.refusal() == Confinement.Refusal.SEVERAL_STATEMENTS ? refused(confined.reason())
          : forbidden(confined.reason());
    } else {
      a = DeterminismRules.review(sql, classify(sql), this::parseOrNull);
    }
    if (a.kind() == Analysis.Kind.WRITE) {
      String bookkeeping = Confinement.bookkeepingRule(sql, a);
      String orderDependent = bookkeeping != null ? null : OrderRules.refusal(sql); // replicas check the rest
      if (bookkeeping != null) {
        a = forbidden(bookkeeping);
      } else if (orderDependent != null) {
        a = refused(orderDependent);
      }
    }
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(sql, a);
    return a;
  }

  /**
   * The tree Ordo's parser reads from {@code sql} (without its trailing semicolons), or null when it cannot read
   * it. Not cached.
   */
  public SqlNode parse(String sql) {
    return parseOrNull(Lexer.withoutTrailingSemicolons(sql));
  }

  private SqlNode parseOrNull(String sql) {
    try {
      return SqlParser.create(sql, parserConfig).parseStmt();
    } catch (SqlParseException | RuntimeException e) {
      return null;
    }
  }

  private Analysis classify(String statement) {
    // Analysed without its terminating semicolon, which the grammar does not take; replicas get the text as sent.
    String sql = Lexer.withoutTrailingSemicolons(statement);
    String first = Lexer.firstKeywords(sql, 2);
    Analysis lexical = classifyLexically(first.equals("SET SESSION") ? Lexer.firstKeywords(sql, 3) : first);
    if (lexical != null) {
      return lexical;
    }
    Analysis special = classifySpecial(sql, first);
    if (special != null) {
      return special;
    }
    SqlNode node;
    try {
      node = SqlParser.create(sql, parserConfig).parseStmt();
    } catch (SqlParseException | RuntimeException e) {
      Analysis fallback = classifyUnparsed(sql, first);
      return fallback != null ? fallback : new Analysis(Analysis.Kind.WRITE, false, true, Set.of(), Set.of(),
          "not parsed; runs as a write under the global lock");
    }
    return classifyParsed(node);
  }

  /** Statements recognised by their first keywords, before parsing. */
  private static Analysis classifyLexically(String first) {
    String[] words = first.split(" ");
    String w0 = words[0];
    String w1 = words.length > 1 ? words[1] : "";
    switch (w0) {
      case "ROLLBACK":
        return txnControl(w1.equals("TO") ? "ROLLBACK TO" : w0);
      case "BEGIN":
      case "START":
      case "COMMIT":
      case "END":
      case "ABORT":
      case "SAVEPOINT":
      case "RELEASE":
        return txnControl(w0);
      case "SET":
        if (w1.equals("AUTOCOMMIT") || w1.equals("TRANSACTION")) {
          return txnControl(w0 + " " + w1);
        }
        if (w1.equals("SESSION") && words.length > 2 && words[2].equals("CHARACTERISTICS")) {
          return txnControl("SET SESSION CHARACTERISTICS");
        }
        return null; // SET [SESSION] name ...: a setting, run on the replicas
      case "SHUTDOWN":
        return refused("SHUTDOWN would stop a replica database; stop the Ordo node instead");
      case "CHECKPOINT":
      case "BACKUP":
        return refused(w0 + " acts on one replica's files, not on the replicated data; "
            + "use the replica databases' own tools on each of them");
      default:
        return null;
    }
  }

  /**
   * Forms Calcite does not parse but whose locks are known: DDL that names
   * everything it changes ({@link DdlScope}); {@code SELECT … FOR UPDATE},
   * a write holding X on the tables it reads; and {@code CALL expression} of a
   * pure expression, which is a query (H2 answers it with a row).
   */
  /**
   * {@code EXPLAIN} without {@code ANALYZE} of a statement the grammar reads plans it and runs nothing: a read (of
   * the tables the statement names, which a transaction's read locks cover). {@code EXPLAIN ANALYZE} runs the
   * statement and answers with timings that differ from replica to replica; it stays what it was (a write under
   * the global lock). Null when the text is not such an {@code EXPLAIN}.
   */
  private Analysis explain(String sql, String first) {
    if (first.equals("EXPLAIN PLAN")) {
      return null; // Calcite's own form, which the grammar reads
    }
    java.util.regex.Matcher m = EXPLAIN.matcher(sql);
    if (!m.matches() || (m.group(2) != null && analyzes(m.group(2)))) {
      return null;
    }
    Analysis inner = analyze(m.group(3));
    boolean plannable = inner.kind() == Analysis.Kind.READ || inner.kind() == Analysis.Kind.WRITE;
    if (!inner.parsed() || inner.globalLock() || !plannable) {
      return null;
    }
    Set<String> read = new LinkedHashSet<>(inner.tablesRead());
    read.addAll(inner.tablesWritten());
    return new Analysis(Analysis.Kind.READ, true, false, read, Set.of(),
        "EXPLAIN without ANALYZE plans the statement and runs nothing: a read");
  }

  /** Whether PostgreSQL's EXPLAIN options ({@code ANALYZE, BUFFERS} or {@code ANALYZE false}) ask to run it. */
  private static boolean analyzes(String options) {
    for (String option : options.split(",")) {
      String[] words = option.strip().split("\\s+");
      String name = words[0].toUpperCase(java.util.Locale.ROOT);
      if (name.equals("ANALYZE") || name.equals("ANALYSE")) {
        String v = words.length > 1 ? words[1].toUpperCase(java.util.Locale.ROOT) : "TRUE";
        if (!v.equals("FALSE") && !v.equals("OFF") && !v.equals("0")) {
          return true;
        }
      }
    }
    return false;
  }

  private Analysis classifySpecial(String sql, String first) {
    if (isDdl(sql)) {
      Analysis scoped = DdlScope.analyze(sql);
      if (scoped == null) {
        return null; // Parsed below: DDL under the global lock.
      }
      // What it names is locked X; what the parser sees it read (a view's query, foreign-key parents) S.
      boolean parses;
      Set<String> read = new LinkedHashSet<>(scoped.tablesRead());
      try {
        read.addAll(classifyParsed(SqlParser.create(sql, parserConfig).parseStmt()).tablesRead());
        parses = true;
      } catch (SqlParseException | RuntimeException e) {
        parses = false;
      }
      read.removeAll(scoped.tablesWritten());
      return new Analysis(scoped.kind(), parses, false, read, scoped.tablesWritten(),
          scoped.reason(), scoped.sequences(), true);
    }
    String w0 = first.split(" ")[0];
    if (w0.equals("EXPLAIN")) {
      return explain(sql, first);
    }
    if (w0.equals("CALL")) {
      java.util.regex.Matcher m = CALL.matcher(sql);
      if (m.matches()) {
        Analysis q = analyze("SELECT " + m.group(1));
        if (q.kind() == Analysis.Kind.READ) {
          return new Analysis(Analysis.Kind.READ, q.parsed(), false, q.tablesRead(), Set.of(),
              "CALL of a pure expression: a read");
        }
      }
    }
    return null;
  }

  /**
   * A statement the parser could not read whose locks are still known: a
   * {@code SELECT … FOR UPDATE} whose query parses without the clause holds X
   * on the tables it reads.
   */
  private Analysis classifyUnparsed(String sql, String first) {
    String w0 = first.split(" ")[0];
    if (w0.equals("SELECT") || w0.equals("WITH")) {
      java.util.regex.Matcher m = FOR_UPDATE.matcher(sql);
      if (m.matches()) {
        Analysis q = analyze(m.group(1));
        if (q.kind() == Analysis.Kind.READ && !q.tablesRead().isEmpty()) {
          return new Analysis(Analysis.Kind.WRITE, q.parsed(), false, Set.of(), q.tablesRead(),
              "SELECT ... FOR UPDATE: X locks on the tables it reads");
        }
      }
    }
    return null;
  }

  private static Analysis txnControl(String what) {
    return new Analysis(Analysis.Kind.TRANSACTION_CONTROL, true, false, Set.of(), Set.of(), what);
  }

  private static Analysis refused(String why) {
    return new Analysis(Analysis.Kind.REFUSED, true, false, Set.of(), Set.of(), why);
  }

  private static Analysis forbidden(String why) {
    return new Analysis(Analysis.Kind.FORBIDDEN, true, false, Set.of(), Set.of(), why);
  }

  private static Analysis classifyParsed(SqlNode node) {
    if (node instanceof LockingQuery query) {
      return classifyLockingQuery(query);
    }
    if (node instanceof DdlStatement ddl) {
      return classifyDdl(ddl);
    }
    if (node instanceof LockTable lock) {
      Set<String> locked = new LinkedHashSet<>();
      lock.tables().forEach(t -> locked.add(TableCollector.tableName(t)));
      return new Analysis(Analysis.Kind.WRITE, true, false, Set.of(), locked,
          "LOCK TABLE " + String.join(", ", locked) + " IN " + lock.mode() + " MODE; runs as a write");
    }
    if (node instanceof SqlSetOption set && set.name().toString().equalsIgnoreCase("ROLE")) {
      // Privileges only: no data, no catalog. Migration tools send it inside every migration's transaction
      // (Flyway restores the role it found) while another of their connections holds a transaction open;
      // under the global lock the two would wait for each other.
      return new Analysis(Analysis.Kind.WRITE, true, false, Set.of(), Set.of(),
          (set.getValue() == null ? "RESET ROLE" : "SET ROLE")
              + " changes the privileges of the replica connection that runs it; runs as a write without locks");
    }
    if (node instanceof ShowSetting show) {
      // It changes nothing: a read, answered by the replica connection that serves it. (Under the global lock
      // it would wait for every open transaction, and a migration tool that opens a connection while another
      // of its connections holds a transaction would wait for itself.)
      return new Analysis(Analysis.Kind.READ, true, false, Set.of(), Set.of(),
          "SHOW " + show.name() + " reads a setting of the replica connection that answers; a read");
    }
    SqlKind kind = node.getKind();
    TableCollector tables = new TableCollector();
    if (kind.belongsTo(SqlKind.QUERY) || kind == SqlKind.ORDER_BY || kind == SqlKind.WITH
        || kind == SqlKind.EXPLAIN || kind == SqlKind.DESCRIBE_TABLE || kind == SqlKind.DESCRIBE_SCHEMA) {
      node.accept(tables);
      if (tables.stateful != null) {
        return new Analysis(Analysis.Kind.WRITE, true, tables.unknownFunction, tables.read, Set.of(),
            "query calls " + tables.stateful + ", which may change state; runs as a write" + tables.advisoryNote(),
            tables.sequences, false, tables.advisory);
      }
      if (tables.dml) {
        return new Analysis(Analysis.Kind.WRITE, true, false, tables.read, tables.written,
            "query contains a data change; runs as a write");
      }
      return new Analysis(Analysis.Kind.READ, true, false, tables.read, Set.of(), "pure read");
    }
    if (kind == SqlKind.INSERT || kind == SqlKind.UPDATE || kind == SqlKind.DELETE || kind == SqlKind.MERGE) {
      node.accept(tables);
      return new Analysis(Analysis.Kind.WRITE, true, tables.unknownFunction, tables.read, tables.written,
          kind.lowerName + " of " + String.join(", ", tables.written) + tables.advisoryNote(), tables.sequences,
          false, tables.advisory);
    }
    if (kind.belongsTo(SqlKind.DDL)) {
      return new Analysis(Analysis.Kind.WRITE, true, true, Set.of(), Set.of(),
          "DDL (" + kind.lowerName + "); runs alone under the global lock");
    }
    return new Analysis(Analysis.Kind.WRITE, true, true, Set.of(), Set.of(),
        kind.lowerName + "; runs as a write under the global lock");
  }

  /**
   * A query with locking clauses: a write. Tables whose rows it locks for update
   * ({@code FOR UPDATE}, {@code FOR NO KEY UPDATE}) are locked exclusively, like
   * tables written; rows locked for share ({@code FOR SHARE}, {@code FOR KEY SHARE})
   * only keep writers out, which a shared lock already does.
   */
  private static Analysis classifyLockingQuery(LockingQuery query) {
    TableCollector tables = new TableCollector();
    query.query().accept(tables);
    Map<String, Set<String>> from = topLevelFrom(query.query(), tables.cteNames);
    Set<String> exclusive = new LinkedHashSet<>();
    List<String> clauses = new ArrayList<>();
    for (LockingQuery.Clause c : query.clauses()) {
      Set<String> locked = new LinkedHashSet<>();
      if (c.of().isEmpty()) {
        from.values().forEach(locked::addAll);
        if (from.isEmpty()) {
          locked.addAll(tables.read); // not a plain SELECT: lock everything it reads
        }
      } else {
        for (SqlIdentifier id : c.of()) {
          Set<String> named = from.get(Util.last(id.names).toUpperCase(Locale.ROOT));
          if (named != null) {
            locked.addAll(named);
          } else {
            locked.add(TableCollector.tableName(id));
          }
        }
      }
      if (c.strength().exclusive()) {
        exclusive.addAll(locked);
      }
      clauses.add(c.strength().sql() + (c.of().isEmpty() ? "" : " OF " + String.join(", ", locked)));
    }
    Set<String> read = new LinkedHashSet<>(tables.read);
    read.removeAll(exclusive);
    String reason = "query with " + String.join(", ", clauses) + " locks rows"
        + (exclusive.isEmpty() ? "" : " of " + String.join(", ", exclusive) + " for update")
        + "; runs as a write";
    if (tables.stateful != null) {
      reason += "; it also calls " + tables.stateful + tables.advisoryNote();
    }
    return new Analysis(Analysis.Kind.WRITE, true, tables.unknownFunction, read, exclusive, reason, tables.sequences,
        false, tables.advisory);
  }

  /**
   * The tables of a query's top-level {@code FROM}, by the name a locking clause's
   * {@code OF} may use for them (alias, or table name): a sub-query in the
   * {@code FROM} stands for every table it reads.
   */
  private static Map<String, Set<String>> topLevelFrom(SqlNode query, Set<String> cteNames) {
    SqlNode q = query;
    while (q instanceof SqlOrderBy || q instanceof SqlWith) {
      q = q instanceof SqlOrderBy o ? o.query : ((SqlWith) q).body;
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    if (q instanceof SqlSelect select && select.getFrom() != null) {
      addFromItems(select.getFrom(), cteNames, out);
    }
    return out;
  }

  private static void addFromItems(SqlNode from, Set<String> cteNames, Map<String, Set<String>> out) {
    if (from instanceof SqlJoin join) {
      addFromItems(join.getLeft(), cteNames, out);
      addFromItems(join.getRight(), cteNames, out);
      return;
    }
    SqlNode item = from;
    String alias = null;
    if (from.getKind() == SqlKind.AS && from instanceof SqlBasicCall as) {
      item = as.operand(0);
      alias = ((SqlIdentifier) as.operand(1)).getSimple().toUpperCase(Locale.ROOT);
    }
    Set<String> tables = new LinkedHashSet<>();
    String name = null;
    if (item instanceof SqlIdentifier id) {
      name = TableCollector.tableName(id);
      if (!cteNames.contains(name)) {
        tables.add(name);
      }
    } else {
      TableCollector inner = new TableCollector();
      inner.cteNames.addAll(cteNames);
      item.accept(inner);
      tables.addAll(inner.read);
    }
    if (alias != null) {
      out.put(alias, tables);
    } else if (name != null) {
      out.put(Util.last(List.of(name.split("\\."))), tables);
    } else {
      out.put("", tables);
    }
  }

  /**
   * DDL: runs alone under the global lock (the catalog changes), but its tables
   * are known: those it creates, alters, drops or empties are written, those it
   * refers to (foreign-key parents, the query of a view) are read.
   */
  private static Analysis classifyDdl(DdlStatement ddl) {
    TableCollector tables = new TableCollector();
    ddl.accept(tables);
    Set<String> written = new LinkedHashSet<>();
    ddl.tablesChanged().forEach(t -> written.add(TableCollector.tableName(t)));
    Set<String> read = new LinkedHashSet<>(tables.read);
    ddl.tablesReferenced().forEach(t -> read.add(TableCollector.tableName(t)));
    read.removeAll(written);
    Set<String> sequences = new LinkedHashSet<>(tables.sequences);
    ddl.sequences().forEach(t -> sequences.add(TableCollector.tableName(t)));
    List<String> objects = new ArrayList<>();
    ddl.objects().forEach(o -> objects.add(TableCollector.tableName(o)));
    String what = ddl.description() + (objects.isEmpty() ? "" : " " + String.join(", ", objects));
    if (ddl.getKind() == SqlKind.CREATE_INDEX && !written.isEmpty()) {
      what += " ON " + String.join(", ", written);
    }
    return new Analysis(Analysis.Kind.WRITE, true, true, read, written,
        "DDL (" + what + "); runs alone under the global lock", sequences, true);
  }

  /** Collects tables read and written and notes calls that may change state. */
  private static final class TableCollector extends SqlBasicVisitor<Void> {
    final Set<String> read = new LinkedHashSet<>();
    final Set<String> written = new LinkedHashSet<>();
    final Set<String> sequences = new LinkedHashSet<>();
    final Set<String> cteNames = new LinkedHashSet<>();
    String stateful;
    boolean unknownFunction;
    boolean dml;
    /** It takes a PostgreSQL transaction-level advisory lock. */
    boolean advisory;

    String advisoryNote() {
      return advisory ? "; holds Ordo's advisory lock until the transaction ends" : "";
    }

    @Override
    public Void visit(SqlCall call) {
      if (call instanceof SqlSelect select) {
        addFrom(select.getFrom());
      } else if (call instanceof SqlInsert insert) {
        dml = true;
        addTarget(insert.getTargetTable());
      } else if (call instanceof SqlUpdate update) {
        dml = true;
        addTarget(update.getTargetTable());
        if (update instanceof ExtendedUpdate extended) {
          addFrom(extended.from());
        }
      } else if (call instanceof SqlDelete delete) {
        dml = true;
        addTarget(delete.getTargetTable());
        if (delete instanceof ExtendedDelete extended) {
          addFrom(extended.using());
        }
      } else if (call instanceof SqlMerge merge) {
        dml = true;
        addTarget(merge.getTargetTable());
        addFrom(merge.getSourceTableRef());
      } else if (call.getKind() == SqlKind.EXPLICIT_TABLE && call.operandCount() > 0) {
        addFrom(call.operand(0)); // TABLE t
      } else if (call instanceof SqlWithItem item) {
        cteNames.add(item.name.getSimple().toUpperCase(Locale.ROOT));
      } else if (call.getKind() == SqlKind.NEXT_VALUE || call.getKind() == SqlKind.CURRENT_VALUE) {
        stateful = call.getKind() == SqlKind.NEXT_VALUE ? "NEXT VALUE FOR" : "CURRENT VALUE FOR";
        String seq = tableName(call.operand(0));
        if (seq != null) {
          sequences.add(seq);
        } else {
          unknownFunction = true;
        }
      } else {
        noteFunction(call);
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

    private void noteFunction(SqlCall call) {
      SqlOperator op = call.getOperator();
      if (!(op instanceof SqlFunction)) {
        return;
      }
      String name = op.getName().toUpperCase(Locale.ROOT);
      if (SEQUENCE_FUNCTIONS.contains(name)) {
        stateful = name + "()";
        // nextval('s'), currval('s'), setval('s', n): the sequence is the first argument, a literal.
        if (call.operandCount() > 0 && call.operand(0) instanceof org.apache.calcite.sql.SqlCharStringLiteral lit) {
          sequences.add(lit.getValueAs(String.class).toUpperCase(Locale.ROOT));
        } else {
          unknownFunction = true; // lastval() or a computed name: the sequence is not known here
        }
      } else if (ADVISORY_XACT_LOCKS.contains(name)) {
        stateful = name + "()";
        advisory = true;
      } else if (STATEFUL_FUNCTIONS.contains(name)) {
        stateful = name + "()";
      } else if (op instanceof SqlUnresolvedFunction && !PURE_BUILTINS.contains(name)
          && !CALCITE_FUNCTIONS.contains(name)) {
        stateful = name + "() (not a known built-in function)";
        unknownFunction = true;
      }
    }

    private void addTarget(SqlNode target) {
      String t = tableName(target);
      if (t != null) {
        written.add(t);
      }
    }

    private void addFrom(SqlNode from) {
      if (from == null) {
        return;
      }
      if (from instanceof SqlIdentifier) {
        String t = tableName(from);
        if (t != null && !cteNames.contains(t)) {
          read.add(t);
        }
      } else if (from instanceof SqlJoin join) {
        addFrom(join.getLeft());
        addFrom(join.getRight());
      } else if (from.getKind() == SqlKind.AS && from instanceof SqlBasicCall as) {
        addFrom(as.operand(0));
      } else if (from instanceof SqlSnapshot snapshot) {
        addFrom(snapshot.getTableRef());
      } else if (from instanceof SqlCall call && call.operandCount() > 0 && (call.getKind() == SqlKind.TABLESAMPLE
          || call.getKind() == SqlKind.LATERAL || call.getKind() == SqlKind.EXTEND)) {
        addFrom(call.operand(0));
      }
    }

    static String tableName(SqlNode node) {
      if (node instanceof SqlIdentifier id) {
        return String.join(".", id.names).toUpperCase(Locale.ROOT);
      }
      if (node != null && node.getKind() == SqlKind.AS && node instanceof SqlBasicCall as) {
        return tableName(as.operand(0));
      }
      return null;
    }
  }
}
