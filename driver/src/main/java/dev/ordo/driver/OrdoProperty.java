package dev.ordo.driver;

import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The connection properties the driver understands. Each may be given in the
 * URL query ({@code jdbc:ordo://host/db?connectTimeout=5}) or in the
 * {@link Properties} passed to {@code DriverManager.getConnection}; when both
 * name a property, the {@code Properties} value wins. Properties not listed
 * here are passed to the node in the handshake unchanged.
 *
 * <p>This enum also feeds {@link OrdoDriver#getPropertyInfo}.
 */
public enum OrdoProperty {
  /** Database user name, sent to the node in the handshake. */
  USER("user", null, "Database user name, sent to the node in the handshake."),
  /** Password for {@link #USER}; never logged nor shown in messages. */
  PASSWORD("password", null, "Password for the user; never logged nor shown in messages."),
  /** Seconds to wait for the TCP connection and the handshake with each listed node. */
  CONNECT_TIMEOUT("connectTimeout", "10",
      "Seconds to wait for the TCP connection and the handshake with each listed node; 0 waits without limit."),
  /** Seconds to wait for the answer to any request; 0 waits without limit. */
  SOCKET_TIMEOUT("socketTimeout", "0",
      "Seconds to wait for the answer to any request before the connection is declared broken; 0 waits without"
          + " limit."),
  /** Seconds for the whole connection attempt over all listed nodes. */
  LOGIN_TIMEOUT("loginTimeout", "0",
      "Seconds for the whole connection attempt over all listed nodes; 0 uses DriverManager.getLoginTimeout()"
          + " (where 0 means no limit)."),
  /**
   * Which listed node to connect to: {@code preferPrimary} (the node whose log peer leads, else the first that
   * accepts), {@code primary} (only a leading node) or {@code any} (the first that accepts), as pgjdbc's property.
   */
  TARGET_SERVER_TYPE("targetServerType", "preferPrimary",
      "Which listed node to connect to: preferPrimary (the node that leads the log, else the first that accepts;"
          + " a leader's writes skip a network hop), primary (only the leading node) or any (the first that"
          + " accepts)."),
  /** Name of the application, shown in the node's session list and logs. */
  APPLICATION_NAME("applicationName", null, "Name of the application, shown in the node's session list and logs."),
  /** {@code true}: TLS with the node's certificate fully checked (as {@code sslmode=verify-full}). */
  SSL("ssl", "false", "true: connect with TLS and check the node's certificate and host name (sslmode=verify-full)."),
  /** {@code disable}, {@code require}, {@code verify-ca} or {@code verify-full}, as pgjdbc's. */
  SSL_MODE("sslmode", null, "disable, require (encrypted, certificate not checked), verify-ca (signed by a trusted"
      + " authority) or verify-full (also names the URL's host); overrides ssl."),
  /** A PEM file of the authorities whose node certificates are trusted; default: the JVM's trust store. */
  SSL_ROOT_CERT("sslrootcert", null, "PEM file of the certificate authorities that sign the nodes' certificates;"
      + " default: the JVM's trusted authorities.");

  private final String name;
  private final String defaultValue;
  private final String description;

  OrdoProperty(String name, String defaultValue, String description) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The property name as written in URLs and {@link Properties}. */
  public String getName() {
    return name;
  }

  /** The value used when none is given, or null. */
  public String getDefaultValue() {
    return defaultValue;
  }

  /** One sentence saying what the property does. */
  public String getDescription() {
    return description;
  }

  /** The value in {@code props}, else the default. */
  public String get(Properties props) {
    String v = props.getProperty(name);
    return v != null ? v : defaultValue;
  }

  /** Whether {@code props} names this property. */
  public boolean isPresent(Properties props) {
    return props.getProperty(name) != null;
  }

  /**
   * The value as a whole number of seconds, at least 0.
   *
   * @throws SQLException (08001) naming the property and the bad value
   */
  int getSeconds(Properties props) throws SQLException {
    String v = get(props);
    if (v == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw SqlExceptions.create(SqlState.UNABLE_TO_CONNECT,
        "Invalid value '" + v + "' for connection property " + name + ": expected a whole number of seconds >= 0"
            + (defaultValue != null ? " (default " + defaultValue + ")" : "") + ".");
  }

  /** Every property's name, comma-separated. */
  static String names() {
    StringBuilder b = new StringBuilder();
    for (OrdoProperty p : values()) {
      b.append(b.length() == 0 ? "" : ", ").append(p.name);
    }
    return b.toString();
  }

  /** Looks a property up by its name, or null when the driver does not know it. */
  static OrdoProperty forName(String name) {
    for (OrdoProperty p : values()) {
      if (p.name.equals(name)) {
        return p;
      }
    }
    return null;
  }

  DriverPropertyInfo toDriverPropertyInfo(Properties props) {
    DriverPropertyInfo info = new DriverPropertyInfo(name, get(props));
    info.description = description;
    info.required = false;
    return info;
  }
}
