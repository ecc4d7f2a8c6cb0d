package dev.ordo.driver;

import dev.ordo.driver.OrdoUrl.HostPort;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.driver.wire.Scram;
import java.io.IOException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Opens a session: tries each node of the URL in order and returns a
 * connection to the first that accepts the handshake.
 *
 * <p>A node that answers with 57P01 (shutting down) or 57P03 (cannot serve
 * yet) is skipped like an unreachable one; any other refusal (bad password,
 * unknown database) ends the attempt at once, since another node would say the
 * same.
 */
final class Connector {
  private static final System.Logger LOG = System.getLogger(Connector.class.getName());

  private Connector() {}

  static OrdoConnection connect(OrdoUrl url, Properties props) throws SQLException {
    int connectMillis = millis(OrdoProperty.CONNECT_TIMEOUT.getSeconds(props));
    int socketMillis = millis(OrdoProperty.SOCKET_TIMEOUT.getSeconds(props));
    int loginSeconds = OrdoProperty.LOGIN_TIMEOUT.isPresent(props)
        ? OrdoProperty.LOGIN_TIMEOUT.getSeconds(props)
        : DriverManager.getLoginTimeout();
    long deadline = loginSeconds > 0 ? System.nanoTime() + loginSeconds * 1_000_000_000L : Long.MAX_VALUE;
    String user = OrdoProperty.USER.get(props);
    String password = OrdoProperty.PASSWORD.get(props);
    Map<String, String> sessionProperties = sessionProperties(props);

    LOG.log(System.Logger.Level.DEBUG, "ordo: connecting to {0} database {1} as {2} (connectTimeout={3} ms,"
        + " socketTimeout={4} ms, loginTimeout={5} s, properties {6})", url.nodes(), url.database(), user,
        connectMillis, socketMillis, loginSeconds, sessionProperties.keySet());
    ClientTls tls = ClientTls.of(props);
    String target = OrdoProperty.TARGET_SERVER_TYPE.get(props);
    boolean wantsLeader = switch (target) {
      case "any" -> false;
      case "primary", "preferPrimary" -> true;
      default -> throw SqlExceptions.create(SqlState.UNABLE_TO_CONNECT, "targetServerType=" + target
          + " is not one of any, primary or preferPrimary");
    };
    boolean onlyLeader = target.equals("primary");
    List<String> failures = new ArrayList<>();
    Response.Error refusal = null;
    OrdoConnection fallback = null; // the first node that accepted but does not lead (preferPrimary)
    try {
      for (HostPort node : url.nodes()) {
        long remainingMillis = deadline == Long.MAX_VALUE ? Long.MAX_VALUE
            : (deadline - System.nanoTime()) / 1_000_000;
        if (remainingMillis <= 0) {
          failures.add(node + " (not tried: loginTimeout of " + loginSeconds + " s expired)");
          continue;
        }
        int timeout = (int) Math.min(connectMillis > 0 ? connectMillis : Integer.MAX_VALUE, remainingMillis);
        if (timeout == Integer.MAX_VALUE) {
          timeout = 0;
        }
        Channel channel = null;
        try {
          channel = Channel.open(node, timeout, tls);
          // With a user, a SCRAM-SHA-256 exchange: the password never crosses the wire.
          Scram.Client scram = user == null ? null : new Scram.Client(password);
          Response r = channel.handshake(new Request.Hello(Request.VERSION, url.database(), user,
              scram == null ? null : scram.first(), sessionProperties), timeout);
          if (r instanceof Response.AuthChallenge challenge) {
            if (scram == null) {
              channel.abort("asked for a password");
              throw SqlExceptions.create(SqlState.INVALID_AUTHORIZATION, "node at " + node + " requires a user"
                  + " and password: set the user and password properties (or DriverManager.getConnection(url,"
                  + " user, password))");
            }
            String proof;
            try {
              proof = scram.finalMessage(challenge.data());
            } catch (IllegalArgumentException e) {
              throw new ProtocolException("malformed SCRAM challenge: " + e.getMessage());
            }
            r = channel.handshake(new Request.Auth(proof), timeout);
            if (r instanceof Response.HelloOk ok && !scram.verifyServerFinal(ok.auth())) {
              channel.abort("could not prove it knows the password");
              throw SqlExceptions.create(SqlState.INVALID_AUTHORIZATION, "node at " + node + " accepted the"
                  + " password without proving that it knows it (SCRAM server signature missing or wrong): it is"
                  + " not the Ordo node it claims to be; check the URL and the network path");
            }
          }
          if (r instanceof Response.HelloOk ok) {
            channel.setNetworkTimeout(socketMillis);
            LOG.log(System.Logger.Level.DEBUG, "ordo: connected to {0} (node {1}, server {2}, backend {3},"
                + " leads the log: {4})", node, ok.nodeId(), ok.serverVersion(), ok.backend(), ok.leads());
            OrdoConnection c = new OrdoConnection(url, props, channel, ok);
            if (!wantsLeader || ok.leads() || url.nodes().size() == 1) {
              if (fallback != null) {
                fallback.close();
                fallback = null;
              }
              return c;
            }
            failures.add(node + " (node " + ok.nodeId() + " does not lead the log)");
            if (onlyLeader || fallback != null) {
              c.close();
            } else {
              fallback = c;
            }
            continue;
          }
          channel.abort("refused the session");
          if (!(r instanceof Response.Error e)) {
            throw new ProtocolException("expected HelloOk or Error in answer to Hello, got "
                + r.getClass().getSimpleName());
          }
          if (!isNodeUnavailable(e.sqlState())) {
            throw SqlExceptions.create(e.sqlState(), e.message(), e.vendorCode(), null);
          }
          failures.add(node + " (" + e.message() + ")");
          refusal = e;
        } catch (ProtocolException e) {
          closeQuietly(channel);
          failures.add(node + " (answered with bytes that are not the Ordo protocol; is this an Ordo node? "
              + e.getMessage() + ")");
        } catch (IOException e) {
          closeQuietly(channel);
          failures.add(node + " (" + Channel.describe(e, timeout) + (tls == null && e instanceof java.io.EOFException
              ? "; a node that serves TLS closes connections without it: set sslmode" : "") + ")");
        }
        LOG.log(System.Logger.Level.DEBUG, "ordo: could not connect to {0}", failures.get(failures.size() - 1));
      }
      if (fallback != null) { // preferPrimary, and no listed node leads the log now (an election, or unreachable)
        OrdoConnection c = fallback;
        fallback = null;
        return c;
      }
    } finally {
      if (fallback != null) {
        fallback.close();
      }
    }
    String message = (failures.size() == 1
        ? "Could not connect to Ordo at " + failures.get(0)
        : "Could not connect to Ordo at any of the " + failures.size() + " listed nodes: "
            + String.join("; ", failures))
        + ". Check that the node is running (./ordo serve) and the URL's host and port.";
    if (refusal != null) { // some node answered but cannot serve: its SQLState says more than 08001
      throw SqlExceptions.create(refusal.sqlState(), message, refusal.vendorCode(), null);
    }
    throw SqlExceptions.create(SqlState.UNABLE_TO_CONNECT, message);
  }

  /** Seconds as milliseconds, capped at {@code Integer.MAX_VALUE}. */
  static int millis(int seconds) {
    return (int) Math.min(seconds * 1000L, Integer.MAX_VALUE);
  }

  /** 57P01 (shutting down) and 57P03 (not ready): another node may serve. */
  static boolean isNodeUnavailable(String sqlState) {
    return SqlState.ADMIN_SHUTDOWN.code().equals(sqlState) || SqlState.CANNOT_CONNECT_NOW.code().equals(sqlState);
  }

  /** The properties sent in the Hello: everything except the user and the password. */
  static Map<String, String> sessionProperties(Properties props) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : props.stringPropertyNames()) {
      if (!k.equals(OrdoProperty.USER.getName()) && !k.equals(OrdoProperty.PASSWORD.getName())) {
        m.put(k, props.getProperty(k));
      }
    }
    return m;
  }

  private static void closeQuietly(Channel channel) {
    if (channel != null) {
      channel.abort("failed during the handshake");
    }
  }
}
