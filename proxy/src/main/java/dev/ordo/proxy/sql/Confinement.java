package dev.ordo.proxy.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a client's SQL may not reach: anything beyond the replicated data. A replica runs a statement on its own
 * server, so a statement that reads or writes that server's files, runs a program or Java code there, links to
 * another database, acts on other sessions, changes the server's configuration or its users, or changes Ordo's own
 * bookkeeping (schema {@code ORDO}) is refused before it reaches any replica, with SQLState 42501; text holding
 * more than one statement is refused with 0A000, because only the first would have been analysed.
 *
 * <p>This is a first wall, read from the statement's tokens (comments skipped, strings and quoted identifiers
 * kept whole, function bodies in {@code CREATE FUNCTION} looked into). The second is the replica's own account:
 * docs/configuration.md shows how to run replicas under a role that could not do these things anyway.
 */
final class Confinement {
  private Confinement() {
  }

  /** Functions that read or write the server's files, link out, run other SQL text, or act on other sessions. */
  private static final Set<String> FUNCTIONS = Set.of(
      // H2
      "FILE_READ", "FILE_WRITE", "CSVREAD", "CSVWRITE", "LINK_SCHEMA", "CANCEL_SESSION", "ABORT_SESSION",
      // PostgreSQL: files and directories
      "PG_READ_FILE", "PG_READ_BINARY_FILE", "PG_STAT_FILE", "PG_LS_DIR", "PG_LS_LOGDIR", "PG_LS_WALDIR",
      "PG_LS_TMPDIR", "PG_LS_ARCHIVE_STATUSDIR", "PG_LS_LOGICALSNAPDIR", "PG_LS_LOGICALMAPDIR",
      "PG_LS_REPLSLOTDIR", "PG_FILE_WRITE", "PG_FILE_RENAME", "PG_FILE_UNLINK", "PG_FILE_SYNC", "PG_LOGDIR_LS",
      "LO_IMPORT", "LO_EXPORT", "PG_CURRENT_LOGFILE",
      // PostgreSQL: other sessions and the server itself
      "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "PG_RELOAD_CONF", "PG_ROTATE_LOGFILE", "PG_PROMOTE",
      "PG_SWITCH_WAL", "PG_CREATE_RESTORE_POINT", "PG_BACKUP_START", "PG_BACKUP_STOP", "PG_START_BACKUP",
      "PG_STOP_BACKUP", "PG_LOG_BACKEND_MEMORY_CONTEXTS", "PG_CREATE_PHYSICAL_REPLICATION_SLOT",
      "PG_CREATE_LOGICAL_REPLICATION_SLOT", "PG_DROP_REPLICATION_SLOT", "PG_LOGICAL_EMIT_MESSAGE",
      "PG_REPLICATION_ORIGIN_CREATE", "PG_IMPORT_SYSTEM_COLLATIONS",
      // PostgreSQL: SQL text run inside the server, out of Ordo's sight
      "QUERY_TO_XML", "QUERY_TO_XMLSCHEMA", "QUERY_TO_XML_AND_XMLSCHEMA", "CURSOR_TO_XML", "CURSOR_TO_XMLSCHEMA",
      // dblink: another database
      "DBLINK", "DBLINK_EXEC", "DBLINK_CONNECT", "DBLINK_CONNECT_U", "DBLINK_SEND_QUERY", "DBLINK_OPEN");

  /** Extensions that reach files, other databases or untrusted languages. */
  private static final Set<String> EXTENSIONS = Set.of("ADMINPACK", "DBLINK", "POSTGRES_FDW", "FILE_FDW",
      "PLPYTHONU", "PLPYTHON2U", "PLPYTHON3U", "PLPERLU", "PLTCLU", "LO", "PG_READ_ALL_DATA");

  /** Procedural languages that run with the server's operating-system rights. */
  private static final Set<String> UNTRUSTED_LANGUAGES = Set.of("C", "INTERNAL", "PLPYTHONU", "PLPYTHON2U",
      "PLPYTHON3U", "PLPERLU", "PLTCLU", "JAVAU");

  /** H2 settings that act on the whole database or on the server, not on the session. */
  private static final Set<String> H2_DATABASE_SETTINGS = Set.of("EXCLUSIVE", "LOCK_MODE", "JAVA_OBJECT_SERIALIZER",
      "BUILTIN_ALIAS_OVERRIDE", "DATABASE_EVENT_LISTENER", "TRACE_LEVEL_FILE", "TRACE_MAX_FILE_SIZE", "WRITE_DELAY",
      "DB_CLOSE_DELAY", "MAX_LOG_SIZE", "COMPRESS_LOB", "CACHE_SIZE", "ALLOW_LITERALS", "REFERENTIAL_INTEGRITY",
      "PASSWORD", "SALT", "RETENTION_TIME", "MAX_MEMORY_ROWS", "MAX_OPERATION_MEMORY", "AUTHENTICATOR",
      "IGNORECASE", "CLUSTER", "DEFAULT_TABLE_TYPE", "OPTIMIZE_REUSE_RESULTS", "QUERY_STATISTICS",
      "DEFAULT_LOCK_TIMEOUT", "MAX_LENGTH_INPLACE_LOB", "MODE", "COLLATION", "BINARY_COLLATION", "UUID_COLLATION");

  /** The schema of Ordo's bookkeeping on every replica. */
  static final String ORDO_SCHEMA = "ORDO";

  /** What a refusal is. */
  enum Refusal {
    /** More than one statement in one text: 0A000. */
    SEVERAL_STATEMENTS,
    /** Reaches beyond the replicated data: 42501. */
    BEYOND_THE_DATA
  }

  /** A refusal and its reason. */
  record Verdict(Refusal refusal, String reason) {
  }

  /** Why Ordo refuses {@code sql} whole, or null when it does not. */
  static Verdict review(String sql) {
    SqlTokens t = SqlTokens.of(sql);
    List<SqlTokens.Token> tokens = t.tokens();
    int statements = statements(t);
    if (statements > 1) {
      return new Verdict(Refusal.SEVERAL_STATEMENTS, "the text holds " + statements + " statements and Ordo runs"
          + " one statement per execute: execute them one at a time, or as a batch (Statement.addBatch)");
    }
    String why = statementRule(t);
    if (why == null) {
      why = functionRule(tokens);
    }
    return why == null ? null : new Verdict(Refusal.BEYOND_THE_DATA, why);
  }

  /**
   * Statements in the text: {@code ;} separates them, except inside a {@code BEGIN ATOMIC … END} body, and inside
   * the {@code BEGIN … END} body of a {@code CREATE TRIGGER}, {@code FUNCTION} or {@code PROCEDURE} (where
   * {@code BEGIN} and {@code CASE} open a block that {@code END} closes, and {@code END IF}, {@code END LOOP} and
   * the like close none).
   */
  private static int statements(SqlTokens t) {
    int count = 0;
    boolean inStatement = false;
    boolean routine = false;
    int atomic = 0;
    for (int i = 0; i < t.size(); i++) {
      SqlTokens.Token k = t.get(i);
      if (!inStatement) {
        routine = isRoutine(t, i);
      }
      if ((k.is("BEGIN") && (routine || t.is(i + 1, "ATOMIC"))) || (k.is("CASE") && atomic > 0)) {
        atomic++;
      } else if (atomic > 0 && k.is("END") && !(t.is(i + 1, "IF") || t.is(i + 1, "LOOP") || t.is(i + 1, "WHILE")
          || t.is(i + 1, "REPEAT") || t.is(i + 1, "FOR"))) {
        atomic--;
      }
      if (k.punct(';') && atomic == 0) {
        inStatement = false;
      } else if (!inStatement) {
        inStatement = true;
        count++;
      }
    }
    return count;
  }

  /** Whether a statement starting at token {@code i} creates a trigger, function or procedure. */
  private static boolean isRoutine(SqlTokens t, int i) {
    if (!t.is(i, "CREATE")) {
      return false;
    }
    int k = i + 1;
    while (t.is(k, "OR") || t.is(k, "REPLACE") || t.is(k, "TEMP") || t.is(k, "TEMPORARY") || t.is(k, "CONSTRAINT")) {
      k++;
    }
    return t.is(k, "TRIGGER") || t.is(k, "FUNCTION") || t.is(k, "PROCEDURE");
  }

  /** Statements refused by their leading words. */
  private static String statementRule(SqlTokens t) {
    String w0 = word(t, 0);
    String w1 = word(t, 1);
    switch (w0) {
      case "RUNSCRIPT":
        return "RUNSCRIPT runs a script file from the replica's server; send its statements through Ordo";
      case "SCRIPT":
        return "SCRIPT writes out a replica's whole database, Ordo's bookkeeping and accounts included; back up"
            + " the replicas with their own tools, or read the tables through Ordo";
      case "DO":
        return "DO runs a procedural block whose statements Ordo cannot see; send them as statements, or create"
            + " a function and call it";
      case "LOAD":
        return "LOAD loads a shared library into the replica's server";
      case "COPY":
        return null; // DeterminismRules: server-side COPY is refused, with the client-side alternative
      case "IMPORT":
        return w1.equals("FOREIGN") ? "IMPORT FOREIGN SCHEMA links to another server, outside the replicated data"
            : null;
      case "ALTER":
        if (w1.equals("SYSTEM")) {
          return "ALTER SYSTEM changes the replica server's configuration; configure each server directly";
        }
        break;
      case "SET":
      case "RESET": {
        int at = w1.equals("SESSION") || w1.equals("LOCAL") ? 2 : 1;
        String setting = word(t, at);
        if (setting.equals("SESSION_REPLICATION_ROLE")) {
          return "session_replication_role turns off triggers and foreign keys on a replica";
        }
        if (w0.equals("SET") && at == 1 && H2_DATABASE_SETTINGS.contains(setting)) {
          return "SET " + setting + " changes the replica database for every session, not this session's"
              + " settings; configure the replicas directly";
        }
        break;
      }
      default:
        break;
    }
    if (w0.equals("CREATE") || w0.equals("ALTER") || w0.equals("DROP")) {
      return ddlRule(t, w0);
    }
    if ((w0.equals("GRANT") || w0.equals("REVOKE")) && !containsWord(t, "ON")) {
      return w0 + " of a role changes which server accounts hold which rights; manage replica accounts on each"
          + " server, and Ordo's users in its own configuration";
    }
    return null;
  }

  private static String ddlRule(SqlTokens t, String verb) {
    int i = 1;
    while (t.is(i, "OR") || t.is(i, "REPLACE") || t.is(i, "FORCE") || t.is(i, "GLOBAL") || t.is(i, "LOCAL")
        || t.is(i, "TEMPORARY") || t.is(i, "TEMP") || t.is(i, "MEMORY") || t.is(i, "CACHED")
        || t.is(i, "TRUSTED") || t.is(i, "PROCEDURAL") || t.is(i, "UNLOGGED")) {
      i++;
    }
    String what = word(t, i);
    switch (what) {
      case "LINKED":
        return verb + " LINKED TABLE links to another database, outside the replicated data";
      case "USER":
      case "ROLE":
      case "GROUP":
        if (t.is(i + 1, "MAPPING")) {
          return verb + " USER MAPPING holds the credentials of a link to another server";
        }
        return verb + " " + what + " changes the replica server's accounts; manage them on each server, and"
            + " Ordo's users in its own configuration";
      case "SERVER":
      case "FOREIGN":
        return verb + " " + what + (what.equals("FOREIGN") ? " " + word(t, i + 1) : "")
            + " links to another server, outside the replicated data";
      case "EXTENSION":
        for (int k = i + 1; k < t.size() && k < i + 6; k++) {
          SqlTokens.Token n = t.get(k);
          if (n.isName() && EXTENSIONS.contains(n.text().toUpperCase(Locale.ROOT))) {
            return "the extension " + n.text().toLowerCase(Locale.ROOT) + " reaches files, other databases or"
                + " the operating system of the replica's server";
          }
        }
        return null;
      case "TABLESPACE":
        return verb + " TABLESPACE places files on the replica server's disk; create it on each server directly";
      case "LANGUAGE":
        return verb + " LANGUAGE installs a procedural language in the replica server";
      case "FUNCTION":
      case "PROCEDURE":
        if (verb.equals("CREATE")) {
          return routineRule(t, i);
        }
        return null;
      default:
        break;
    }
    if (verb.equals("CREATE") && what.equals("TABLE")) {
      for (int k = i; k + 1 < t.size(); k++) {
        if (t.get(k).is("ENGINE") && t.get(k + 1).type() == SqlTokens.Type.QUOTED) {
          return "CREATE TABLE … ENGINE \"class\" loads a Java class into the replica";
        }
      }
    }
    return null;
  }

  /** {@code CREATE FUNCTION}: no untrusted language, and no refused function in its body. */
  private static String routineRule(SqlTokens t, int from) {
    for (int k = from; k < t.size(); k++) {
      SqlTokens.Token n = t.get(k);
      if (n.is("LANGUAGE") && k + 1 < t.size()) {
        SqlTokens.Token lang = t.get(k + 1);
        String name = lang.type() == SqlTokens.Type.STRING ? unquote(lang.text()) : lang.text();
        if (UNTRUSTED_LANGUAGES.contains(name.toUpperCase(Locale.ROOT))) {
          return "a function in language " + name.toLowerCase(Locale.ROOT) + " runs with the replica server's"
              + " operating-system rights";
        }
      }
      if (n.type() == SqlTokens.Type.STRING && n.text().startsWith("$")) {
        SqlTokens body = SqlTokens.of(dollarBody(n.text()));
        String why = functionRule(body.tokens());
        if (why != null) {
          return "the function's body: " + why;
        }
      }
    }
    return null;
  }

  /** Refused function calls anywhere in the statement. */
  private static String functionRule(List<SqlTokens.Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      SqlTokens.Token n = tokens.get(i);
      if (n.isName() && tokens.get(i + 1).punct('(')
          && FUNCTIONS.contains(name(n).toUpperCase(Locale.ROOT))) {
        String name = name(n).toLowerCase(Locale.ROOT);
        return name + "() reaches beyond the replicated data (the replica server's files, another database,"
            + " other sessions or the server itself)";
      }
    }
    return null;
  }

  /**
   * Why a write may not run because it changes Ordo's own schema, or null. The tables it writes tell for what
   * Ordo parsed; DDL and what it could not parse are refused when they name the schema at all.
   */
  static String bookkeepingRule(String sql, Analysis a) {
    for (String table : a.tablesWritten()) {
      if (inOrdoSchema(table)) {
        return bookkeeping(table);
      }
    }
    if (a.parsed() && !a.ddl() && !a.globalLock()) {
      return null;
    }
    SqlTokens t = SqlTokens.of(sql);
    for (int i = 0; i < t.size(); i++) {
      SqlTokens.Token k = t.get(i);
      if (k.isName() && k.text().equalsIgnoreCase(ORDO_SCHEMA)
          && (t.punct(i + 1, '.') || t.is(i - 1, "SCHEMA") || t.is(i - 1, "EXISTS"))) {
        return bookkeeping(k.text() + (t.punct(i + 1, '.') && i + 2 < t.size() ? "." + t.get(i + 2).text() : ""));
      }
    }
    return null;
  }

  private static boolean inOrdoSchema(String table) {
    String upper = table.toUpperCase(Locale.ROOT).replace("\"", "");
    return upper.equals(ORDO_SCHEMA) || upper.startsWith(ORDO_SCHEMA + ".");
  }

  private static String bookkeeping(String what) {
    return "schema ORDO holds Ordo's own bookkeeping (" + what + "), which only Ordo writes; read it, but keep"
        + " application objects in another schema";
  }

  /** A name token's name: a Unicode-escaped identifier ({@code U&"FILE\005FREAD"}) decoded. */
  static String name(SqlTokens.Token n) {
    String text = n.text();
    if (n.type() != SqlTokens.Type.QUOTED || !(text.startsWith("U&\"") || text.startsWith("u&\""))) {
      return text;
    }
    String body = text.substring(3, Math.max(3, text.length() - 1)).replace("\"\"", "\"");
    try {
      return unescape(body);
    } catch (IllegalArgumentException malformed) { // the backend refuses it anyway
      return text;
    }
  }

  private static String unescape(String body) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '\\') {
        out.append('\\');
        i++;
      } else if (c == '\\' && i + 4 < body.length() && body.charAt(i + 1) != '+') {
        out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 5), 16));
        i += 4;
      } else if (c == '\\' && i + 7 < body.length() && body.charAt(i + 1) == '+') {
        out.appendCodePoint(Integer.parseInt(body.substring(i + 2, i + 8), 16));
        i += 7;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String word(SqlTokens t, int i) {
    return i < t.size() && t.get(i).type() == SqlTokens.Type.WORD ? t.get(i).text() : "";
  }

  private static boolean containsWord(SqlTokens t, String w) {
    for (SqlTokens.Token k : t.tokens()) {
      if (k.is(w)) {
        return true;
      }
    }
    return false;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("'") ? s.substring(1, s.length() - 1) : s;
  }

  private static String dollarBody(String quoted) {
    int open = quoted.indexOf('$', 1);
    int close = quoted.lastIndexOf('$', quoted.length() - 2);
    return open >= 0 && close > open ? quoted.substring(open + 1, close) : "";
  }
}
