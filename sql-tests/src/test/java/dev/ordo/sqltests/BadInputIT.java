package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear error and harms nothing else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputIT {
  @TempDir
  static Path dir;
  OrdoNode node;

  @BeforeAll
  void start() throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir, 3));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void malformedSqlIsASyntaxErrorWithTheBackendsMessage() throws Exception {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      SQLSyntaxErrorException e = assertThrows(SQLSyntaxErrorException.class,
          () -> s.executeUpdate("SELEC * FROM ("));
      assertTrue(e.getSQLState().startsWith("42"), e.getSQLState());
      assertTrue(e.getMessage().contains("Syntax error") || e.getMessage().contains("syntax"), e.getMessage());
      SQLSyntaxErrorException missing = assertThrows(SQLSyntaxErrorException.class,
          () -> s.executeQuery("SELECT * FROM no_such_table"));
      assertTrue(missing.getMessage().toUpperCase().contains("NO_SUCH_TABLE"), missing.getMessage());
      // The session is still usable.
      try (ResultSet rs = s.executeQuery("SELECT 1")) {
        assertTrue(rs.next());
      }
    }
  }

  @Test
  void closedPortGives08001NamingHostAndPort() {
    int port = Nodes.freePort();
    SQLException e = assertThrows(SQLException.class,
        () -> DriverManager.getConnection("jdbc:ordo://127.0.0.1:" + port + "/ordo"));
    assertTrue(e instanceof SQLNonTransientConnectionException, e.getClass().getName());
    assertEquals("08001", e.getSQLState());
    assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
  }

  @Test
  void wrongDatabaseNameIsRefused() {
    String url = node.jdbcUrl().replace("/ordo", "/other");
    SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url));
    assertEquals("3D000", e.getSQLState());
  }

  @Test
  void randomBytesCloseOnlyThatConnection() throws Exception {
    Random random = new Random(42);
    System.out.println("seed 42");
    for (int round = 0; round < 20; round++) {
      try (Socket s = new Socket("127.0.0.1", node.port())) {
        s.setSoTimeout(15_000);
        byte[] junk = new byte[1 + random.nextInt(512)];
        random.nextBytes(junk);
        if (round % 2 == 0) {
          // A small, plausible frame length followed by garbage.
          junk[0] = 0;
          junk[1] = 0;
          junk[2] = 0;
          junk[3] = (byte) Math.min(junk.length - 4, 100);
          if (junk.length < 5) {
            continue;
          }
        }
        OutputStream out = s.getOutputStream();
        out.write(junk);
        out.flush();
        if (round % 2 == 1) {
          // An incomplete frame: the server must not wait for the rest forever once the client is done.
          s.shutdownOutput();
        }
        InputStream in = s.getInputStream();
        // The server closes the connection (perhaps after one error frame); read until EOF.
        byte[] buf = new byte[4096];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
          total += n;
          assertTrue(total < 1 << 16, "server keeps talking to a garbage client");
        }
      } catch (java.net.SocketException reset) {
        // A reset is a close too.
      }
    }
    try (Connection c = Nodes.connect(node); ResultSet rs = c.createStatement().executeQuery("SELECT 42")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }

  @Test
  void credentialsAreCheckedWhenConfigured() throws Exception {
    try (OrdoNode secured = Nodes.startReady(Nodes.embedded(dir.resolve("secured"), 1)
        .withCredentials("app", "s3cret"))) {
      Properties ok = new Properties();
      ok.setProperty("user", "app");
      ok.setProperty("password", "s3cret");
      try (Connection c = DriverManager.getConnection(secured.jdbcUrl(), ok)) {
        assertTrue(c.isValid(5));
      }
      Properties bad = new Properties();
      bad.setProperty("user", "app");
      bad.setProperty("password", "wrong");
      SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(secured.jdbcUrl(), bad));
      assertTrue(e instanceof SQLInvalidAuthorizationSpecException, e.getClass().getName());
      assertEquals("28P01", e.getSQLState());
    }
  }
}
