package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.KeyRequest;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.driver.wire.ResultData;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver against {@link FakeNode}, a protocol peer on a loopback port: transport, framing, mapping. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProtocolLoopbackTest {

  private static ResultData table(Object[]... rows) {
    return new ResultData(List.of(
        ColumnInfo.simple("ID", Types.BIGINT, "BIGINT", Long.class.getName()),
        ColumnInfo.simple("NAME", Types.VARCHAR, "VARCHAR", String.class.getName())), Arrays.asList(rows));
  }

  private static Response answer(Request r) {
    if (r instanceof Request.Execute e && e.sql().startsWith("SELECT")) {
      return new Response.Rows(table(new Object[] {1L, "a"}, new Object[] {2L, "b"}));
    } else if (r instanceof Request.Execute e && e.sql().startsWith("INSERT")) {
      return new Response.Update(1, e.keys().kind() == KeyRequest.Kind.NONE ? null : table(new Object[] {41L, "k"}));
    } else if (r instanceof Request.Execute e && e.sql().startsWith("FAIL")) {
      return new Response.Error("23505", 23505, "duplicate key value violates unique constraint \"pk\"", -1);
    } else if (r instanceof Request.Batch b) {
      long[] counts = new long[b.items().size()];
      Arrays.fill(counts, 1);
      return b.items().get(b.items().size() - 1).sql().startsWith("FAIL")
          ? new Response.Error("23505", 0, "duplicate key", b.items().size() - 1)
          : new Response.BatchDone(counts, null);
    } else if (r instanceof Request.EndTxn || r instanceof Request.Ping) {
      return new Response.Ok();
    } else if (r instanceof Request.Metadata m && m.method().startsWith("Connection.")) {
      String v = m.method().equals("Connection.getCatalog") ? "APP" : "PUBLIC";
      return new Response.Rows(new ResultData(List.of(ColumnInfo.simple("V", Types.VARCHAR, "VARCHAR", "")),
          List.<Object[]>of(new Object[] {v})));
    } else if (r instanceof Request.Metadata m) {
      Object v = m.method().equals("getDatabaseProductName") ? "H2" : m.method().startsWith("supports") ? true : 7;
      if (m.method().equals("getTables") || m.method().equals("getBestRowIdentifier")) {
        return new Response.Rows(table(new Object[] {1L, m.method()}));
      }
      return new Response.Rows(new ResultData(List.of(ColumnInfo.simple("V", Types.OTHER, "X", "")),
          List.<Object[]>of(new Object[] {v})));
    }
    return null; // anything else: hang up
  }

  @Test
  void queryRoundTrip() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app?applicationName=test"), "sa", "pw")) {
      Request.Hello hello = (Request.Hello) node.received.take();
      assertEquals("app", hello.database());
      assertEquals("sa", hello.user());
      // The password never crosses the wire: the Hello carries SCRAM's first message, a nonce.
      assertTrue(hello.auth().startsWith("n,,n=,r=") && !hello.auth().contains("pw"), hello.auth());
      assertEquals("test", hello.properties().get("applicationName"));
      assertFalse(hello.properties().containsKey("password"));
      assertEquals(Request.VERSION, hello.version());

      Statement s = c.createStatement();
      s.setMaxRows(10);
      ResultSet rs = s.executeQuery("SELECT id, name FROM t");
      assertTrue(rs.next());
      assertEquals(1L, rs.getObject(1));
      assertEquals("a", rs.getString("name"));
      assertTrue(rs.next());
      assertFalse(rs.next());
      assertEquals(-1, s.getUpdateCount());
      assertEquals(rs, s.getResultSet());
      Request.Execute ex = (Request.Execute) node.next();
      assertEquals(Request.FLAG_AUTOCOMMIT, ex.flags());
      assertEquals(10, ex.maxRows());
      assertEquals(List.of(), ex.params());

      assertFalse(s.getMoreResults());
      assertTrue(rs.isClosed());
      assertNull(s.getResultSet());
      assertEquals(-1, s.getUpdateCount());
    }
  }

  @Test
  void anUnknownConnectionPropertyIsAWarningNotSilence() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection known = DriverManager.getConnection(node.url("app?applicationName=test&sslmode=disable"));
        Connection unknown = DriverManager.getConnection(node.url("app?stringtype=unspecified"))) {
      assertNull(known.getWarnings());
      java.sql.SQLWarning w = unknown.getWarnings();
      assertNotNull(w);
      assertEquals("01000", w.getSQLState());
      assertTrue(w.getMessage().contains("'stringtype'") && w.getMessage().contains("sslmode"), w.getMessage());
      assertNull(w.getNextWarning());
      unknown.clearWarnings();
      assertNull(unknown.getWarnings());
    }
  }

  @Test
  void preparedStatementSendsTypedParametersAndGetsKeys() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, '?')",
          Statement.RETURN_GENERATED_KEYS);
      assertEquals(6, ps.getParameterMetaData().getParameterCount());
      LocalDateTime ts = LocalDateTime.of(2024, 5, 6, 7, 8, 9, 10);
      UUID id = UUID.randomUUID();
      ps.setInt(1, 5);
      ps.setTimestamp(2, Timestamp.valueOf(ts));
      ps.setObject(3, id);
      ps.setObject(4, Instant.parse("2024-05-06T07:08:09Z"));
      ps.setNull(5, Types.VARCHAR);
      SQLException missing = assertThrows(SQLException.class, ps::executeUpdate);
      assertEquals("22023", missing.getSQLState());
      assertTrue(missing.getMessage().contains("No value specified for parameter 6"), missing.getMessage());
      ps.setBigDecimal(6, new BigDecimal("1.50"));
      assertEquals(1, ps.executeUpdate());

      Request.Execute ex = (Request.Execute) node.next();
      assertEquals(Arrays.asList(5, ts, id, OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 0, ZoneOffset.UTC), null,
          new BigDecimal("1.50")), ex.params());
      assertEquals(KeyRequest.Kind.AUTO, ex.keys().kind());
      ResultSet keys = ps.getGeneratedKeys();
      assertTrue(keys.next());
      assertEquals(41L, keys.getLong(1));

      SQLException outOfRange = assertThrows(SQLException.class, () -> ps.setString(7, "x"));
      assertTrue(outOfRange.getMessage().contains("number of parameters: 6"), outOfRange.getMessage());
      assertEquals("42809", assertThrows(SQLException.class, () -> ps.executeQuery("SELECT 1")).getSQLState());
      SQLException noRows = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("INSERT x"));
      assertEquals("02000", noRows.getSQLState());
      SQLException rows = assertThrows(SQLException.class, () -> c.createStatement().executeUpdate("SELECT 1"));
      assertEquals("0100E", rows.getSQLState());
    }
  }

  @Test
  void errorResponsesBecomeTypedExceptions() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("FAIL"));
      assertInstanceOf(SQLIntegrityConstraintViolationException.class, e);
      assertEquals("23505", e.getSQLState());
      assertEquals(23505, e.getErrorCode());
      assertTrue(c.isValid(1), "an error response leaves the session usable");
    }
  }

  @Test
  void batches() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?)");
      for (int i = 0; i < 3; i++) {
        ps.setInt(1, i);
        ps.addBatch();
      }
      assertArrayEquals(new int[] {1, 1, 1}, ps.executeBatch());
      Request.Batch b = (Request.Batch) node.next();
      assertEquals(3, b.items().size());
      assertEquals(List.of(2), b.items().get(2).params());
      assertEquals(0, ps.executeBatch().length, "the batch is empty after executeBatch");

      Statement s = c.createStatement();
      s.addBatch("INSERT INTO t VALUES (1)");
      s.addBatch("FAIL");
      BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
      assertEquals("23505", e.getSQLState());
      assertArrayEquals(new int[] {Statement.EXECUTE_FAILED, Statement.EXECUTE_FAILED}, e.getUpdateCounts());
      assertTrue(e.getMessage().contains("Batch item 2 of 2"), e.getMessage());
    }
  }

  @Test
  void transactionsAndFlags() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      assertEquals("25P01", assertThrows(SQLException.class, c::commit).getSQLState());
      assertEquals("25P01", assertThrows(SQLException.class, c::rollback).getSQLState());
      c.setAutoCommit(false);
      c.commit(); // nothing ran: nothing is sent
      c.setReadOnly(true);
      c.createStatement().executeQuery("SELECT 1");
      assertEquals(Request.FLAG_READ_ONLY, ((Request.Execute) node.next()).flags());
      assertEquals("25001", assertThrows(SQLException.class, () -> c.setReadOnly(false)).getSQLState());
      c.commit();
      assertEquals(new Request.EndTxn(true), node.next());
      c.setReadOnly(false);
      c.createStatement().executeUpdate("INSERT 1");
      assertEquals(0, ((Request.Execute) node.next()).flags());
      c.setAutoCommit(true); // commits the open transaction
      assertEquals(new Request.EndTxn(true), node.next());
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
      assertEquals("APP", c.getCatalog(), "the replicas' catalog");
      assertEquals("Connection.getCatalog", ((Request.Metadata) node.next()).method());
      assertEquals("Connection.getSchema", ((Request.Metadata) node.next()).method());
      assertEquals("25P01", assertThrows(SQLException.class, c::setSavepoint).getSQLState(),
          "a savepoint needs a transaction");
      assertEquals("0A000", assertThrows(SQLException.class, () -> c.prepareCall("{call p()}")).getSQLState());
      assertTrue(c.isValid(1));
      assertEquals(new Request.Ping(), node.next());
    }
  }

  @Test
  void catalogAndSchemaAreTheReplicasAndTheSchemaCannotBeSwitched() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      assertEquals("PUBLIC", c.getSchema());
      assertEquals("APP", c.getCatalog());
      assertEquals("PUBLIC", c.getSchema());
      c.setSchema("PUBLIC"); // the current one: nothing to do
      SQLException e = assertThrows(SQLException.class, () -> c.setSchema("OTHER"));
      assertEquals("0A000", e.getSQLState());
      assertTrue(e.getMessage().contains("OTHER") && e.getMessage().contains("PUBLIC"), e.getMessage());
      assertEquals("PUBLIC", c.getSchema(), "a refused switch changes nothing");
      c.setCatalog("ELSEWHERE"); // ignored
      assertEquals("APP", c.getCatalog());
      assertEquals("Connection.getCatalog", ((Request.Metadata) node.next()).method());
      assertEquals("Connection.getSchema", ((Request.Metadata) node.next()).method());
      assertEquals(null, node.received.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS),
          "asked of the node once per connection");
    }
  }

  @Test
  void aNodeThatCannotNameItsCatalogLeavesTheUrlDatabase() throws Exception {
    try (FakeNode node = FakeNode.accepting(r -> r instanceof Request.Metadata m && m.method().startsWith("Connection.")
            ? new Response.Error("0A000", 0, "DatabaseMetaData has no method " + m.method(), -1)
            : answer(r));
        Connection c = DriverManager.getConnection(node.url("app"))) {
      assertEquals("app", c.getCatalog());
      assertEquals(null, c.getSchema());
      assertEquals("0A000", assertThrows(SQLException.class, () -> c.setSchema("PUBLIC")).getSQLState());
    }
  }

  @Test
  void metadataIsForwardedWithBoxedArgumentsAndScalarsAreCached() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection(node.url("app?user=u&password=secret"))) {
      DatabaseMetaData md = c.getMetaData();
      ResultSet tables = md.getTables("CAT", null, "T%", new String[] {"TABLE", "VIEW"});
      assertTrue(tables.next());
      Request.Metadata m = (Request.Metadata) node.next();
      assertEquals("getTables", m.method());
      assertEquals(4, m.args().size());
      assertEquals(Arrays.asList("CAT", null, "T%"), m.args().subList(0, 3));
      assertArrayEquals(new Object[] {"TABLE", "VIEW"}, (Object[]) m.args().get(3));

      md.getBestRowIdentifier(null, "S", "T", DatabaseMetaData.bestRowSession, true);
      assertEquals(Arrays.asList(null, "S", "T", 2, true), ((Request.Metadata) node.next()).args());

      assertEquals("H2", md.getDatabaseProductName());
      assertEquals("H2", md.getDatabaseProductName());
      assertTrue(md.supportsOuterJoins());
      assertTrue(md.supportsConvert(Types.INTEGER, Types.VARCHAR));
      assertEquals(7, md.getMaxConnections());
      assertEquals("getDatabaseProductName", ((Request.Metadata) node.next()).method());
      assertEquals("supportsOuterJoins", ((Request.Metadata) node.next()).method(), "the second call was cached");
      assertEquals(Arrays.asList(Types.INTEGER, Types.VARCHAR), ((Request.Metadata) node.next()).args());

      assertEquals("Ordo JDBC Driver", md.getDriverName());
      assertEquals("u", md.getUserName());
      assertFalse(md.getURL().contains("secret"));
      assertTrue(md.supportsSavepoints());
      assertTrue(md.supportsResultSetType(ResultSet.TYPE_SCROLL_INSENSITIVE));
      assertFalse(md.supportsResultSetConcurrency(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_UPDATABLE));
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, md.getDefaultTransactionIsolation());
      assertEquals(Request.Metadata.class, node.next().getClass(), "getMaxConnections");
      assertTrue(node.received.isEmpty(), "local answers send nothing: " + node.received);
    }
  }

  @Test
  void lostConnectionAfterAWriteWasSentIsOutcomeUnknown() throws Exception {
    try (FakeNode node = FakeNode.accepting(r -> null);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      Statement s = c.createStatement();
      SQLException e = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE t SET x = 1"));
      assertInstanceOf(SQLTransientConnectionException.class, e);
      assertEquals("08007", e.getSQLState());
      assertTrue(e.getMessage().contains("127.0.0.1:" + node.port()) && e.getMessage().contains("UPDATE t SET x = 1")
          && e.getMessage().contains("may or may not have taken effect"), e.getMessage());
      assertTrue(c.isClosed());
      assertFalse(c.isValid(1));
      SQLException closed = assertThrows(SQLException.class, c::createStatement);
      assertEquals("08003", closed.getSQLState());
      assertTrue(closed.getMessage().startsWith("This connection is closed"), closed.getMessage());
    }
  }

  @Test
  void lostConnectionDuringAReadIsAConnectionFailure() throws Exception {
    try (FakeNode node = FakeNode.accepting(r -> null);
        Connection c = DriverManager.getConnection(node.url("app"))) {
      SQLException e = assertThrows(SQLException.class, () -> c.getMetaData().getTables(null, null, null, null));
      assertEquals("08006", e.getSQLState());
      assertTrue(e.getMessage().contains("DatabaseMetaData.getTables()"), e.getMessage());
    }
  }

  @Test
  void networkTimeoutBreaksTheConnection() throws Exception {
    try (FakeNode node = FakeNode.accepting(r -> {
      sleep(2000);
      return new Response.Ok();
    });
        Connection c = DriverManager.getConnection(node.url("app"))) {
      c.setNetworkTimeout(Runnable::run, 200);
      SQLException e = assertThrows(SQLException.class, () -> c.createStatement().execute("INSERT 1"));
      assertEquals("08007", e.getSQLState());
      assertTrue(e.getMessage().contains("no answer within 200 ms"), e.getMessage());
      assertTrue(c.isClosed());
    }
  }

  @Test
  void closedPortGives08001NamingTheNode() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:ordo://127.0.0.1:" + port + "/app"));
    assertInstanceOf(SQLNonTransientConnectionException.class, e);
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().startsWith("Could not connect to Ordo at 127.0.0.1:" + port + " ("), e.getMessage());
    assertTrue(e.getMessage().contains("./ordo serve"), e.getMessage());
  }

  @Test
  void failsOverToTheNextNode() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    try (FakeNode notReady = new FakeNode(r -> new Response.Error("57P03", "node-2 has no healthy replica yet"));
        FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer);
        Connection c = DriverManager.getConnection("jdbc:ordo://127.0.0.1:" + closedPort + ",127.0.0.1:"
            + notReady.port() + ",127.0.0.1:" + node.port() + "/app")) {
      assertTrue(c.isValid(1));
      assertTrue(c.toString().contains("127.0.0.1:" + node.port()), c.toString());
    }
  }

  @Test
  void refusedHelloKeepsTheNodesSqlState() throws Exception {
    try (FakeNode node = new FakeNode(r -> new Response.Error("28P01", 0, "password authentication failed", -1))) {
      SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(node.url("app")));
      assertInstanceOf(SQLInvalidAuthorizationSpecException.class, e);
      assertEquals("password authentication failed", e.getMessage());
    }
    try (FakeNode node = new FakeNode(r -> new Response.Error("57P03", "no leader yet"))) {
      SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(node.url("app")));
      assertEquals("57P03", e.getSQLState());
      assertTrue(e.getMessage().contains("no leader yet") && e.getMessage().contains(":" + node.port()),
          e.getMessage());
    }
  }

  @Test
  void aPeerThatIsNotAnOrdoNodeIsRecognised() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          out.flush();
          sleep(500);
        } catch (IOException e) {
          // test peer: ignore
        }
      });
      t.setDaemon(true);
      t.start();
      Properties p = new Properties();
      p.setProperty("connectTimeout", "2");
      SQLException e = assertThrows(SQLException.class,
          () -> DriverManager.getConnection("jdbc:ordo://127.0.0.1:" + server.getLocalPort() + "/app", p));
      assertEquals("08001", e.getSQLState());
      assertTrue(e.getMessage().contains("not the Ordo protocol") && e.getMessage().contains("'HTTP'"),
          e.getMessage());
    }
  }

  @Test
  void closeIsIdempotentAndSendsClose() throws Exception {
    try (FakeNode node = FakeNode.accepting(ProtocolLoopbackTest::answer)) {
      Connection c = DriverManager.getConnection(node.url("app"));
      Statement s = c.createStatement();
      c.close();
      c.close();
      assertTrue(c.isClosed());
      assertTrue(s.isClosed());
      assertEquals(new Request.Close(), node.next());
      assertEquals("08003", assertThrows(SQLException.class, c::createStatement).getSQLState());
      assertFalse(c.isValid(0));
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
