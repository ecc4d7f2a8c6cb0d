package dev.ordo.proxy.session;

import dev.ordo.driver.SqlExceptions;
import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.ResultData;
import dev.ordo.driver.wire.Response;
import dev.ordo.proxy.replica.Jdbc;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Answers a driver's {@link DatabaseMetaData} call with the replica's own
 * metadata: the method of the same name and arity is invoked on the replica.
 * Methods that return a result set answer with its rows, without Ordo's
 * internal schema; scalar methods answer with one row of one column. Two
 * {@link java.sql.Connection} methods are answered too, for the driver's
 * {@code getCatalog} and {@code getSchema}: {@code Connection.getCatalog} and
 * {@code Connection.getSchema} of the replica connection.
 *
 * <p>A node may report its own name for the replicas' catalog: PostgreSQL
 * replicas are databases with names of their own (several may live on one
 * server), so the catalog a replica reports depends on which replica answers.
 * The node's database name then stands for it in {@code Connection.getCatalog},
 * in catalog arguments, in every catalog column of the answers, and as the one
 * row of {@code getCatalogs} (which on PostgreSQL lists every database of the
 * server).
 */
final class MetadataCall {
  private static final String INTERNAL_SCHEMA = "ORDO";
  private static final Set<String> SCHEMA_COLUMNS = Set.of("TABLE_SCHEM", "PKTABLE_SCHEM", "FKTABLE_SCHEM");

  private MetadataCall() {}

  /**
   * Answers {@code call} from {@code md}.
   *
   * @param catalog the catalog name to report instead of the replica's own, or null to report the replica's
   */
  static Response invoke(DatabaseMetaData md, Request.Metadata call, String catalog) throws SQLException {
    if (catalog == null) {
      return invoke(md, call);
    }
    if (call.args().isEmpty() && call.method().equals("Connection.getCatalog")) {
      return scalar(catalog);
    }
    String own = md.getConnection().getCatalog();
    Response r = invoke(md, own == null ? call : askedOfReplica(call, catalog, own));
    if (!(r instanceof Response.Rows rows) || own == null) {
      return r;
    }
    boolean onlyOwn = call.args().isEmpty() && call.method().equals("getCatalogs");
    return new Response.Rows(renameCatalog(rows.data(), own, catalog, onlyOwn));
  }

  static Response invoke(DatabaseMetaData md, Request.Metadata call) throws SQLException {
    if (call.args().isEmpty() && call.method().equals("Connection.getCatalog")) {
      return scalar(md.getConnection().getCatalog());
    }
    if (call.args().isEmpty() && call.method().equals("Connection.getSchema")) {
      return scalar(md.getConnection().getSchema());
    }
    Method m = find(call.method(), call.args().size());
    Object[] args = new Object[call.args().size()];
    Class<?>[] types = m.getParameterTypes();
    for (int i = 0; i < args.length; i++) {
      args[i] = convert(call.args().get(i), types[i], call.method(), i);
    }
    if (call.method().equals("getTables") && args[3] instanceof String[] wanted) {
      args[3] = withBaseTable(wanted);
    }
    Object result;
    try {
      result = m.invoke(md, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof SQLException se) {
        throw se;
      }
      throw SqlExceptions.create(SqlState.INTERNAL_ERROR, "DatabaseMetaData." + call.method()
          + " failed on the replica: " + e.getCause(), e.getCause());
    } catch (IllegalAccessException e) {
      throw SqlExceptions.create(SqlState.INTERNAL_ERROR, "DatabaseMetaData." + call.method() + ": " + e, e);
    }
    if (result instanceof ResultSet rs) {
      try (rs) {
        return new Response.Rows(standardTableType(withoutInternal(Jdbc.materialise(rs, 0))));
      }
    }
    return scalar(result);
  }

  private static Response scalar(Object result) {
    ColumnInfo col = ColumnInfo.simple("VALUE", typeOf(result), result == null ? "NULL" : result.getClass()
        .getSimpleName(), result == null ? "java.lang.Object" : result.getClass().getName());
    return new Response.Rows(new ResultData(List.of(col), List.<Object[]>of(new Object[] {result})));
  }

  private static Method find(String name, int arity) throws SQLException {
    if (name.equals("getConnection") || name.startsWith("unwrap") || name.startsWith("isWrapperFor")) {
      throw notAMetadataCall(name, arity);
    }
    for (Method m : DatabaseMetaData.class.getMethods()) {
      if (m.getName().equals(name) && m.getParameterCount() == arity) {
        return m;
      }
    }
    throw notAMetadataCall(name, arity);
  }

  private static SQLException notAMetadataCall(String name, int arity) {
    return SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED,
        "DatabaseMetaData has no method " + name + " with " + arity + " arguments that the node can answer");
  }

  private static Object convert(Object v, Class<?> type, String method, int i) throws SQLException {
    if (v == null || type.isInstance(v)) {
      return v;
    }
    if (type == int.class && v instanceof Number n) {
      return n.intValue();
    }
    if (type == boolean.class && v instanceof Boolean) {
      return v;
    }
    if (type == String[].class && v instanceof Object[] a) {
      String[] s = new String[a.length];
      for (int k = 0; k < a.length; k++) {
        s[k] = a[k] == null ? null : a[k].toString();
      }
      return s;
    }
    if (type == int[].class && v instanceof Object[] a) {
      int[] n = new int[a.length];
      for (int k = 0; k < a.length; k++) {
        n[k] = ((Number) a[k]).intValue();
      }
      return n;
    }
    throw SqlExceptions.create(SqlState.INVALID_PARAMETER_VALUE, "DatabaseMetaData." + method + ": argument "
        + (i + 1) + " is a " + v.getClass().getSimpleName() + ", expected " + type.getSimpleName());
  }

  private static int typeOf(Object v) {
    if (v instanceof Boolean) {
      return Types.BOOLEAN;
    } else if (v instanceof Integer) {
      return Types.INTEGER;
    } else if (v instanceof Long) {
      return Types.BIGINT;
    }
    return Types.VARCHAR;
  }

  /**
   * JDBC applications and workload harnesses ask for, and expect, table type
   * {@code TABLE}; H2 2.x calls its tables {@code BASE TABLE} (the SQL standard
   * name). Asking for either finds both, and tables are reported as {@code TABLE}.
   */
  private static String[] withBaseTable(String[] wanted) {
    List<String> out = new ArrayList<>(List.of(wanted));
    if (out.contains("TABLE") && !out.contains("BASE TABLE")) {
      out.add("BASE TABLE");
    } else if (out.contains("BASE TABLE") && !out.contains("TABLE")) {
      out.add("TABLE");
    }
    return out.toArray(new String[0]);
  }

  private static ResultData standardTableType(ResultData data) {
    int col = -1;
    for (int i = 0; i < data.columns().size(); i++) {
      if (data.columns().get(i).label().equalsIgnoreCase("TABLE_TYPE")) {
        col = i;
      }
    }
    if (col < 0) {
      return data;
    }
    List<Object[]> rows = new ArrayList<>(data.rows().size());
    for (Object[] row : data.rows()) {
      Object[] copy = row.clone();
      if ("BASE TABLE".equals(copy[col])) {
        copy[col] = "TABLE";
      }
      rows.add(copy);
    }
    return new ResultData(data.columns(), rows);
  }

  /**
   * {@code call} with the catalog arguments that name {@code reported} naming
   * the replica's catalog {@code own} instead. The first argument of every
   * {@code DatabaseMetaData} method that takes a string first is a catalog, and
   * so is the fourth of {@code getCrossReference}.
   */
  static Request.Metadata askedOfReplica(Request.Metadata call, String reported, String own) {
    List<Object> args = new ArrayList<>(call.args());
    for (int i : call.method().equals("getCrossReference") ? new int[] {0, 3} : new int[] {0}) {
      if (i < args.size() && reported.equals(args.get(i))) {
        args.set(i, own);
      }
    }
    return new Request.Metadata(call.method(), args);
  }

  /**
   * Reports catalog {@code own} as {@code reported} in every catalog column
   * ({@code TABLE_CAT}, {@code PKTABLE_CAT}, {@code TABLE_CATALOG}, ...); with
   * {@code onlyOwn}, rows naming another catalog are dropped.
   */
  static ResultData renameCatalog(ResultData data, String own, String reported, boolean onlyOwn) {
    List<Integer> catalogCols = new ArrayList<>();
    for (int i = 0; i < data.columns().size(); i++) {
      String label = data.columns().get(i).label().toUpperCase(java.util.Locale.ROOT);
      if (label.endsWith("_CAT") || label.endsWith("_CATALOG")) {
        catalogCols.add(i);
      }
    }
    if (catalogCols.isEmpty()) {
      return data;
    }
    List<Object[]> rows = new ArrayList<>(data.rows().size());
    for (Object[] row : data.rows()) {
      Object[] copy = row.clone();
      boolean other = false;
      for (int i : catalogCols) {
        if (own.equals(copy[i])) {
          copy[i] = reported;
        } else {
          other = true;
        }
      }
      if (!(onlyOwn && other)) {
        rows.add(copy);
      }
    }
    return new ResultData(data.columns(), rows);
  }

  /** Drops rows that describe Ordo's own schema. */
  private static ResultData withoutInternal(ResultData data) {
    List<Integer> schemaCols = new ArrayList<>();
    for (int i = 0; i < data.columns().size(); i++) {
      if (SCHEMA_COLUMNS.contains(data.columns().get(i).label().toUpperCase(java.util.Locale.ROOT))) {
        schemaCols.add(i);
      }
    }
    if (schemaCols.isEmpty()) {
      return data;
    }
    List<Object[]> rows = new ArrayList<>(data.rows().size());
    for (Object[] row : data.rows()) {
      boolean internal = false;
      for (int i : schemaCols) {
        internal |= INTERNAL_SCHEMA.equalsIgnoreCase(String.valueOf(row[i]));
      }
      if (!internal) {
        rows.add(row);
      }
    }
    return new ResultData(data.columns(), rows);
  }
}
