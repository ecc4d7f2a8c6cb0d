package dev.ordo.driver;

import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A protocol peer for tests, not a database: it accepts connections on a
 * loopback port, records every request and answers each with what the script
 * returns. A script answer of null closes the connection without answering.
 */
final class FakeNode implements AutoCloseable {
  static final Response.HelloOk HELLO_OK = new Response.HelloOk("test", "node-1", "H2", true, null);

  final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
  private final ServerSocket server;
  private final Function<Request, Response> script;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  /** A node that accepts any Hello and answers the rest with {@code script}. */
  static FakeNode accepting(Function<Request, Response> script) throws IOException {
    return new FakeNode(r -> r instanceof Request.Hello ? HELLO_OK : script.apply(r));
  }

  FakeNode(Function<Request, Response> script) throws IOException {
    this.script = script;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fake-node-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  String url(String databaseAndQuery) {
    return "jdbc:ordo://127.0.0.1:" + port() + "/" + databaseAndQuery;
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next request, skipping the Hello. */
  Request next() throws InterruptedException {
    Request r = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
    return r instanceof Request.Hello ? next() : r;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread t = new Thread(() -> serve(s), "fake-node-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      while (true) {
        byte[] body = in.readNBytes(in.readInt());
        Request req = Request.read(new DataInputStream(new ByteArrayInputStream(body)));
        received.add(req);
        if (req instanceof Request.Close) {
          return;
        }
        Response resp = script.apply(req);
        if (resp == null) {
          return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        resp.write(new DataOutputStream(buf));
        out.writeInt(buf.size());
        buf.writeTo(out);
        out.flush();
      }
    } catch (IOException e) {
      // the driver went away: the session ends
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
