package dev.ordo.driver;

import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.driver.wire.ResultData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the node for {@link java.sql.DatabaseMetaData} answers: one Metadata
 * request per call, naming the method and carrying its arguments boxed
 * ({@code int} as Integer, {@code boolean} as Boolean, {@code String[]} and
 * {@code int[]} as arrays of String and Integer, null as null). The node
 * answers Rows: the result set itself, or one row of one column for a scalar.
 * Scalar answers describe the backend and do not change, so they are cached
 * for the life of the connection; result sets are not.
 *
 * <p>Two requests name {@link java.sql.Connection} methods instead:
 * {@value #SESSION_CATALOG} and {@value #SESSION_SCHEMA} ask for the catalog
 * and the current schema of the node's replica connections.
 */
final class RemoteMetaData {
  /** Metadata request for {@code Connection.getCatalog()} of a replica connection. */
  static final String SESSION_CATALOG = "Connection.getCatalog";
  /** Metadata request for {@code Connection.getSchema()} of a replica connection. */
  static final String SESSION_SCHEMA = "Connection.getSchema";

  private static final Object NULL = new Object();

  private final OrdoConnection connection;
  private final Map<List<Object>, Object> scalars = new ConcurrentHashMap<>();

  RemoteMetaData(OrdoConnection connection) {
    this.connection = connection;
  }

  ResultSet rs(String method, Object... args) throws SQLException {
    return new OrdoResultSet(null, call(method, args), ResultSet.TYPE_SCROLL_INSENSITIVE);
  }

  String str(String method, Object... args) throws SQLException {
    Object v = scalar(method, args);
    return v == null ? null : Conversions.toText(v);
  }

  boolean bool(String method, Object... args) throws SQLException {
    Object v = scalar(method, args);
    return v != null && Conversions.toBoolean(v);
  }

  int integer(String method, Object... args) throws SQLException {
    Object v = scalar(method, args);
    return v == null ? 0 : (int) Conversions.toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
  }

  long lng(String method, Object... args) throws SQLException {
    Object v = scalar(method, args);
    return v == null ? 0 : Conversions.toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "long");
  }

  private Object scalar(String method, Object[] args) throws SQLException {
    List<Object> key = new ArrayList<>(args.length + 1);
    key.add(method);
    for (Object a : args) {
      key.add(a instanceof Object[] array ? Arrays.asList(array) : a);
    }
    Object cached = scalars.get(key);
    if (cached == null) {
      ResultData data = call(method, args);
      if (data.rows().size() != 1 || data.columns().size() != 1) {
        throw SqlExceptions.create(SqlState.PROTOCOL_VIOLATION, "The Ordo node at " + connection.node()
            + " answered DatabaseMetaData." + method + "() with " + data.rows().size() + " rows of "
            + data.columns().size() + " columns; a scalar answer is one row of one column. This is a defect in"
            + " Ordo; please report it.");
      }
      Object v = data.rows().get(0)[0];
      cached = v == null ? NULL : v;
      scalars.put(key, cached);
    }
    return cached == NULL ? null : cached;
  }

  private ResultData call(String method, Object[] args) throws SQLException {
    Request.Metadata req = new Request.Metadata(method, Arrays.asList(args));
    Response r = connection.call(req, 0);
    if (r instanceof Response.Rows rows) {
      return rows.data();
    } else if (r instanceof Response.Error e) {
      throw OrdoConnection.error(e);
    }
    throw connection.unexpected(req, r);
  }

  /** A {@code String[]} argument as it travels: an {@code Object[]} of strings, or null. */
  static Object[] strings(String[] a) {
    return a == null ? null : Arrays.copyOf(a, a.length, Object[].class);
  }

  /** An {@code int[]} argument as it travels: an {@code Object[]} of Integers, or null. */
  static Object[] ints(int[] a) {
    return a == null ? null : Arrays.stream(a).boxed().toArray();
  }
}
