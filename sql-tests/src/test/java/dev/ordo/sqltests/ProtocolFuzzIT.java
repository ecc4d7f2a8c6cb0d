package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.wire.FrameInput;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.driver.wire.Values;
import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.server.ProxyServer;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated frames, before and after login, at a real node over real sockets: the node never dies,
 * never holds more heap than a bound, never answers a frame it could not decode with anything but an error and
 * a close, and a session opened before the storm keeps working through it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ProtocolFuzzIT {
  /** Frames sent before a session is open: each on a connection of its own. */
  private static final int BEFORE_LOGIN = Integer.getInteger("ordo.fuzz.before", 80_000);
  /** Frames sent inside sessions (a new session whenever the node closes one). */
  private static final int AFTER_LOGIN = Integer.getInteger("ordo.fuzz.after", 20_000);
  /** What the old generation may peak at above its start during the storm (about 120 MiB seen; one of the frames
   * that asked for gigabytes before lengths were checked against the frame would pass it). */
  private static final long HEAP_BOUND = 512L << 20;
  /** What the storm may leave behind (heap after a GC, over the start). */
  private static final long RETAINED_BOUND = 64L << 20;

  @TempDir
  static Path dir;
  NodeConfig config;
  OrdoNode node;

  @BeforeAll
  void start() throws Exception {
    config = Nodes.embedded(dir, 3);
    node = Nodes.startReady(config);
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE fuzz (id INT PRIMARY KEY, v VARCHAR(20))");
      s.executeUpdate("INSERT INTO fuzz VALUES (1, 'one')");
    }
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static byte[] body(Request r) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    r.write(new DataOutputStream(b));
    return b.toByteArray();
  }

  private static Request.Hello hello() {
    return new Request.Hello(Request.VERSION, "ordo", null, null, Map.of("applicationName", "fuzz"));
  }

  /** Valid bodies to mutate once a session is open: every request type, with cheap statements. */
  private static List<byte[]> sessionCorpus() throws IOException {
    int auto = Request.FLAG_AUTOCOMMIT;
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(body(new Request.Ping()));
    corpus.add(body(new Request.Execute(auto, 0, "SELECT ? + 1", List.of(41), KeyRequest.NONE)));
    corpus.add(body(new Request.Execute(auto, 10, "SELECT v FROM fuzz WHERE id = ?", List.of(1), KeyRequest.NONE)));
    corpus.add(body(new Request.Execute(auto, 0, "SELECT CAST(? AS VARCHAR(40))",
        List.of(new Object[] {1, new Object[] {"a", null, 2L}}), KeyRequest.NONE)));
    corpus.add(body(new Request.Metadata("getTables", java.util.Arrays.asList(null, null, "FUZZ", null))));
    corpus.add(body(new Request.EndTxn(false)));
    corpus.add(body(new Request.Batch(auto, List.of(new Request.BatchItem("SELECT 1", List.of())), KeyRequest.NONE)));
    return corpus;
  }

  /** One to four byte-wise mutations of {@code b}: flips, boundary bytes, lying lengths, cuts. */
  private static byte[] mutate(byte[] b, Random r) {
    byte[] m = b.clone();
    int times = 1 + r.nextInt(4);
    for (int k = 0; k < times && m.length > 0; k++) {
      int at = r.nextInt(m.length);
      switch (r.nextInt(5)) {
        case 0 -> m[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> m[at] = new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80, Values.ARRAY}[r.nextInt(5)];
        case 2 -> { // a 4-byte length or count that lies
          int v = new int[] {Integer.MAX_VALUE, 1 << 24, 1 << 28, -1, -2, 1 << 20, 65_535}[r.nextInt(7)];
          for (int i = 0; i < 4 && at + i < m.length; i++) {
            m[at + i] = (byte) (v >>> (24 - 8 * i));
          }
        }
        case 3 -> m = java.util.Arrays.copyOf(m, at); // cut short
        default -> { // nested arrays, as deep as the frame allows
          byte[] nest = new byte[Math.min(m.length - at, 5 * (1 + r.nextInt(40)))];
          for (int i = 0; i + 4 < nest.length; i += 5) {
            nest[i] = Values.ARRAY;
            nest[i + 4] = (byte) (1 + r.nextInt(255));
          }
          System.arraycopy(nest, 0, m, at, nest.length);
        }
      }
    }
    return m;
  }

  /** Writes a frame in one write (no small writes for Nagle's algorithm to hold back). */
  private static void writeFrame(OutputStream out, byte[] body) throws IOException {
    out.write(java.nio.ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
    out.flush();
  }

  private static Socket connect(OrdoNode node) throws IOException {
    Socket s = new Socket("127.0.0.1", node.port());
    s.setTcpNoDelay(true);
    s.setSoTimeout(20_000);
    return s;
  }

  /** Reads one answer frame; false if the node closed the connection instead. */
  private static boolean readFrame(DataInputStream in) throws IOException {
    try {
      int n = in.readInt();
      assertTrue(n > 0 && n < 1 << 20, "answer frame of " + n + " bytes");
      in.readNBytes(n);
      return true;
    } catch (EOFException | SocketException closed) {
      return false;
    }
  }

  private static long heapPeak(List<MemoryPoolMXBean> pools) {
    long sum = 0;
    for (MemoryPoolMXBean p : pools) {
      sum += p.getPeakUsage().getUsed();
    }
    return sum;
  }

  /**
   * A client that sends thousands of requests without reading the answers is held back by TCP (the node stops
   * reading while too many are queued) and still gets every answer, in order.
   */
  @Test
  void pipelinedRequestsAreHeldBackAndAllAnsweredInOrder() throws Exception {
    int n = 5_000;
    try (Socket s = connect(node)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      writeFrame(s.getOutputStream(), body(hello()));
      assertTrue(readFrame(in));
      Thread writer = Thread.ofPlatform().start(() -> {
        try {
          DataOutputStream d = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
          for (int i = 0; i < n; i++) {
            byte[] b = body(new Request.Execute(Request.FLAG_AUTOCOMMIT, 0, "SELECT CAST(? AS INT)", List.of(i),
                KeyRequest.NONE));
            d.writeInt(b.length);
            d.write(b);
          }
          d.flush();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      for (int i = 0; i < n; i++) {
        int length = in.readInt();
        byte[] frame = in.readNBytes(length);
        Response r = Response.read(new FrameInput(new ByteArrayInputStream(frame)));
        assertTrue(r instanceof Response.Rows, "answer " + i + ": " + r);
        Object v = ((Response.Rows) r).data().rows().get(0)[0];
        assertEquals(i, ((Number) v).intValue(), "answers come in request order");
      }
      writer.join();
    }
  }

  /**
   * A client that trickles its Hello a byte at a time never gets a session: the handshake deadline counts from the
   * connection (10 s here), not from the last byte, so the node closes it long before the Hello could be complete
   * (a byte every 400 ms: its 120-odd bytes would take 50 s).
   */
  @Test
  void aHelloTrickledByteByByteIsCutOffAtTheHandshakeDeadline() throws Exception {
    byte[] hello = body(new Request.Hello(Request.VERSION, "ordo", null, null,
        Map.of("applicationName", "trickle".repeat(10))));
    byte[] frame = java.nio.ByteBuffer.allocate(4 + hello.length).putInt(hello.length).put(hello).array();
    int sent = 0;
    boolean closed = false;
    try (Socket s = new Socket("127.0.0.1", node.port())) {
      s.setSoTimeout(400);
      for (; sent < frame.length && !closed; sent++) {
        try {
          s.getOutputStream().write(frame[sent]);
          s.getOutputStream().flush();
          closed = s.getInputStream().read() < 0; // the node answers nothing but its close
        } catch (SocketTimeoutException stillOpen) {
          // no answer yet: go on trickling
        } catch (SocketException reset) {
          closed = true;
        }
      }
    }
    assertTrue(closed, "the node closed the connection before the last of " + sent + " trickled bytes");
    try (Connection c = Nodes.connect(node); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
      assertTrue(rs.next(), "other clients are served meanwhile");
    }
  }

  /**
   * A request marked autocommit while the session's transaction is open is refused with 25001 instead of
   * running: run, it would wait for its own transaction's locks (and hold up everything ordered after it).
   */
  @Test
  void anAutocommitRequestInsideAnOpenTransactionIsRefused() throws Exception {
    try (Socket s = connect(node)) {
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      writeFrame(out, body(hello()));
      assertTrue(readFrame(in));
      writeFrame(out, body(new Request.Execute(0, 0, "UPDATE fuzz SET v = 'txn' WHERE id = 1", List.of(),
          KeyRequest.NONE)));
      assertTrue(answer(in) instanceof Response.Update);
      writeFrame(out, body(new Request.Execute(Request.FLAG_AUTOCOMMIT, 0, "UPDATE fuzz SET v = 'auto' WHERE id = 1",
          List.of(), KeyRequest.NONE)));
      Response refused = answer(in);
      assertTrue(refused instanceof Response.Error e && e.sqlState().equals("25001"), refused.toString());
      writeFrame(out, body(new Request.Batch(Request.FLAG_AUTOCOMMIT, List.of(new Request.BatchItem(
          "UPDATE fuzz SET v = 'auto' WHERE id = 1", List.of())), KeyRequest.NONE)));
      refused = answer(in);
      assertTrue(refused instanceof Response.Error e && e.sqlState().equals("25001"), refused.toString());
      writeFrame(out, body(new Request.EndTxn(false)));
      assertTrue(answer(in) instanceof Response.Ok);
    }
  }

  private static Response answer(DataInputStream in) throws IOException {
    byte[] frame = in.readNBytes(in.readInt());
    return Response.read(new FrameInput(new ByteArrayInputStream(frame)));
  }

  /** One address may hold so many connections and no more: the next is refused with 53300, then admitted again. */
  @Test
  void connectionsBeyondTheCapFromOneAddressAreRefusedWith53300() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      // Each with an open session: without one, the node would close it at its handshake deadline (10 s), and
      // on a slow machine the first could go before the last is counted.
      byte[] hello = body(hello());
      for (int i = 0; i < ProxyServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
        Socket s = connect(node);
        held.add(s);
        writeFrame(s.getOutputStream(), hello);
      }
      for (Socket s : held) {
        assertTrue(readFrame(new DataInputStream(s.getInputStream())), "a session opened");
      }
      SQLException e = assertThrows(SQLException.class, () -> Nodes.connect(node).close());
      assertEquals("53300", e.getSQLState(), e.getMessage());
      assertTrue(e instanceof SQLTransientConnectionException, e.getClass().getName());
      assertTrue(e.getMessage().contains("at most " + ProxyServer.MAX_CONNECTIONS_PER_ADDRESS + " from one address"),
          e.getMessage());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) { // the node counts a connection out once it sees the close
      try (Connection c = Nodes.connect(node); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
        assertTrue(rs.next());
        break;
      } catch (SQLException stillFull) {
        assertEquals("53300", stillFull.getSQLState(), stillFull.getMessage());
        assertTrue(System.nanoTime() < deadline, "connections admitted again once the others closed");
        Thread.sleep(50);
      }
    }
  }

  @Test
  void randomAndMutatedFramesHarmNothing() throws Exception {
    Random random = new Random(20261207L);
    System.out.println("ProtocolFuzzIT seed 20261207");
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    // What outlives a young collection: a frame that made the node hold on to memory shows here.
    List<MemoryPoolMXBean> old = heap.stream()
        .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured")).toList();
    System.gc();
    long startHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long startOld = heapPeak(old);
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);

    try (Connection bystander = Nodes.connect(node)) {
      try (Statement s = bystander.createStatement()) {
        assertEquals(1, s.executeUpdate("UPDATE fuzz SET v = 'held' WHERE id = 1"));
      }
      List<byte[]> corpus = sessionCorpus();

      // Before login: random bytes, lying frame lengths, mutated Hellos, other types first; one connection each.
      byte[] helloBody = body(hello());
      long beforeAnswers = 0;
      long started = System.nanoTime();
      for (int i = 0; i < BEFORE_LOGIN; i++) {
        byte[] frame;
        if (i % 3 == 0) {
          frame = new byte[1 + random.nextInt(300)];
          random.nextBytes(frame);
        } else {
          byte[] b = i % 3 == 1 ? mutate(helloBody, random) : mutate(corpus.get(random.nextInt(corpus.size())), random);
          ByteArrayOutputStream f = new ByteArrayOutputStream();
          DataOutputStream d = new DataOutputStream(f);
          d.writeInt(random.nextInt(10) == 0 ? random.nextInt() : b.length);
          d.write(b);
          frame = f.toByteArray();
        }
        try (Socket s = connect(node)) {
          s.getOutputStream().write(frame);
          s.shutdownOutput(); // the node must not wait for bytes that will never come
          DataInputStream in = new DataInputStream(s.getInputStream());
          int answers = 0;
          while (readFrame(in)) {
            answers++;
            assertTrue(answers <= 1, "at most one answer (HelloOk, or the error before the close)");
          }
          beforeAnswers += answers;
        } catch (SocketException reset) {
          // A reset is a close too.
        }
      }

      long beforeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      started = System.nanoTime();
      // After login: mutated frames of every type inside sessions; the node closes a session on bytes it cannot
      // decode, and answers everything it can.
      long sessions = 0;
      long answered = 0;
      int sent = 0;
      while (sent < AFTER_LOGIN) {
        sessions++;
        try (Socket s = connect(node)) {
          OutputStream out = s.getOutputStream();
          DataInputStream in = new DataInputStream(s.getInputStream());
          writeFrame(out, helloBody);
          assertTrue(readFrame(in), "a valid Hello opens a session");
          while (sent < AFTER_LOGIN) {
            byte[] b = corpus.get(random.nextInt(corpus.size()));
            byte[] m = random.nextInt(8) == 0 ? b : mutate(b, random);
            if (m.length == 0) {
              continue;
            }
            sent++;
            writeFrame(out, m);
            if (m[0] == Request.T_CLOSE) {
              break; // no answer to Close
            }
            if (!readFrame(in)) {
              break; // closed for bytes it could not decode
            }
            answered++;
          }
        } catch (SocketException reset) {
          // closed while we wrote: a close
        } catch (SocketTimeoutException stuck) {
          throw new AssertionError("the node neither answered nor closed a session within 20 s", stuck);
        }
      }
      long afterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      long peak = heapPeak(heap);
      long oldPeak = heapPeak(old);
      System.gc();
      long retained = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf("ProtocolFuzzIT: %,d frames before login in %,d ms (%,d answers), %,d after login in %,d"
          + " sessions in %,d ms (%,d answered); heap after GC %,d KiB at start, %,d KiB at the end; old"
          + " generation %,d KiB at start, peak %,d KiB; peak of all heap pools (garbage included) %,d KiB%n",
          BEFORE_LOGIN, beforeMillis, beforeAnswers, AFTER_LOGIN, sessions, afterMillis, answered, startHeap >> 10,
          retained >> 10, startOld >> 10, oldPeak >> 10, peak >> 10);
      assertTrue(oldPeak - startOld < HEAP_BOUND, "the old generation peaked " + ((oldPeak - startOld) >> 20)
          + " MiB above the start");
      assertTrue(retained - startHeap < RETAINED_BOUND, "the storm left " + ((retained - startHeap) >> 20)
          + " MiB behind");
      assertTrue(answered > AFTER_LOGIN / 10, "many mutated requests were still decoded and answered");

      // The session opened before the storm still works.
      try (Statement s = bystander.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM fuzz WHERE id = 1")) {
        assertTrue(rs.next());
        assertEquals("held", rs.getString(1));
      }
    }
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("INSERT INTO fuzz VALUES (2, 'after')"));
    }
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> replicas = Nodes.replicaContents(config);
    for (Map<String, List<String>> r : replicas) {
      assertEquals(replicas.get(0), r, "replicas identical after the storm");
    }
  }
}
