package dev.ordo.driver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed {@code jdbc:ordo://host:port[,host:port...]/database[?key=value&...]} URL.
 *
 * @param url the URL as given
 * @param nodes the listed nodes, in the order to try them
 * @param database the database name (percent-decoded)
 * @param properties the query properties (percent-decoded), in URL order
 */
record OrdoUrl(String url, List<HostPort> nodes, String database, Map<String, String> properties) {
  static final String PREFIX = "jdbc:ordo:";
  static final int DEFAULT_PORT = 6736;
  static final String FORM = "jdbc:ordo://host[:port][,host[:port]...]/database[?key=value&...]";

  OrdoUrl {
    nodes = List.copyOf(nodes);
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** A node address. IPv6 literals are kept without brackets. */
  record HostPort(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** Whether this is an Ordo URL at all (it may still be malformed). */
  static boolean accepts(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  /**
   * Parses an Ordo URL.
   *
   * @throws SQLException (08001) saying what is wrong and showing the expected form
   */
  static OrdoUrl parse(String url) throws SQLException {
    if (!accepts(url)) {
      throw malformed(url, "it does not start with " + PREFIX);
    }
    String rest = url.substring(PREFIX.length());
    if (!rest.startsWith("//")) {
      throw malformed(url, "'//' must follow '" + PREFIX + "'");
    }
    rest = rest.substring(2);
    int slash = rest.indexOf('/');
    int query = rest.indexOf('?');
    if (slash < 0 || (query >= 0 && query < slash)) {
      throw malformed(url, "it names no database: add '/database' after the host list");
    }
    List<HostPort> nodes = parseNodes(url, rest.substring(0, slash));
    String path = query >= 0 ? rest.substring(slash + 1, query) : rest.substring(slash + 1);
    if (path.isEmpty()) {
      throw malformed(url, "the database name after '/' is empty");
    }
    String database = decode(url, path, "database name");
    Map<String, String> props = new LinkedHashMap<>();
    if (query >= 0) {
      for (String pair : rest.substring(query + 1).split("&", -1)) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String key = decode(url, eq >= 0 ? pair.substring(0, eq) : pair, "property name");
        if (key.isEmpty()) {
          throw malformed(url, "the query part has a property without a name ('" + pair + "')");
        }
        props.put(key, eq >= 0 ? decode(url, pair.substring(eq + 1), "value of " + key) : "");
      }
    }
    return new OrdoUrl(url, nodes, database, props);
  }

  private static List<HostPort> parseNodes(String url, String list) throws SQLException {
    if (list.isEmpty()) {
      throw malformed(url, "it lists no host: put at least one host[:port] between '//' and '/'");
    }
    List<HostPort> nodes = new ArrayList<>();
    for (String item : list.split(",", -1)) {
      String host;
      String port = null;
      if (item.startsWith("[")) {
        int close = item.indexOf(']');
        if (close < 0) {
          throw malformed(url, "the IPv6 address '" + item + "' lacks its closing ']'");
        }
        host = item.substring(1, close);
        String after = item.substring(close + 1);
        if (!after.isEmpty()) {
          if (!after.startsWith(":")) {
            throw malformed(url, "expected ':port' after '" + item.substring(0, close + 1) + "'");
          }
          port = after.substring(1);
        }
      } else {
        int colon = item.indexOf(':');
        host = colon >= 0 ? item.substring(0, colon) : item;
        port = colon >= 0 ? item.substring(colon + 1) : null;
      }
      if (host.isEmpty()) {
        throw malformed(url, "the host list '" + list + "' has an empty host name");
      }
      nodes.add(new HostPort(host, port == null ? DEFAULT_PORT : parsePort(url, host, port)));
    }
    return nodes;
  }

  private static int parsePort(String url, String host, String port) throws SQLException {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw malformed(url, "the port '" + port + "' of host " + host + " is not a number from 1 to 65535");
  }

  private static String decode(String url, String s, String what) throws SQLException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw malformed(url, "the " + what + " '" + s + "' has a bad %-escape");
    }
  }

  private static SQLException malformed(String url, String what) {
    return SqlExceptions.create(SqlState.UNABLE_TO_CONNECT,
        "Malformed Ordo URL '" + redact(url) + "': " + what + ". Expected " + FORM
            + ", for example jdbc:ordo://localhost:" + DEFAULT_PORT + "/app.");
  }

  /** The URL with the value of any {@code password} query property replaced by {@code ***}. */
  static String redact(String url) {
    return url == null ? null : url.replaceAll("(?i)([?&]password=)[^&]*", "$1***");
  }

  /**
   * The effective properties: the URL's query, overridden by {@code info}.
   * Non-string entries of {@code info} are taken by their string form.
   */
  Properties merge(Properties info) {
    Properties p = new Properties();
    properties.forEach(p::setProperty);
    if (info != null) {
      for (Map.Entry<Object, Object> e : info.entrySet()) {
        if (e.getKey() != null && e.getValue() != null) {
          p.setProperty(e.getKey().toString(), e.getValue().toString());
        }
      }
      for (String k : info.stringPropertyNames()) { // includes the defaults of info
        if (!info.containsKey(k)) {
          p.setProperty(k, info.getProperty(k));
        }
      }
    }
    return p;
  }
}
