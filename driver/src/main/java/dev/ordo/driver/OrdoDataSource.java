package dev.ordo.driver;

import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.ConnectionPoolDataSource;
import javax.sql.DataSource;
import javax.sql.PooledConnection;

/**
 * A {@link DataSource} (and {@link ConnectionPoolDataSource}) for Ordo, configured as a JavaBean: for pools and
 * frameworks that name a data source class rather than a JDBC URL (HikariCP's {@code dataSourceClassName} with
 * {@code dataSource.*} properties, an application server's JNDI resource, Spring's {@code DataSourceBuilder}).
 *
 * <p>Either set {@link #setUrl url} (a {@code jdbc:ordo:} URL, as for {@link OrdoDriver}), or the parts of one:
 * {@link #setServerNames serverNames} (comma-separated, each {@code host} or {@code host:port}; default {@code
 * localhost}), {@link #setPortNumber portNumber} (default 6736, for names without a port) and {@link
 * #setDatabaseName databaseName}. Every connection property of {@link OrdoProperty} can be set with {@link
 * #setProperty}, and the common ones have setters of their own ({@code user}, {@code password}, {@code
 * applicationName}, {@code connectTimeout}, {@code socketTimeout}, {@code sslmode}, {@code sslrootcert}, {@code
 * targetServerType}); a property of the URL's query is overridden by the same property set here.
 *
 * <p>Not thread-safe while being configured; once configured, {@link #getConnection()} may be called from any
 * thread. The password is never shown by {@link #toString()}.
 */
public class OrdoDataSource implements DataSource, ConnectionPoolDataSource, Serializable {
  private static final long serialVersionUID = 1L;

  private String url;
  private String serverNames = "localhost";
  private int portNumber = OrdoUrl.DEFAULT_PORT;
  private String databaseName;
  private final Map<String, String> properties = new LinkedHashMap<>();
  private int loginTimeoutSeconds;
  private transient PrintWriter logWriter;

  /** An unconfigured data source: set {@code url}, or at least {@code databaseName}. */
  public OrdoDataSource() {}

  /** A {@code jdbc:ordo:} URL; when set, {@code serverNames}, {@code portNumber} and {@code databaseName} are not used. */
  public void setUrl(String url) {
    this.url = url;
  }

  public String getUrl() {
    return url;
  }

  /** As {@link #setUrl} (the name some pools and frameworks use). */
  public void setJdbcUrl(String url) {
    setUrl(url);
  }

  /** The nodes to try, in order: {@code host[:port]}, comma-separated. */
  public void setServerNames(String serverNames) {
    this.serverNames = serverNames;
  }

  public String getServerNames() {
    return serverNames;
  }

  /** As {@link #setServerNames} with one node (the JDBC standard's property name). */
  public void setServerName(String serverName) {
    setServerNames(serverName);
  }

  public String getServerName() {
    return serverNames;
  }

  /** The port of the nodes named without one. */
  public void setPortNumber(int portNumber) {
    this.portNumber = portNumber;
  }

  public int getPortNumber() {
    return portNumber;
  }

  public void setDatabaseName(String databaseName) {
    this.databaseName = databaseName;
  }

  public String getDatabaseName() {
    return databaseName;
  }

  public void setUser(String user) {
    setProperty(OrdoProperty.USER.getName(), user);
  }

  public String getUser() {
    return properties.get(OrdoProperty.USER.getName());
  }

  public void setPassword(String password) {
    setProperty(OrdoProperty.PASSWORD.getName(), password);
  }

  public void setApplicationName(String applicationName) {
    setProperty(OrdoProperty.APPLICATION_NAME.getName(), applicationName);
  }

  public String getApplicationName() {
    return properties.get(OrdoProperty.APPLICATION_NAME.getName());
  }

  /** Seconds to wait for a node to accept the connection. */
  public void setConnectTimeout(int seconds) {
    setProperty(OrdoProperty.CONNECT_TIMEOUT.getName(), String.valueOf(seconds));
  }

  /** Seconds a read from the node may block; 0: no limit. */
  public void setSocketTimeout(int seconds) {
    setProperty(OrdoProperty.SOCKET_TIMEOUT.getName(), String.valueOf(seconds));
  }

  public void setSslmode(String mode) {
    setProperty(OrdoProperty.SSL_MODE.getName(), mode);
  }

  public void setSslrootcert(String file) {
    setProperty(OrdoProperty.SSL_ROOT_CERT.getName(), file);
  }

  public void setTargetServerType(String type) {
    setProperty(OrdoProperty.TARGET_SERVER_TYPE.getName(), type);
  }

  /**
   * Sets a connection property by its {@link OrdoProperty} key; null removes it.
   *
   * @throws IllegalArgumentException if no connection property has that key (naming the known ones)
   */
  public void setProperty(String key, String value) {
    if (OrdoProperty.forName(key) == null) {
      throw new IllegalArgumentException("Ordo has no connection property '" + key + "'; its properties are "
          + OrdoProperty.names());
    }
    if (value == null) {
      properties.remove(key);
    } else {
      properties.put(key, value);
    }
  }

  /** The value set for a connection property, or null. */
  public String getProperty(String key) {
    return properties.get(key);
  }

  /** The URL connections are opened with: {@link #getUrl()}, or one built from the parts. */
  String effectiveUrl() throws SQLException {
    if (url != null) {
      return url;
    }
    if (databaseName == null || databaseName.isEmpty()) {
      throw SqlExceptions.create(SqlState.UNABLE_TO_CONNECT, "The Ordo data source has neither a url nor a "
          + "databaseName: set url (jdbc:ordo://host:port/database) or databaseName (and serverNames, portNumber).");
    }
    StringBuilder b = new StringBuilder(OrdoUrl.PREFIX).append("//");
    String[] names = serverNames == null || serverNames.isBlank() ? new String[] {"localhost"}
        : serverNames.split(",");
    for (int i = 0; i < names.length; i++) {
      String name = names[i].strip();
      b.append(i == 0 ? "" : ",").append(name);
      boolean hasPort = name.startsWith("[") ? name.contains("]:") : name.indexOf(':') >= 0
          && name.indexOf(':') == name.lastIndexOf(':');
      if (!hasPort) {
        b.append(':').append(portNumber);
      }
    }
    return b.append('/').append(databaseName).toString();
  }

  private Connection open(Properties extra) throws SQLException {
    String u = effectiveUrl();
    OrdoUrl parsed = OrdoUrl.parse(u);
    Properties p = new Properties();
    properties.forEach(p::setProperty);
    extra.forEach(p::put);
    if (loginTimeoutSeconds > 0 && !p.containsKey(OrdoProperty.LOGIN_TIMEOUT.getName())) {
      p.setProperty(OrdoProperty.LOGIN_TIMEOUT.getName(), String.valueOf(loginTimeoutSeconds));
    }
    return Connector.connect(parsed, parsed.merge(p));
  }

  @Override
  public Connection getConnection() throws SQLException {
    return open(new Properties());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return open(credentials(username, password));
  }

  private static Properties credentials(String username, String password) {
    Properties p = new Properties();
    if (username != null) {
      p.setProperty(OrdoProperty.USER.getName(), username);
    }
    if (password != null) {
      p.setProperty(OrdoProperty.PASSWORD.getName(), password);
    }
    return p;
  }

  @Override
  public PooledConnection getPooledConnection() throws SQLException {
    return new OrdoPooledConnection(getConnection());
  }

  @Override
  public PooledConnection getPooledConnection(String user, String password) throws SQLException {
    return new OrdoPooledConnection(getConnection(user, password));
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeoutSeconds = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeoutSeconds;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("The Ordo driver does not log through java.util.logging");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw SqlExceptions.create(SqlState.FEATURE_NOT_SUPPORTED, "OrdoDataSource is not a " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    String u;
    try {
      u = effectiveUrl();
    } catch (SQLException e) {
      u = "(no url)";
    }
    Map<String, String> shown = new LinkedHashMap<>(properties);
    shown.computeIfPresent(OrdoProperty.PASSWORD.getName(), (k, v) -> "***");
    return "OrdoDataSource[" + u + (shown.isEmpty() ? "" : " " + shown) + "]";
  }
}
