package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.driver.wire.Scram;
import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.ClientSecurity;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.server.Users;
import dev.ordo.sequencer.PeerCertificates;
import dev.ordo.sequencer.SequencerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users with roles, SCRAM-SHA-256 passwords, client TLS and login throttling, through the real driver and
 * HikariCP: only the right password opens a session, an app user cannot run the operator commands, ORDO ADD
 * REPLICA copies only to allowed hosts, TLS is checked as sslmode says, and repeated failures turn the address
 * away.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
  private static final String ADMIN_PW = "admin-secret-1";
  private static final String APP_PW = "app-secret-22";

  @TempDir
  static Path dir;
  OrdoNode tlsNode;
  Path ca;

  @BeforeAll
  void start() throws Exception {
    Path users = dir.resolve("users");
    Files.write(users, List.of("# test users",
        Users.line("alice", EnumSet.of(Users.Role.APP, Users.Role.ADMIN), Scram.Verifier.of(ADMIN_PW, 4096)),
        Users.line("app", EnumSet.of(Users.Role.APP), Scram.Verifier.of(APP_PW, 4096))));
    Map<String, SequencerConfig.PeerTls> certs = PeerCertificates.create(dir.resolve("certs"),
        Map.of("node", List.of("127.0.0.1", "localhost")), Duration.ofDays(1));
    ca = certs.get("node").trusted();
    NodeConfig cfg = Nodes.embedded(dir.resolve("tls"), 3).withSecurity(new ClientSecurity(users,
        certs.get("node").certificate(), certs.get("node").privateKey(), List.of()));
    tlsNode = Nodes.startReady(cfg);
    try (Connection c = connect("alice", ADMIN_PW, "verify-full"); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY)");
    }
  }

  @AfterAll
  void stop() {
    if (tlsNode != null) {
      tlsNode.close();
    }
  }

  private String url(String sslmode) {
    return "jdbc:ordo://127.0.0.1:" + tlsNode.port() + "/ordo?sslmode=" + sslmode + "&sslrootcert=" + ca
        + "&connectTimeout=10";
  }

  private Connection connect(String user, String password, String sslmode) throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(url(sslmode), p);
  }

  @Test
  void onlyTheRightPasswordOpensASession() throws Exception {
    try (Connection c = connect("app", APP_PW, "verify-full"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      assertTrue(rs.next());
    }
    SQLException none = assertThrows(SQLException.class, () -> connect(null, null, "verify-full").close());
    assertEquals("28000", none.getSQLState(), none.getMessage());
    assertTrue(none instanceof SQLInvalidAuthorizationSpecException, none.getClass().getName());
    assertTrue(none.getMessage().contains("requires a user and password"), none.getMessage());
    SQLException wrong = assertThrows(SQLException.class, () -> connect("app", "not-it", "verify-full").close());
    assertEquals("28P01", wrong.getSQLState(), wrong.getMessage());
    SQLException unknown = assertThrows(SQLException.class, () -> connect("mallory", APP_PW, "verify-full").close());
    assertEquals("28P01", unknown.getSQLState(), unknown.getMessage());
    assertEquals(wrong.getMessage().replace("'app'", "'mallory'"), unknown.getMessage(),
        "an unknown user is answered like a wrong password");
  }

  @Test
  void operatorCommandsNeedTheAdminRole() throws Exception {
    try (Connection c = connect("app", APP_PW, "verify-full"); Statement s = c.createStatement()) {
      for (String cmd : List.of("ORDO STATUS", "ORDO RESYNC REPLICA r1",
          "ORDO ADD REPLICA r9 URL 'jdbc:postgresql://127.0.0.1:5432/x'")) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(cmd), cmd);
        assertEquals("42501", e.getSQLState(), cmd + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("admin role"), e.getMessage());
      }
    }
    assertTrue(tlsNode.replicas().stream().allMatch(r -> r.isHealthy()), "nothing was resynchronised");
    try (Connection c = connect("alice", ADMIN_PW, "verify-full"); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("ORDO STATUS")) {
        assertTrue(rs.next());
      }
      SQLException far = assertThrows(SQLException.class,
          () -> s.execute("ORDO ADD REPLICA r9 URL 'jdbc:postgresql://198.51.100.7:5432/x'"));
      assertEquals("42501", far.getSQLState(), far.getMessage());
      assertTrue(far.getMessage().contains("--replica-hosts") && far.getMessage().contains("198.51.100.7"),
          far.getMessage());
    }
  }

  @Test
  void tlsIsCheckedAsSslmodeSays() throws Exception {
    try (Connection c = connect("app", APP_PW, "require"); Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
    }
    try (Connection c = connect("app", APP_PW, "verify-ca"); Statement s = c.createStatement()) {
      s.executeQuery("SELECT 1").close();
    }
    // Without the cluster's authority the JVM's trusted ones do not know the node's certificate.
    SQLException untrusted = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:ordo://127.0.0.1:" + tlsNode.port() + "/ordo?sslmode=verify-full", "app", APP_PW).close());
    assertEquals("08001", untrusted.getSQLState(), untrusted.getMessage());
    assertTrue(untrusted.getMessage().contains("TLS failed"), untrusted.getMessage());
    SQLException plain = assertThrows(SQLException.class, () -> connect("app", APP_PW, "disable").close());
    assertTrue(plain.getSQLState().startsWith("08"), plain.getSQLState() + ": " + plain.getMessage());
    assertTrue(plain.getMessage().contains("set sslmode"), plain.getMessage());
    SQLException bad = assertThrows(SQLException.class, () -> connect("app", APP_PW, "prefer").close());
    assertTrue(bad.getMessage().contains("sslmode=prefer is not one of"), bad.getMessage());
  }

  @Test
  void hikariPoolsWithTlsAndWithout() throws Exception {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(url("verify-full"));
    hc.setUsername("app");
    hc.setPassword(APP_PW);
    hc.setMaximumPoolSize(4);
    try (HikariDataSource ds = new HikariDataSource(hc)) {
      for (int i = 0; i < 20; i++) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
          assertTrue(rs.next());
        }
      }
    }
    NodeConfig plainCfg = Nodes.embedded(dir.resolve("plain"), 1).withCredentials("ops", "ops-secret-3");
    try (OrdoNode plain = Nodes.startReady(plainCfg)) {
      HikariConfig pc = new HikariConfig();
      pc.setJdbcUrl("jdbc:ordo://127.0.0.1:" + plain.port() + "/ordo");
      pc.setUsername("ops");
      pc.setPassword("ops-secret-3");
      pc.setMaximumPoolSize(2);
      try (HikariDataSource ds = new HikariDataSource(pc); Connection c = ds.getConnection();
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("ORDO STATUS")) {
        assertTrue(rs.next(), "the --user account is an administrator");
      }
      // Repeated failures turn this address away, the right password included, with 28000.
      for (int i = 0; i < 5; i++) {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(
            "jdbc:ordo://127.0.0.1:" + plain.port() + "/ordo", "ops", "guess").close());
        assertEquals("28P01", e.getSQLState(), e.getMessage());
      }
      SQLException locked = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:ordo://127.0.0.1:" + plain.port() + "/ordo", "ops", "ops-secret-3").close());
      assertEquals("28000", locked.getSQLState(), locked.getMessage());
      assertTrue(locked.getMessage().contains("too many failed logins"), locked.getMessage());
    }
    // The other node keeps its own count.
    try (Connection c = connect("app", APP_PW, "verify-full")) {
      assertTrue(c.isValid(5));
    }
  }
}
