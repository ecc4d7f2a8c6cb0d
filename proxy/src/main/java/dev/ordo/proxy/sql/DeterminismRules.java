package dev.ordo.proxy.sql;

import dev.ordo.proxy.sql.parser.ExtendedInsert;
import dev.ordo.proxy.sql.parser.LockingQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDelete;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlMerge;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUpdate;

/**
 * Refuses (SQLState 0A000, at the origin) what would make replicas diverge:
 * statements whose effect depends on something each replica has for itself
 * (temporary and unlogged tables, large objects, server-side {@code COPY},
 * {@code LISTEN}/{@code NOTIFY}, session-level advisory locks, the replica
 * session's {@code currval}, Java code in H2 aliases and triggers, sequence
 * caches per session), and writes in which a random-value function would be
 * evaluated once per row, or a session- or clock-dependent function at all.
 *
 * <p>Random-value calls evaluated once per statement are not refused: replicas
 * replace them by literals ({@link Nondeterminism}). Reads are never refused for
 * their calls: one replica answers them and they change nothing.
 */
final class DeterminismRules {
  private DeterminismRules() {}

  /** Refused wherever they appear: they act on state that each replica connection has for itself. */
  private static final Set<String> ADVISORY_SESSION_LOCKS = Set.of("PG_ADVISORY_LOCK", "PG_ADVISORY_LOCK_SHARED",
      "PG_TRY_ADVISORY_LOCK", "PG_TRY_ADVISORY_LOCK_SHARED", "PG_ADVISORY_UNLOCK", "PG_ADVISORY_UNLOCK_SHARED",
      "PG_ADVISORY_UNLOCK_ALL");
  private static final Set<String> SESSION_SEQUENCE_STATE = Set.of("CURRVAL", "LASTVAL", "CURRENT VALUE FOR",
      "SCOPE_IDENTITY", "LAST_INSERT_ID");
  private static final Set<String> LARGE_OBJECTS = Set.of("LO_CREATE", "LO_CREAT", "LO_IMPORT", "LO_EXPORT",
      "LO_UNLINK", "LO_OPEN", "LO_CLOSE", "LO_WRITE", "LOWRITE", "LOREAD", "LO_READ", "LO_PUT", "LO_GET",
      "LO_FROM_BYTEA", "LO_LSEEK", "LO_LSEEK64", "LO_TELL", "LO_TELL64", "LO_TRUNCATE", "LO_TRUNCATE64");

  /** Their value is the replica session's or server's own: refused in writes. */
  private static final Set<String> SESSION_FUNCTIONS = Set.of("PG_BACKEND_PID", "INET_SERVER_ADDR",
      "INET_SERVER_PORT", "INET_CLIENT_ADDR", "INET_CLIENT_PORT", "TXID_CURRENT", "TXID_CURRENT_IF_ASSIGNED",
      "PG_CURRENT_XACT_ID", "PG_CURRENT_XACT_ID_IF_ASSIGNED", "PG_POSTMASTER_START_TIME", "PG_CONF_LOAD_TIME",
      "PG_MY_TEMP_SCHEMA", "PG_CURRENT_WAL_LSN", "SESSION_ID", "TRANSACTION_ID", "DATABASE_PATH", "MEMORY_USED",
      "MEMORY_FREE", "LOCK_MODE", "LOCK_TIMEOUT", "DISK_SPACE_USED");

  /**
   * Random or clock-based functions whose value Ordo does not replace by a literal:
   * refused in writes. (The forms {@link Nondeterminism#rewritable} accepts are
   * replaced where they run once per statement.)
   */
  private static final Set<String> RANDOM_FUNCTIONS = Set.of("RANDOM", "RAND", "GEN_RANDOM_UUID",
      "UUID_GENERATE_V4", "UUIDV4", "UUID", "NEWID", "RANDOM_UUID", "SECURE_RAND", "GEN_RANDOM_BYTES",
      "RANDOM_NORMAL", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUIDV7", "GEN_SALT", "SYS_GUID", "TIMEOFDAY");

  private static final Pattern COPY_CLIENT = Pattern.compile("(?is)\\b(FROM\\s+STDIN|TO\\s+STDOUT)\\b");
  private static final Pattern CREATE_TABLE_AS = Pattern.compile(
      "(?is)^\\s*CREATE\\b[^;]*?\\bTABLE\\b.*?\\bAS\\s*\\(?\\s*(SELECT|WITH|VALUES|TABLE)\\b");
  private static final Pattern CACHE = Pattern.compile("(?i)(?<![\\w$\"])CACHE\\s+(\\d+)");
  private static final Pattern SET_UNLOGGED = Pattern.compile("(?is)^\\s*ALTER\\s+TABLE\\b.*\\bSET\\s+UNLOGGED\\b");

  /**
   * The analysis {@code a} of {@code sql}, or a refusal when the statement would
   * make replicas diverge.
   *
   * @param parse parses the statement (without its terminating semicolons), or returns null
   */
  static Analysis review(String sql, Analysis a, Function<String, SqlNode> parse) {
    if (a.kind() == Analysis.Kind.REFUSED || a.kind() == Analysis.Kind.FORBIDDEN
        || a.kind() == Analysis.Kind.TRANSACTION_CONTROL) {
      return a;
    }
    String why = statementRule(sql, a);
    if (why != null) {
      return refused(a, why);
    }
    if (Analyzer.isDdl(sql)) {
      return a;
    }
    List<Nondeterminism.Call> calls = Nondeterminism.find(sql);
    for (Nondeterminism.Call c : calls) {
      String always = alwaysRefused(c);
      if (always != null) {
        return refused(a, always);
      }
    }
    if (a.kind() != Analysis.Kind.WRITE || calls.stream().noneMatch(c -> watched(c.name()))) {
      return a;
    }
    SqlNode node = a.parsed() ? parse.apply(Lexer.withoutTrailingSemicolons(sql)) : null;
    if (node == null) {
      for (Nondeterminism.Call c : calls) {
        if (watched(c.name())) {
          return refused(a, "the statement calls " + c.display() + ", whose value would differ on each replica,"
              + " and Ordo cannot parse the statement to see where it runs; compute the value in the application"
              + " and pass it as a parameter");
        }
      }
      return a;
    }
    Walker w = new Walker();
    w.walk(node, false, null);
    for (Found f : w.found) {
      if (SESSION_FUNCTIONS.contains(f.name)) {
        return refused(a, lower(f.name) + "() in a write depends on the replica's own session or server, which"
            + " differ on each replica; compute the value in the application and pass it as a parameter");
      }
    }
    // A call the lexer finds (and the replica would rewrite) decides by its text; the tree says where it runs,
    // and that it is a call at all (in INSERT INTO random (a, b) the lexer sees one).
    Set<String> treeCalls = new java.util.HashSet<>();
    w.found.forEach(f -> treeCalls.add(f.name + "/" + f.operands));
    for (Nondeterminism.Call c : calls) {
      if (!RANDOM_FUNCTIONS.contains(c.name())
          || !treeCalls.contains(c.name() + "/" + (c.noArgs(sql) ? 0 : c.args().size()))) {
        continue;
      }
      if (Nondeterminism.rewritable(c, sql) == null) {
        if ((c.name().equals("RAND") || c.name().equals("RANDOM")) && c.args().size() == 1) {
          continue; // H2's RAND(seed): the same value on every replica
        }
        return refused(a, notRewritten(c, sql));
      }
    }
    for (Found f : w.found) {
      if (RANDOM_FUNCTIONS.contains(f.name) && f.perRow != null) {
        if ((f.name.equals("RAND") || f.name.equals("RANDOM")) && f.operands == 1) {
          continue;
        }
        return refused(a, lower(f.name) + "() in " + f.perRow + " would be evaluated once per row, differently"
            + " on each replica; compute the value in the application and pass it as a parameter, or use a"
            + " deterministic expression");
      }
    }
    return a;
  }

  private static String notRewritten(Nondeterminism.Call c, String sql) {
    String name = c.display();
    return switch (c.name()) {
      case "RANDOM", "RAND" -> lower(c.name()) + "(min, max) in a write would return a different value on each"
          + " replica; use " + lower(c.name()) + "() (which Ordo makes identical on every replica) in an expression,"
          + " or pass the value as a parameter";
      case "SECURE_RAND", "GEN_RANDOM_BYTES" -> name + " in a write with a length that is not an integer literal"
          + " would return different bytes on each replica; give the length as a literal, or pass the bytes as a"
          + " parameter";
      case "TIMEOFDAY" -> "timeofday() in a write reads each replica's own clock; use clock_timestamp() or now(),"
          + " which Ordo makes identical on every replica";
      case "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUIDV7", "SYS_GUID", "RANDOM_UUID" -> name + " in a write"
          + " would generate a different UUID on each replica; use gen_random_uuid() (H2: RANDOM_UUID()), which"
          + " Ordo makes identical on every replica, or pass the value as a parameter";
      default -> name + " in a write would return a different value on each replica; compute the value in the"
          + " application and pass it as a parameter";
    };
  }

  /** Calls refused wherever they appear, with the reason; null for the others. */
  private static String alwaysRefused(Nondeterminism.Call c) {
    String n = c.name();
    if (ADVISORY_SESSION_LOCKS.contains(n)) {
      return c.display() + " takes or releases a session-level advisory lock, which belongs to whichever replica"
          + " connection runs it and outlives the transaction; use pg_advisory_xact_lock() or"
          + " pg_try_advisory_xact_lock() (or their _shared forms), which Ordo orders and releases at the end of the"
          + " transaction";
    }
    if (SESSION_SEQUENCE_STATE.contains(n)) {
      String call = n.equals("CURRENT VALUE FOR") ? "CURRENT VALUE FOR" : c.display();
      return call + " reads the last value a replica connection's session generated, and replica connections are"
          + " shared by every client; use INSERT … RETURNING (or getGeneratedKeys) to read a generated value, or"
          + " call nextval() in the same statement that uses the value";
    }
    if (LARGE_OBJECTS.contains(n)) {
      return "large objects (" + c.display() + ") are stored outside the tables and are not replicated by Ordo;"
          + " store the data in a bytea (H2: BLOB or VARBINARY) column instead";
    }
    if (n.equals("PG_NOTIFY")) {
      return "pg_notify() would notify the listeners of each replica's server, not Ordo's clients, and Ordo has"
          + " no notification channel; record the event in a table and poll it";
    }
    return null;
  }

  /** Names whose place in a write matters. */
  private static boolean watched(String name) {
    return RANDOM_FUNCTIONS.contains(name) || SESSION_FUNCTIONS.contains(name);
  }

  /** A rule about the statement as a whole (its kind of object, its options); null if none applies. */
  private static String statementRule(String sql, Analysis a) {
    String first = Lexer.firstKeywords(sql, 1);
    switch (first) {
      case "LISTEN", "UNLISTEN", "NOTIFY":
        return first + " acts on the session of one replica connection, not on Ordo's clients, and Ordo has no"
            + " notification channel; record events in a table and poll it";
      case "COPY":
        if (COPY_CLIENT.matcher(sql).find()) {
          return "COPY … FROM STDIN / TO STDOUT needs PostgreSQL's copy protocol, which Ordo's driver does not"
              + " speak; insert the rows with a JDBC batch of INSERT statements, or read them with SELECT";
        }
        return "server-side COPY reads or writes a file (or runs a program) on each replica's own server;"
            + " read the data in the application and insert it with a JDBC batch of INSERT statements, or read"
            + " it with SELECT";
      case "CREATE":
        return createRule(sql);
      case "DO":
        return bodyRule("DO", sql);
      case "ALTER":
        if (SET_UNLOGGED.matcher(sql).find()) {
          return "ALTER TABLE … SET UNLOGGED: an unlogged table is emptied when a replica's server crashes, so"
              + " replicas would diverge; keep the table logged";
        }
        return cacheRule(sql);
      default:
        return null;
    }
  }

  private static String createRule(String sql) {
    String[] words = Lexer.firstKeywords(sql, 8).split(" ");
    // The words between CREATE [OR REPLACE] and the kind of object.
    for (int i = 1; i < words.length; i++) {
      String w = words[i];
      switch (w) {
        case "TEMP", "TEMPORARY":
          return "CREATE " + String.join(" ", java.util.Arrays.copyOfRange(words, 1, Math.min(words.length,
              objectIndex(words, i) + 1))) + " creates an object of one replica connection's session, and"
              + " replica connections are shared by every client; create an ordinary table (or sequence, view)"
              + " and drop it when done";
        case "UNLOGGED":
          return "CREATE UNLOGGED TABLE: an unlogged table is emptied when a replica's server crashes, so"
              + " replicas would diverge; create an ordinary table";
        case "ALIAS":
          return "CREATE ALIAS runs Java code on each replica, which Ordo cannot check for determinism; compute"
              + " the value in SQL or in the application";
        case "TRIGGER":
          if (h2JavaTrigger(sql)) {
            return "CREATE TRIGGER … CALL \"class\" / AS $$…$$ runs Java code on each replica, which Ordo cannot"
                + " check for determinism; do the work in the application's statements instead";
          }
          return null;
        case "AGGREGATE":
          if (h2JavaTrigger(sql)) {
            return "CREATE AGGREGATE … FOR \"class\" runs Java code on each replica, which Ordo cannot check for"
                + " determinism; compute the aggregate in SQL or in the application";
          }
          return null;
        case "TABLE":
          if (CREATE_TABLE_AS.matcher(sql).find()) {
            for (Nondeterminism.Call c : Nondeterminism.find(sql)) {
              if (watched(c.name())) {
                return "CREATE TABLE … AS calls " + c.display() + ", whose value would differ on each replica;"
                    + " create the table, then fill it with INSERT statements whose values the application passes"
                    + " as parameters";
              }
            }
          }
          return cacheRule(sql);
        case "SEQUENCE":
          return cacheRule(sql);
        case "FUNCTION", "PROCEDURE":
          return bodyRule("CREATE " + w + " " + (i + 1 < words.length ? words[i + 1] : ""), sql);
        case "OR", "REPLACE", "GLOBAL", "LOCAL", "MEMORY", "CACHED", "FORCE", "CONSTRAINT", "UNIQUE":
          continue;
        default:
          return null;
      }
    }
    return null;
  }

  /** Calls in a function body that each replica would evaluate alike only by chance. */
  private static final Pattern BODY_CALLS = Pattern.compile("(?i)(?<![\\w$.\"])(now|clock_timestamp|"
      + "statement_timestamp|transaction_timestamp|timeofday|random|random_normal|gen_random_uuid|uuid_generate_v1|"
      + "uuid_generate_v1mc|uuid_generate_v4|uuidv4|uuidv7|gen_random_bytes|gen_salt|pg_backend_pid|txid_current|"
      + "pg_current_xact_id|currval|lastval|setseed)\\s*\\(|(?<![\\w$.\"])(current_timestamp|current_date|current_time|"
      + "localtimestamp|localtime)(?![\\w$])");

  /**
   * A function, procedure or anonymous block whose body calls the clock or a
   * random generator: each replica's backend would evaluate the call itself, at
   * its own time. Ordo rewrites such calls only in the statements it sees.
   */
  static String bodyRule(String what, String sql) {
    Matcher m = BODY_CALLS.matcher(sql);
    if (!m.find()) {
      return null;
    }
    String call = (m.group(1) != null ? m.group(1) + "()" : m.group(2)).toLowerCase(Locale.ROOT);
    return what.trim() + ": its body calls " + call + ", which each replica's backend would evaluate by itself"
        + " (its own clock, its own random generator), so replicas would diverge; pass the value in as a parameter"
        + " from the calling statement, where Ordo makes it the same on every replica";
  }

  private static int objectIndex(String[] words, int from) {
    for (int i = from; i < words.length; i++) {
      if (!words[i].equals("TEMP") && !words[i].equals("TEMPORARY")) {
        return i;
      }
    }
    return words.length - 1;
  }

  /** H2's trigger and aggregate forms that name a Java class or carry Java source. */
  private static boolean h2JavaTrigger(String sql) {
    String code = withoutLiterals(sql).toUpperCase(Locale.ROOT);
    return Pattern.compile("\\b(CALL|FOR)\\s*[\"']").matcher(code).find()
        || Pattern.compile("\\bAS\\s*\\$").matcher(code).find();
  }

  /** {@code CACHE n} with {@code n > 1} in sequence options (of a sequence or an identity column). */
  private static String cacheRule(String sql) {
    Matcher m = CACHE.matcher(withoutLiterals(sql));
    while (m.find()) {
      String digits = m.group(1);
      if (digits.length() > 9 || Integer.parseInt(digits) > 1) {
        return "CACHE " + digits + " gives each replica connection its own block of sequence values, so replicas"
            + " would hand out values in different orders; use CACHE 1 (H2 also accepts NO CACHE), or leave"
            + " CACHE out";
      }
    }
    return null;
  }

  /**
   * The statement with the contents of string literals, quoted identifiers and
   * comments blanked (their delimiters stay), so that patterns see only code.
   */
  static String withoutLiterals(String sql) {
    StringBuilder out = new StringBuilder(sql);
    int len = sql.length();
    int i = 0;
    while (i < len) {
      char c = sql.charAt(i);
      int end;
      if (c == '\'' || c == '"') {
        end = TimeFunctions.skipQuoted(sql, i, c, false);
      } else if (c == '$' && i + 1 < len && !Character.isDigit(sql.charAt(i + 1))) {
        end = TimeFunctions.skipDollar(sql, i);
        if (end == i + 1) {
          i++;
          continue;
        }
        int tag = sql.indexOf('$', i + 1) + 1;
        for (int k = tag; k < end - (tag - i); k++) {
          out.setCharAt(k, ' ');
        }
        i = end;
        continue;
      } else if (c == '-' && i + 1 < len && sql.charAt(i + 1) == '-') {
        int nl = sql.indexOf('\n', i);
        end = nl < 0 ? len : nl;
        for (int k = i; k < end; k++) {
          out.setCharAt(k, ' ');
        }
        i = end;
        continue;
      } else if (c == '/' && i + 1 < len && sql.charAt(i + 1) == '*') {
        end = TimeFunctions.skipBlockComment(sql, i);
        for (int k = i; k < end; k++) {
          out.setCharAt(k, ' ');
        }
        i = end;
        continue;
      } else {
        i++;
        continue;
      }
      for (int k = i + 1; k < end - 1; k++) {
        out.setCharAt(k, ' ');
      }
      i = end;
    }
    return out.toString();
  }

  private static Analysis refused(Analysis a, String why) {
    return new Analysis(Analysis.Kind.REFUSED, a.parsed(), false, java.util.Set.of(), java.util.Set.of(), why);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** A function call in the parse tree, and where it runs once per row (a phrase naming the clause), or null. */
  private record Found(String name, String perRow, int operands) {}

  /** Walks a parse tree, noting each function call and whether it runs once per row. */
  private static final class Walker {
    final List<Found> found = new ArrayList<>();

    void walk(SqlNode node, boolean ignored, String perRow) {
      if (node == null) {
        return;
      }
      if (node instanceof SqlNodeList list) {
        for (SqlNode n : list) {
          walk(n, false, perRow);
        }
        return;
      }
      if (!(node instanceof SqlCall call)) {
        return;
      }
      if (call instanceof SqlSelect select) {
        String rows = perRow != null ? perRow : select.getFrom() != null ? "a query with FROM" : null;
        for (SqlNode operand : select.getOperandList()) {
          walk(operand, false, operand == select.getFrom() ? perRow : rows);
        }
        return;
      }
      if (call instanceof SqlOrderBy orderBy) {
        walk(orderBy.query, false, perRow);
        walk(orderBy.orderList, false, perRow != null ? perRow : "ORDER BY");
        walk(orderBy.offset, false, perRow);
        walk(orderBy.fetch, false, perRow);
        return;
      }
      if (call instanceof LockingQuery locking) {
        walk(locking.query(), false, perRow);
        return;
      }
      if (call instanceof ExtendedInsert insert) {
        String context = insert.isH2Merge() ? "MERGE" : "INSERT";
        walk(insert.getSource(), false, rowsOf(insert.getSource(), context, perRow));
        if (insert.conflict() != null) {
          String doUpdate = perRow != null ? perRow : "ON CONFLICT DO UPDATE";
          walk(insert.conflict().values(), false, doUpdate);
          walk(insert.conflict().where(), false, doUpdate);
        }
        walk(insert.returning(), false, perRow != null ? perRow : "RETURNING");
        return;
      }
      if (call instanceof SqlInsert insert) {
        walk(insert.getSource(), false, rowsOf(insert.getSource(), "INSERT", perRow));
        return;
      }
      if (call instanceof SqlUpdate || call instanceof SqlDelete || call instanceof SqlMerge) {
        String context = perRow != null ? perRow
            : call instanceof SqlUpdate ? "UPDATE" : call instanceof SqlDelete ? "DELETE" : "MERGE";
        for (SqlNode operand : call.getOperandList()) {
          walk(operand, false, context);
        }
        return;
      }
      note(call, perRow);
      for (SqlNode operand : call.getOperandList()) {
        walk(operand, false, perRow);
      }
    }

    /** An INSERT's source: a query with FROM runs per row (said so as "INSERT … SELECT … FROM"). */
    private static String rowsOf(SqlNode source, String context, String perRow) {
      if (perRow != null) {
        return perRow;
      }
      SqlNode q = source;
      while (q instanceof SqlOrderBy o) {
        q = o.query;
      }
      if (q instanceof SqlSelect s && s.getFrom() != null) {
        return context + " … SELECT … FROM";
      }
      return null;
    }

    private void note(SqlCall call, String perRow) {
      if (call.getKind() == SqlKind.CURRENT_VALUE) {
        found.add(new Found("CURRENT VALUE FOR", perRow, 0));
        return;
      }
      if (call.getOperator() instanceof SqlFunction f) {
        found.add(new Found(f.getName().toUpperCase(Locale.ROOT), perRow, call.operandCount()));
      }
    }
  }
}
