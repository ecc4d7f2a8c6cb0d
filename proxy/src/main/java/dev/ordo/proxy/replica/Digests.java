package dev.ordo.proxy.replica;

import dev.ordo.driver.wire.ResultData;
import dev.ordo.proxy.txn.Outcome;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The 64-bit hashes replicas compare: of an entry's outcome (update counts,
 * generated keys, the rows it read, its SQLState — never message text), and of
 * a table's contents. Sets of rows hash to the sum of their rows' hashes, so
 * row order does not matter but every row counts. Values hash by a canonical
 * text (numbers without trailing zeros, bytes in hex), so the same data read on
 * two replicas of one engine hashes alike.
 */
final class Digests {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Digests() {}

  /** Murmur3's 64-bit finaliser: spreads every input bit over the result. */
  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  static long text(long h, String s) {
    byte[] b = (s == null ? "\u0000null" : s).getBytes(StandardCharsets.UTF_8);
    for (byte x : b) {
      h ^= x & 0xff;
      h *= FNV_PRIME;
    }
    h ^= 0x1f; // separator: ("ab","c") and ("a","bc") differ
    h *= FNV_PRIME;
    return h;
  }

  static long combine(long h, long v) {
    return mix(h * 31 + v);
  }

  /** A value's canonical text. */
  static String canonical(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof byte[] bytes) {
      return "x" + HexFormat.of().formatHex(bytes);
    }
    if (v instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (v instanceof Object[] array) {
      StringBuilder b = new StringBuilder("[");
      for (Object o : array) {
        b.append(canonical(o)).append(',');
      }
      return b.append(']').toString();
    }
    if (v instanceof java.sql.Array a) {
      try {
        return canonical(a.getArray());
      } catch (SQLException e) {
        return String.valueOf(v);
      }
    }
    return v.toString();
  }

  static long row(Object[] values) {
    long h = FNV_OFFSET;
    for (Object v : values) {
      h = text(h, canonical(v));
    }
    return mix(h);
  }

  /** Order-insensitive hash of a result's rows (column names excluded: they may follow the client's case). */
  static long rows(ResultData data) {
    if (data == null) {
      return 0;
    }
    long sum = data.rows().size();
    for (Object[] r : data.rows()) {
      sum += row(r);
    }
    return mix(sum);
  }

  /**
   * Calls whose value each replica computes for itself where Ordo leaves them
   * (in reads): random values, the replica's session and server. The rows of a
   * statement that makes one are not hashed.
   */
  private static final java.util.Set<String> VARYING = java.util.Set.of("RANDOM", "RAND", "RANDOM_NORMAL",
      "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4", "UUIDV4", "UUIDV7",
      "RANDOM_UUID", "UUID", "NEWID", "SYS_GUID", "SECURE_RAND", "GEN_RANDOM_BYTES", "GEN_SALT", "TIMEOFDAY",
      "PG_BACKEND_PID", "INET_SERVER_ADDR", "INET_SERVER_PORT", "INET_CLIENT_ADDR", "INET_CLIENT_PORT",
      "TXID_CURRENT", "TXID_CURRENT_IF_ASSIGNED", "PG_CURRENT_XACT_ID", "PG_POSTMASTER_START_TIME",
      "PG_CONF_LOAD_TIME", "CURRENT_SETTING", "SESSION_ID", "TRANSACTION_ID", "DATABASE_PATH", "MEMORY_USED",
      "MEMORY_FREE", "LOCK_MODE", "LOCK_TIMEOUT", "DISK_SPACE_USED", "H2VERSION", "VERSION");

  /**
   * A read that picks some of the rows ({@code LIMIT}, {@code FETCH FIRST},
   * H2 {@code TOP}, {@code OFFSET}, {@code DISTINCT ON}) may pick different
   * ones on replicas whose tables are laid out differently, and an aggregate or
   * window function that depends on row order may differ too; their rows are not hashed.
   */
  private static final java.util.regex.Pattern PICKS_ROWS = java.util.regex.Pattern.compile(
      "(?i)\\b(LIMIT|FETCH\\s+(FIRST|NEXT)|OFFSET|TOP|DISTINCT\\s+ON)\\b|\\b(STRING_AGG|ARRAY_AGG|JSON_AGG|JSONB_AGG|XMLAGG"
          + "|LISTAGG|GROUP_CONCAT|JSON_ARRAYAGG|ROW_NUMBER|FIRST_VALUE|LAST_VALUE|NTH_VALUE|LAG|LEAD|NTILE)\\s*\\(");

  /**
   * Whether any statement of the entry returns rows that may differ between
   * replicas: it calls something each replica evaluates for itself, or it picks
   * some of the rows.
   */
  static boolean varies(dev.ordo.proxy.txn.TxnEntry e) {
    for (dev.ordo.proxy.txn.TxnEntry.Statement s : e.statements()) {
      if (variesCached(s.sql())) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@link #varies} of one statement's text, remembered: the regular expression and the scan cost about 4 % of
   * a replica's CPU when run for every statement (JFR, TPC-B at 32 clients), and applications repeat their texts.
   */
  private static final java.util.Map<String, Boolean> VARIES = new java.util.concurrent.ConcurrentHashMap<>();

  private static boolean variesCached(String sql) {
    Boolean known = VARIES.get(sql);
    if (known == null) {
      known = varies(sql);
      if (VARIES.size() >= 10_000) {
        VARIES.clear();
      }
      VARIES.put(sql, known);
    }
    return known;
  }

  private static boolean varies(String sql) {
    if (PICKS_ROWS.matcher(sql).find()) {
      return true;
    }
    for (dev.ordo.proxy.sql.Nondeterminism.Call c : dev.ordo.proxy.sql.Nondeterminism.find(sql)) {
      if (VARYING.contains(c.name())) {
        return true;
      }
    }
    return false;
  }

  /** Hash of an outcome: what every replica must have answered alike. */
  static long outcome(Outcome o) {
    return outcome(o, true);
  }

  /**
   * Hash of an outcome; with {@code withRows} false, the rows it returned are
   * left out (they came from calls each replica evaluates itself, see {@link #varies}).
   */
  static long outcome(Outcome o, boolean withRows) {
    if (o instanceof Outcome.Failed f) {
      return mix(text(FNV_OFFSET, "E" + f.sqlState() + "@" + f.statement()));
    }
    Outcome.Done d = (Outcome.Done) o;
    long h = FNV_OFFSET;
    for (long c : d.counts()) {
      h = combine(h, c);
    }
    h = combine(h, rows(d.keys()));
    return combine(h, withRows ? rows(d.rows()) : (d.rows() == null ? 0 : d.rows().rows().size()));
  }

  /** Hash of how a transaction ended: its id, its end, and the hash of its statements' outcomes. */
  static long end(String txnId, String code, String sqlState, long statements) {
    long h = text(text(text(FNV_OFFSET, txnId), code), sqlState);
    return combine(h, statements);
  }

  /** The quoted SQL names of the given tables (upper-cased, qualified), as this replica spells them. */
  static List<String> sqlNames(Connection c, java.util.Collection<String> upper) throws SQLException {
    Map<String, String> real = new HashMap<>();
    try (java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES")) {
      while (rs.next()) {
        String schema = rs.getString(1);
        String table = rs.getString(2);
        real.put((schema + "." + table).toUpperCase(java.util.Locale.ROOT),
            quote(schema) + "." + quote(table));
      }
    }
    List<String> out = new ArrayList<>();
    for (String u : upper) {
      String name = real.get(u);
      if (name != null) {
        out.add(name);
      }
    }
    return out;
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /**
   * Order-insensitive hash of the contents of the given tables (SQL names), each
   * named; run inside one backend transaction that sees a consistent state.
   */
  static long tables(Connection c, Collection<String> sqlNames) throws SQLException {
    long total = FNV_OFFSET;
    for (String t : sqlNames.stream().sorted().toList()) {
      long sum = 0;
      long n = 0;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
        ResultSetMetaData md = rs.getMetaData();
        int cols = md.getColumnCount();
        Object[] values = new Object[cols];
        while (rs.next()) {
          for (int i = 0; i < cols; i++) {
            values[i] = rs.getObject(i + 1);
          }
          sum += row(values);
          n++;
        }
      }
      total = combine(text(total, t), mix(sum + n));
    }
    return mix(total);
  }

  /** Hex form used in reports and status. */
  static String hex(long h) {
    return String.format("%016x", h);
  }
}
