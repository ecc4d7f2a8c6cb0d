package dev.ordo.sqltests.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * HikariCP in front of the driver, configured as for any database: connection
 * validation by test query and by {@code isValid}, leak detection, growing and
 * shrinking the pool and soft eviction while connections are in use, the state
 * a returned connection is reset to, and what a refused statement does to a
 * pooled connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HikariIT {
  BackendNodes nodes;

  @BeforeAll
  void start(@TempDir Path dir) {
    nodes = new BackendNodes(dir);
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  private HikariConfig config(Backend backend, String name) throws Exception {
    OrdoNode node = nodes.node(backend);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(node.jdbcUrl());
    hc.setPoolName(name + "-" + backend);
    hc.setConnectionTimeout(10_000);
    return hc;
  }

  private void createTable(Backend backend, String ddl) throws Exception {
    try (Connection c = dev.ordo.sqltests.Nodes.connect(nodes.node(backend)); Statement s = c.createStatement()) {
      s.executeUpdate(ddl);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void validatesConnectionsByTestQueryAndByIsValid(Backend backend) throws Exception {
    for (String testQuery : new String[] {"SELECT 1", null}) {
      HikariConfig hc = config(backend, testQuery == null ? "is-valid" : "test-query");
      hc.setConnectionTestQuery(testQuery);
      hc.setMaximumPoolSize(2);
      hc.setTransactionIsolation("TRANSACTION_SERIALIZABLE");
      try (HikariDataSource ds = new HikariDataSource(hc)) {
        for (int i = 0; i < 3; i++) {
          // Idle for longer than Hikari's bypass window (500 ms): the connection is validated before it is lent.
          Thread.sleep(600);
          try (Connection c = ds.getConnection()) {
            assertTrue(c.isValid(2));
            assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
              assertTrue(rs.next());
              assertEquals(42, rs.getInt(1));
            }
          }
        }
        assertTrue(ds.getHikariPoolMXBean().getTotalConnections() <= 2);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void reportsAConnectionHeldLongerThanTheLeakThreshold(Backend backend) throws Exception {
    Logger leakLog = (Logger) LoggerFactory.getLogger("com.zaxxer.hikari.pool.ProxyLeakTask");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    leakLog.addAppender(events);
    try {
      HikariConfig hc = config(backend, "leaks");
      hc.setMaximumPoolSize(2);
      hc.setLeakDetectionThreshold(2_000); // Hikari's smallest threshold
      try (HikariDataSource ds = new HikariDataSource(hc)) {
        try (Connection quick = ds.getConnection(); Statement s = quick.createStatement()) {
          s.executeQuery("SELECT 1").close();
        }
        try (Connection held = ds.getConnection()) {
          held.createStatement().executeQuery("SELECT 1").close();
          awaitTrue(Duration.ofSeconds(15), () -> leaks(events) > 0);
          assertEquals(1, leaks(events), "only the connection held past the threshold is reported");
          ILoggingEvent e = events.list.stream().filter(HikariIT::isLeak).findFirst().orElseThrow();
          assertEquals(ch.qos.logback.classic.Level.WARN, e.getLevel());
          assertTrue(e.getFormattedMessage().contains("OrdoConnection"), e.getFormattedMessage());
          // A reported connection still works.
          assertTrue(held.isValid(2));
        }
      }
    } finally {
      leakLog.detachAppender(events);
    }
  }

  private static boolean isLeak(ILoggingEvent e) {
    return e.getFormattedMessage().startsWith("Connection leak detection triggered");
  }

  private static long leaks(ListAppender<ILoggingEvent> events) {
    return List.copyOf(events.list).stream().filter(HikariIT::isLeak).count();
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void growsAndEvictsWhileConnectionsAreInUse(Backend backend) throws Exception {
    createTable(backend, "CREATE TABLE pool_resize (id INT PRIMARY KEY, who VARCHAR(20))");
    HikariConfig hc = config(backend, "resize");
    hc.setMaximumPoolSize(2);
    hc.setMinimumIdle(2);
    hc.setConnectionTimeout(1_000);
    try (HikariDataSource ds = new HikariDataSource(hc)) {
      HikariPoolMXBean pool = ds.getHikariPoolMXBean();
      HikariConfigMXBean config = ds.getHikariConfigMXBean();
      List<Connection> inUse = new ArrayList<>();
      List<Connection> physical = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          inUse.add(ds.getConnection());
        }
        SQLTransientConnectionException full = assertThrows(SQLTransientConnectionException.class, ds::getConnection);
        assertTrue(full.getMessage().contains("active=2"), full.getMessage());

        config.setMaximumPoolSize(4);
        for (int i = 0; i < 2; i++) {
          inUse.add(ds.getConnection());
        }
        assertEquals(4, pool.getActiveConnections());
        for (Connection c : inUse) {
          physical.add(c.unwrap(Connection.class));
        }
        // One connection is inside a transaction when the pool evicts it. (Ordo locks whole tables, so the
        // others write only after it commits.)
        Connection inTxn = inUse.get(0);
        inTxn.setAutoCommit(false);
        insert(inTxn, 1, "before evict");

        // Soft eviction marks every connection; those in use finish their work and are closed when returned.
        pool.softEvictConnections();
        insert(inTxn, 2, "after evict");
        inTxn.commit();
        for (int i = 1; i < inUse.size(); i++) {
          insert(inUse.get(i), 2 * i + 1, "after evict");
          insert(inUse.get(i), 2 * i + 2, "after evict");
        }
      } finally {
        for (Connection c : inUse) {
          c.close();
        }
      }
      for (Connection p : physical) {
        awaitTrue(Duration.ofSeconds(10), p::isClosed);
      }
      config.setMaximumPoolSize(2);
      try (Connection fresh = ds.getConnection(); Statement s = fresh.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT who) FROM pool_resize")) {
        assertFalse(physical.contains(fresh.unwrap(Connection.class)), "evicted connections are not lent again");
        assertTrue(rs.next());
        assertEquals(8, rs.getInt(1), "the work of evicted connections was committed");
        assertEquals(2, rs.getInt(2));
      }
      assertTrue(pool.getTotalConnections() <= 4, "total " + pool.getTotalConnections());
    }
    Replicas.assertIdentical(nodes.node(backend));
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void aReturnedConnectionIsRolledBackAndReset(Backend backend) throws Exception {
    createTable(backend, "CREATE TABLE pool_reset (id INT PRIMARY KEY)");
    HikariConfig hc = config(backend, "reset");
    hc.setMaximumPoolSize(1);
    try (HikariDataSource ds = new HikariDataSource(hc)) {
      Connection first;
      try (Connection c = ds.getConnection()) {
        first = c.unwrap(Connection.class);
        c.setAutoCommit(false);
        c.createStatement().executeUpdate("INSERT INTO pool_reset VALUES (1)");
        // Returned without commit: Hikari rolls the transaction back.
      }
      try (Connection c = ds.getConnection()) {
        assertEquals(first, c.unwrap(Connection.class), "the one pooled connection is lent again");
        assertTrue(c.getAutoCommit(), "autocommit is restored");
        c.setReadOnly(true);
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pool_reset")) {
          rs.next();
          assertEquals(0, rs.getInt(1), "the unfinished transaction was rolled back");
        }
      }
      try (Connection c = ds.getConnection()) {
        assertFalse(c.isReadOnly(), "read-only is restored");
        c.createStatement().executeUpdate("INSERT INTO pool_reset VALUES (2)");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void aRefusedStatementCostsThePoolOneConnection(Backend backend) throws Exception {
    // HikariCP counts SQLState 0A000 among the states that mean a broken connection, so a statement Ordo refuses
    // evicts the connection it ran on; the pool opens a new one and keeps serving.
    HikariConfig hc = config(backend, "refused");
    hc.setMaximumPoolSize(1);
    try (HikariDataSource ds = new HikariDataSource(hc)) {
      Connection evicted;
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        evicted = c.unwrap(Connection.class);
        SQLException e = assertThrows(SQLFeatureNotSupportedException.class, () -> s.execute("CHECKPOINT"));
        assertEquals("0A000", e.getSQLState());
        assertTrue(e.getMessage().contains("CHECKPOINT"), e.getMessage());
      }
      awaitTrue(Duration.ofSeconds(10), evicted::isClosed);
      try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
        assertNotSame(evicted, c.unwrap(Connection.class));
        assertTrue(rs.next());
      }
    }
  }

  private static void insert(Connection c, int id, String who) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO pool_resize VALUES (?, ?)")) {
      ps.setInt(1, id);
      ps.setString(2, who);
      assertEquals(1, ps.executeUpdate());
    }
  }

  private static void awaitTrue(Duration timeout, SqlCondition condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(50);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void aPoolConfiguredByDataSourceClassNameWorks(Backend backend) throws Exception {
    OrdoNode node = nodes.node(backend);
    createTable(backend, "CREATE TABLE ds_" + backend.name().toLowerCase(java.util.Locale.ROOT)
        + " (id INT PRIMARY KEY, v VARCHAR(20))");
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("data-source-class-" + backend);
    hc.setDataSourceClassName("dev.ordo.driver.OrdoDataSource");
    hc.addDataSourceProperty("serverName", "127.0.0.1");
    hc.addDataSourceProperty("portNumber", node.port());
    hc.addDataSourceProperty("databaseName", node.config().database());
    hc.addDataSourceProperty("applicationName", "hikari-by-class");
    hc.setMaximumPoolSize(2);
    String table = "ds_" + backend.name().toLowerCase(java.util.Locale.ROOT);
    try (HikariDataSource ds = new HikariDataSource(hc)) {
      for (int i = 1; i <= 3; i++) {
        try (Connection c = ds.getConnection();
            PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
          ps.setInt(1, i);
          ps.setString(2, "v" + i);
          assertEquals(1, ps.executeUpdate());
        }
      }
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(v) FROM " + table)) {
        assertTrue(rs.next());
        assertEquals(3, rs.getInt(1));
        assertEquals("v3", rs.getString(2));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void aPooledConnectionLendsHandlesAndTellsItsPool(Backend backend) throws Exception {
    OrdoNode node = nodes.node(backend);
    String table = "pooled_" + backend.name().toLowerCase(java.util.Locale.ROOT);
    createTable(backend, "CREATE TABLE " + table + " (id INT PRIMARY KEY)");
    dev.ordo.driver.OrdoDataSource ds = new dev.ordo.driver.OrdoDataSource();
    ds.setUrl(node.jdbcUrl());
    javax.sql.PooledConnection pc = ds.getPooledConnection();
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    pc.addConnectionEventListener(new javax.sql.ConnectionEventListener() {
      @Override
      public void connectionClosed(javax.sql.ConnectionEvent event) {
        events.add("closed");
      }

      @Override
      public void connectionErrorOccurred(javax.sql.ConnectionEvent event) {
        events.add("error " + event.getSQLException().getSQLState());
      }
    });
    try {
      Connection first = pc.getConnection();
      first.setAutoCommit(false);
      try (Statement s = first.createStatement()) {
        s.executeUpdate("INSERT INTO " + table + " VALUES (1)");
      }
      first.close(); // returned with its transaction open: the next borrower must not inherit it
      assertEquals(List.of("closed"), events);
      assertTrue(first.isClosed());
      SQLException closed = assertThrows(SQLException.class, first::createStatement);
      assertEquals("08003", closed.getSQLState());

      Connection second = pc.getConnection();
      assertTrue(second.getAutoCommit(), "a handle starts in autocommit");
      try (Statement s = second.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
        assertTrue(rs.next());
        assertEquals(0, rs.getInt(1), "the first borrower's open transaction was rolled back");
      }
      try (Statement s = second.createStatement()) {
        assertEquals(1, s.executeUpdate("INSERT INTO " + table + " VALUES (2)"));
      }
      assertTrue(second.isValid(2));
      second.close();
      assertEquals(List.of("closed", "closed"), events);
      assertFalse(second.isValid(2));
    } finally {
      pc.close();
    }
    assertThrows(SQLException.class, pc::getConnection);
  }

  @FunctionalInterface
  private interface SqlCondition {
    boolean holds() throws SQLException;
  }
}
