package dev.ordo.driver;

import dev.ordo.driver.OrdoUrl.HostPort;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * One TCP connection to a proxy node, speaking the framed Ordo protocol: each
 * message is a 4-byte big-endian body length followed by the body. Requests
 * and responses strictly alternate; {@link #call} holds a lock for the whole
 * exchange so that concurrent callers queue instead of interleaving.
 *
 * <p>Any I/O failure or malformed response breaks the channel for good: the
 * stream can no longer be trusted to be at a frame boundary. Later calls fail
 * with 08003 and the reason.
 */
final class Channel {
  private static final System.Logger LOG = System.getLogger(Channel.class.getName());
  /** Largest answer accepted to a Hello; a bigger length means the peer is not an Ordo node. */
  static final int MAX_HELLO_FRAME = 1 << 20;
  /** Largest request body a node accepts (docs/protocol.md: frames over 256 MiB are violations). */
  static final int MAX_REQUEST = 256 << 20;
  /** Largest answer accepted: results are materialised, so be lenient up to what an array holds. */
  private static final int MAX_FRAME = Integer.MAX_VALUE - 8;

  private final HostPort node;
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final ResourceLock lock = new ResourceLock();
  private volatile int networkTimeoutMillis;
  private volatile String closedReason;

  private Channel(HostPort node, Socket socket) throws IOException {
    this.node = node;
    this.socket = socket;
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
  }

  /** Opens a TCP connection to {@code node}, waiting at most {@code timeoutMillis} (0 = no limit). */
  static Channel open(HostPort node, int timeoutMillis) throws IOException {
    return open(node, timeoutMillis, null);
  }

  /** As {@link #open(HostPort, int)}, with TLS when {@code tls} is not null (the handshake within the timeout). */
  static Channel open(HostPort node, int timeoutMillis, ClientTls tls) throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setKeepAlive(true);
      s.connect(new InetSocketAddress(node.host(), node.port()), timeoutMillis);
      if (tls != null) {
        s.setSoTimeout(timeoutMillis);
        s = tls.wrap(s, node.host(), node.port());
      }
      return new Channel(node, s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  HostPort node() {
    return node;
  }

  /**
   * Sends a message of the handshake (Hello, Auth) and reads the answer, waiting at most {@code timeoutMillis}.
   * Failures are left as exceptions for the caller to collect: the node may be
   * one of several.
   */
  Response handshake(Request request, int timeoutMillis) throws IOException {
    try (ResourceLock l = lock.obtain()) {
      socket.setSoTimeout(timeoutMillis);
      writeFrame(encode(request));
      return receive(MAX_HELLO_FRAME);
    }
  }

  /** The read timeout for every later request, in milliseconds; 0 = none. */
  void setNetworkTimeout(int millis) {
    networkTimeoutMillis = millis;
  }

  int networkTimeout() {
    return networkTimeoutMillis;
  }

  boolean isOpen() {
    return closedReason == null;
  }

  /** Why the channel is closed, or null while it is open. */
  String closedReason() {
    return closedReason;
  }

  /**
   * Sends a request and waits for its response.
   *
   * @param timeoutMillis a read timeout for this call (a query timeout) used when it is
   *     shorter than the network timeout; 0 for none
   * @throws SQLException 08003 if the channel is already closed; 08006 if it broke (the
   *     request did not run, or it only reads); 08007 if it broke after a statement, batch or
   *     commit was fully sent (the outcome is unknown); 08P01 if the answer was malformed
   */
  Response call(Request req, int timeoutMillis) throws SQLException {
    ByteArrayOutputStream body = encode(req);
    if (body.size() > MAX_REQUEST) {
      throw SqlExceptions.create(SqlState.PROGRAM_LIMIT_EXCEEDED, "Cannot send " + describe(req) + ": it"
          + " encodes to " + (body.size() >> 20) + " MiB, and an Ordo message carries at most "
          + (MAX_REQUEST >> 20) + " MiB. Split the batch or bind smaller values. Nothing was sent.");
    }
    try (ResourceLock l = lock.obtain()) {
      checkOpen();
      int timeout = effectiveTimeout(timeoutMillis);
      boolean sent = false;
      try {
        socket.setSoTimeout(timeout);
        writeFrame(body);
        sent = true;
        return receive(MAX_FRAME);
      } catch (ProtocolException e) {
        String wasClosed = closedReason;
        closeSocket("closed after a malformed message from the node");
        throw SqlExceptions.create(SqlState.PROTOCOL_VIOLATION,
            "The Ordo node at " + node + " answered " + describe(req) + " with bytes that are not the Ordo protocol ("
                + e.getMessage() + ")" + outcome(req, sent) + ". The connection is closed"
                + (wasClosed == null ? "" : " (" + wasClosed + ")")
                + "; check that the driver and node versions match.", e);
      } catch (IOException e) {
        String wasClosed = closedReason;
        String cause = wasClosed != null ? wasClosed : describe(e, timeout);
        closeSocket("lost (" + cause + ")");
        boolean unknown = sent && mayChangeData(req);
        String message = unknown
            ? "The connection to Ordo at " + node + " broke after " + describe(req) + " was sent and before its"
                + " outcome arrived (" + cause + "): it may or may not have taken effect. The connection is closed;"
                + " check the data before retrying, or retry only if the work is idempotent."
            : "The connection to Ordo at " + node + " broke " + (sent ? "while waiting for the answer to " : "while"
                + " sending ") + describe(req) + " (" + cause + ")" + (sent ? "" : "; it was not fully sent, so it"
                + " did not run") + ". The connection is closed; open a new one.";
        throw SqlExceptions.create(
            unknown ? SqlState.TRANSACTION_RESOLUTION_UNKNOWN : SqlState.CONNECTION_FAILURE, message, e);
      }
    }
  }

  private void checkOpen() throws SQLException {
    String reason = closedReason;
    if (reason != null) {
      throw SqlExceptions.create(SqlState.CONNECTION_DOES_NOT_EXIST,
          "This connection is closed: the connection to Ordo at " + node + " was " + reason + ".");
    }
  }

  private int effectiveTimeout(int callMillis) {
    int net = networkTimeoutMillis;
    if (callMillis <= 0) {
      return net;
    }
    return net <= 0 ? callMillis : Math.min(net, callMillis);
  }

  /**
   * Ends the session politely: sends Close (no answer expected) unless another
   * thread is mid-call, then closes the socket. Idempotent.
   */
  void close() {
    if (closedReason != null) {
      return;
    }
    if (lock.tryLock()) {
      try {
        if (closedReason == null) {
          socket.setSoTimeout(1000);
          writeFrame(encode(new Request.Close()));
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "ordo: could not send Close to {0}: {1}", node, e);
      } finally {
        lock.unlock();
      }
    }
    closeSocket("closed by the application");
  }

  /** This end of the connection, {@code host:port}, for diagnostics. */
  String localAddress() {
    return String.valueOf(socket.getLocalSocketAddress());
  }

  /** Closes the socket at once, failing any call in progress. Idempotent. */
  void abort(String reason) {
    closeSocket(reason);
  }

  private void closeSocket(String reason) {
    if (closedReason == null) {
      closedReason = reason;
    }
    try {
      socket.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "ordo: closing the socket to {0}: {1}", node, e);
    }
  }

  private static ByteArrayOutputStream encode(Request req) {
    ByteArrayOutputStream body = new ByteArrayOutputStream(256);
    try {
      req.write(new DataOutputStream(body));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing to memory cannot fail", e);
    }
    return body;
  }

  private void writeFrame(ByteArrayOutputStream body) throws IOException {
    out.writeInt(body.size());
    body.writeTo(out);
    out.flush();
  }

  private Response receive(int maxFrame) throws IOException {
    int length = in.readInt();
    if (length <= 0 || length > maxFrame) {
      throw new ProtocolException("frame length " + length + " out of range 1.." + maxFrame
          + " (the first bytes were " + printable(length) + ")");
    }
    byte[] body = in.readNBytes(length); // grows as bytes arrive: a bogus length cannot exhaust memory up front
    if (body.length < length) {
      throw new EOFException("the node closed the connection in the middle of a message");
    }
    ByteArrayInputStream bytes = new ByteArrayInputStream(body);
    Response r;
    try {
      r = Response.read(new dev.ordo.driver.wire.FrameInput(bytes));
    } catch (EOFException | RuntimeException e) {
      throw new ProtocolException("a message of " + length + " bytes ended early or is inconsistent: " + e);
    }
    if (bytes.available() > 0) {
      throw new ProtocolException(bytes.available() + " unread bytes after a " + r.getClass().getSimpleName()
          + " message");
    }
    return r;
  }

  private static String printable(int word) {
    StringBuilder sb = new StringBuilder("'");
    for (int shift = 24; shift >= 0; shift -= 8) {
      int c = (word >>> shift) & 0xff;
      sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
    }
    return sb.append("' = 0x").append(Integer.toHexString(word)).toString();
  }

  /** Whether a request may change data, so that losing its answer leaves the outcome unknown. */
  static boolean mayChangeData(Request req) {
    return req instanceof Request.Execute || req instanceof Request.Batch
        || (req instanceof Request.EndTxn end && end.commit());
  }

  private static String outcome(Request req, boolean sent) {
    return sent && mayChangeData(req) ? "; whether " + describe(req) + " took effect is unknown" : "";
  }

  /** A short description of a request for messages, e.g. {@code statement "INSERT INTO t ..."}. */
  static String describe(Request req) {
    if (req instanceof Request.Execute e) {
      return "the statement \"" + abbreviate(e.sql()) + "\"";
    } else if (req instanceof Request.Batch b) {
      return "a batch of " + b.items().size() + " statements";
    } else if (req instanceof Request.EndTxn end) {
      return end.commit() ? "the commit" : "the rollback";
    } else if (req instanceof Request.Metadata m) {
      return "DatabaseMetaData." + m.method() + "()";
    } else if (req instanceof Request.Ping) {
      return "a validity check (ping)";
    } else if (req instanceof Request.Hello) {
      return "the handshake";
    }
    return "the request";
  }

  static String abbreviate(String sql) {
    String s = sql.strip().replaceAll("\\s+", " ");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** A short description of an I/O failure, for messages. */
  static String describe(IOException e, int timeoutMillis) {
    if (e instanceof UnknownHostException) {
      return "unknown host";
    } else if (e instanceof javax.net.ssl.SSLException) {
      return "TLS failed: " + e.getMessage() + " (check sslmode and sslrootcert, and that the node serves TLS:"
          + " ordo serve --tls-cert)";
    } else if (e instanceof SocketTimeoutException) {
      return timeoutMillis > 0 ? "no answer within " + timeoutMillis + " ms" : "timed out";
    } else if (e instanceof EOFException) {
      return e.getMessage() != null ? e.getMessage() : "the node closed the connection";
    } else if (e instanceof ConnectException && e.getMessage() != null) {
      return e.getMessage();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
