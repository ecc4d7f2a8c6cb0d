package dev.ordo.driver;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The Ordo JDBC driver. URLs have the form
 * {@code jdbc:ordo://host[:port][,host[:port]...]/database[?key=value&...]};
 * the default port is 6736. The listed nodes are tried in order and the
 * connection goes to the first that accepts the session.
 *
 * <p>Connection properties are listed in {@link OrdoProperty}. They may be
 * given in the URL query or in the {@link Properties} argument of
 * {@link #connect}; a property given in both takes the value from the
 * {@code Properties}. Percent-escapes in the URL are decoded.
 *
 * <p>The driver registers itself with {@link DriverManager} when its class is
 * loaded, and is also listed in {@code META-INF/services/java.sql.Driver}.
 */
public final class OrdoDriver implements Driver {
  /** The driver's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  static final String VERSION;
  static final int MAJOR_VERSION;
  static final int MINOR_VERSION;

  static {
    String v = "unknown";
    try (InputStream in = OrdoDriver.class.getResourceAsStream("driver.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        v = p.getProperty("version", v);
      }
    } catch (IOException e) {
      // keep "unknown": the version is informational
    }
    VERSION = v;
    String[] parts = v.split("[.-]");
    MAJOR_VERSION = parseOrZero(parts, 0);
    MINOR_VERSION = parseOrZero(parts, 1);
    try {
      DriverManager.registerDriver(new OrdoDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static int parseOrZero(String[] parts, int i) {
    try {
      return i < parts.length ? Integer.parseInt(parts[i]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Creates a driver; applications use {@link DriverManager} or a pool instead. */
  public OrdoDriver() {}

  /**
   * Opens a connection.
   *
   * @return the connection, or null if {@code url} is not a {@code jdbc:ordo:} URL
   * @throws SQLException 08001 if the URL is malformed or no listed node could be reached;
   *     the node's own SQLState if it refused the session (e.g. 28P01 for a wrong password)
   */
  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!OrdoUrl.accepts(url)) {
      return null;
    }
    OrdoUrl parsed = OrdoUrl.parse(url);
    return Connector.connect(parsed, parsed.merge(info));
  }

  @Override
  public boolean acceptsURL(String url) {
    return OrdoUrl.accepts(url);
  }

  /** Describes every {@link OrdoProperty} with its effective value for this URL and {@code info}. */
  @Override
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
    Properties props = OrdoUrl.accepts(url)
        ? OrdoUrl.parse(url).merge(info)
        : new OrdoUrl(url, java.util.List.of(), "", java.util.Map.of()).merge(info);
    OrdoProperty[] all = OrdoProperty.values();
    DriverPropertyInfo[] out = new DriverPropertyInfo[all.length];
    for (int i = 0; i < all.length; i++) {
      out[i] = all[i].toDriverPropertyInfo(props);
    }
    return out;
  }

  @Override
  public int getMajorVersion() {
    return MAJOR_VERSION;
  }

  @Override
  public int getMinorVersion() {
    return MINOR_VERSION;
  }

  /** False: the driver does not (yet) pass the full JDBC compliance suite. */
  @Override
  public boolean jdbcCompliant() {
    return false;
  }

  /** Not supported: the driver logs through {@link System.Logger}, not {@code java.util.logging}. */
  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException(
        "The Ordo driver logs through System.Logger (logger names dev.ordo.driver.*), not java.util.logging.",
        SqlState.FEATURE_NOT_SUPPORTED.code());
  }
}
