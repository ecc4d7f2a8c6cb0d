package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.proxy.OrdoNode;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Everyday JDBC through the driver against the embedded default: one node, three H2 replicas. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrudIT {
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
  void crudLeavesTheThreeReplicasIdentical() throws Exception {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE crud (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(50) NOT NULL, n INT)");
      assertEquals(1, s.executeUpdate("INSERT INTO crud(name, n) VALUES ('a', 1)"));
      assertEquals(1, s.executeUpdate("INSERT INTO crud(name, n) VALUES ('b', 2)"));
      assertEquals(1, s.executeUpdate("INSERT INTO crud(name, n) VALUES ('c', 3)"));
      assertEquals(2, s.executeUpdate("UPDATE crud SET n = n * 10 WHERE n >= 2"));
      assertEquals(1, s.executeUpdate("DELETE FROM crud WHERE name = 'a'"));
      try (ResultSet rs = s.executeQuery("SELECT name, n FROM crud ORDER BY id")) {
        assertTrue(rs.next());
        assertEquals("b", rs.getString(1));
        assertEquals(20, rs.getInt("N"));
        assertTrue(rs.next());
        assertEquals("c", rs.getString("name"));
        assertEquals(30, rs.getInt(2));
        assertFalse(rs.next());
      }
      assertTrue(s.execute("SELECT count(*) FROM crud"));
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        assertEquals(2, rs.getLong(1));
      }
    }
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> replicas = Nodes.replicaContents(node.config());
    assertTrue(replicas.get(0).get("\"PUBLIC\".\"CRUD\"").size() == 2, replicas.get(0).toString());
    assertEquals(replicas.get(0), replicas.get(1));
    assertEquals(replicas.get(0), replicas.get(2));
  }

  @Test
  void preparedStatementTypesRoundTrip() throws Exception {
    try (Connection c = Nodes.connect(node)) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE types (id INT PRIMARY KEY, i INT, b BIGINT, d DECIMAL(20,4), v VARCHAR(100),"
            + " f BOOLEAN, dt DATE, ts TIMESTAMP, bin VARBINARY(16), u UUID)");
      }
      UUID uuid = UUID.randomUUID();
      LocalDateTime ts = LocalDateTime.of(2026, 3, 4, 5, 6, 7, 123_456_000);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO types VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setInt(1, 1);
        ps.setInt(2, -42);
        ps.setLong(3, Long.MAX_VALUE);
        ps.setBigDecimal(4, new BigDecimal("12345.6789"));
        ps.setString(5, "héllo, 'quoted'");
        ps.setBoolean(6, true);
        ps.setDate(7, java.sql.Date.valueOf(LocalDate.of(2024, 2, 29)));
        ps.setTimestamp(8, Timestamp.valueOf(ts));
        ps.setBytes(9, new byte[] {0, 1, (byte) 0xff});
        ps.setObject(10, uuid);
        assertEquals(1, ps.executeUpdate());
        ps.setInt(1, 2);
        for (int i = 2; i <= 10; i++) {
          ps.setNull(i, Types.NULL);
        }
        assertEquals(1, ps.executeUpdate());
      }
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM types WHERE id = ?")) {
        ps.setInt(1, 1);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(-42, rs.getInt("i"));
          assertEquals(Long.MAX_VALUE, rs.getLong("b"));
          assertEquals(new BigDecimal("12345.6789"), rs.getBigDecimal("d"));
          assertEquals("héllo, 'quoted'", rs.getString("v"));
          assertTrue(rs.getBoolean("f"));
          assertEquals(java.sql.Date.valueOf(LocalDate.of(2024, 2, 29)), rs.getDate("dt"));
          assertEquals(Timestamp.valueOf(ts), rs.getTimestamp("ts"));
          assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, rs.getBytes("bin"));
          assertEquals(uuid, rs.getObject("u", UUID.class));
        }
        ps.setInt(1, 2);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          for (int i = 2; i <= 10; i++) {
            assertNull(rs.getObject(i));
          }
          assertEquals(0, rs.getInt("i"));
          assertTrue(rs.wasNull());
        }
      }
    }
  }

  @Test
  void generatedKeysAndBatches() throws Exception {
    try (Connection c = Nodes.connect(node)) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE keyed (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name VARCHAR(20))");
        s.executeUpdate("INSERT INTO keyed(name) VALUES ('first')", Statement.RETURN_GENERATED_KEYS);
        try (ResultSet keys = s.getGeneratedKeys()) {
          assertTrue(keys.next());
          assertEquals(1, keys.getLong(1));
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO keyed(name) VALUES (?)", new String[] {"ID"})) {
        for (String n : List.of("x", "y", "z")) {
          ps.setString(1, n);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        assertArrayEquals(new int[] {1, 1, 1}, counts);
        List<Long> ids = new ArrayList<>();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          while (keys.next()) {
            ids.add(keys.getLong(1));
          }
        }
        assertEquals(List.of(2L, 3L, 4L), ids);
      }
      try (Statement s = c.createStatement()) {
        s.addBatch("INSERT INTO keyed(name) VALUES ('ok')");
        s.addBatch("INSERT INTO keyed(id, name) VALUES (1, 'duplicate key')");
        BatchUpdateException e = assertThrows(BatchUpdateException.class, s::executeBatch);
        assertEquals("23505", e.getSQLState());
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM keyed WHERE name = 'ok'")) {
          rs.next();
          assertEquals(0, rs.getInt(1), "a failed batch is rolled back as a whole");
        }
      }
    }
  }

  @Test
  void metadataDescribesUserTablesOnly() throws Exception {
    try (Connection c = Nodes.connect(node)) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE meta_parent (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL)");
        s.executeUpdate("CREATE UNIQUE INDEX meta_code ON meta_parent(code)");
      }
      DatabaseMetaData md = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE", "BASE TABLE"})) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
        }
      }
      assertTrue(tables.contains("PUBLIC.META_PARENT:BASE TABLE") || tables.contains("PUBLIC.META_PARENT:TABLE"),
          tables.toString());
      assertTrue(tables.stream().noneMatch(t -> t.startsWith("ORDO.")), "Ordo's bookkeeping is hidden: " + tables);
      try (ResultSet rs = md.getColumns(null, "PUBLIC", "META_PARENT", "%")) {
        List<String> cols = new ArrayList<>();
        while (rs.next()) {
          cols.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("DATA_TYPE"));
        }
        assertEquals(List.of("ID:" + Types.INTEGER, "CODE:" + Types.VARCHAR), cols);
      }
      try (ResultSet rs = md.getPrimaryKeys(null, "PUBLIC", "META_PARENT")) {
        assertTrue(rs.next());
        assertEquals("ID", rs.getString("COLUMN_NAME"));
      }
      try (ResultSet rs = md.getIndexInfo(null, "PUBLIC", "META_PARENT", true, false)) {
        List<String> idx = new ArrayList<>();
        while (rs.next()) {
          idx.add(rs.getString("COLUMN_NAME"));
        }
        assertTrue(idx.contains("CODE"), idx.toString());
      }
      assertEquals("H2", md.getDatabaseProductName());
    }
  }

  @Test
  void tablesAreReportedAsTableType() throws Exception {
    // Workload harnesses ask for type TABLE; H2 calls its tables BASE TABLE.
    try (Connection c = Nodes.connect(node)) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE harness_t (id INT PRIMARY KEY)");
      }
      try (ResultSet rs = c.getMetaData().getTables(null, null, "HARNESS_T", new String[] {"TABLE"})) {
        assertTrue(rs.next(), "getTables(types = {TABLE}) finds the table");
        assertEquals("TABLE", rs.getString("TABLE_TYPE"));
      }
    }
  }

  @Test
  void interactiveTransactionsCommitAndRollBack() throws Exception {
    try (Connection c = Nodes.connect(node); Connection other = Nodes.connect(node)) {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE txn_t (id INT PRIMARY KEY, v INT)");
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        assertEquals(1, s.executeUpdate("INSERT INTO txn_t VALUES (1, 10)"));
        try (ResultSet rs = s.executeQuery("SELECT v FROM txn_t WHERE id = 1")) {
          assertTrue(rs.next(), "a transaction reads its own writes");
          assertEquals(10, rs.getInt(1));
        }
        try (ResultSet rs = other.createStatement().executeQuery("SELECT count(*) FROM txn_t")) {
          rs.next();
          assertEquals(0, rs.getInt(1), "uncommitted writes are invisible to others");
        }
        c.commit();
        s.executeUpdate("INSERT INTO txn_t VALUES (2, 20)");
        c.rollback();
        SQLException dup = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO txn_t VALUES (1, 0)"));
        assertEquals("23505", dup.getSQLState());
        SQLException aborted = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1"));
        assertEquals("25P02", aborted.getSQLState(), "an error aborts the transaction");
        c.rollback();
      }
      c.setAutoCommit(true);
      try (ResultSet rs = other.createStatement().executeQuery("SELECT id FROM txn_t ORDER BY id")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
        assertFalse(rs.next(), "the rolled-back insert is absent");
      }
    }
    Nodes.awaitReplicasCaughtUp(node);
    var contents = Nodes.replicaContents(node.config());
    assertEquals(contents.get(0), contents.get(1));
    assertEquals(contents.get(0), contents.get(2));
  }

  @Test
  void worksThroughAHikariPool() throws Exception {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(node.jdbcUrl());
    hc.setMaximumPoolSize(4);
    hc.setConnectionTimeout(10_000);
    try (HikariDataSource ds = new HikariDataSource(hc)) {
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE pooled (id INT PRIMARY KEY)");
      }
      for (int i = 0; i < 20; i++) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO pooled VALUES (?)")) {
          assertTrue(c.isValid(2));
          ps.setInt(1, i);
          ps.executeUpdate();
        }
      }
      try (Connection c = ds.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pooled")) {
        rs.next();
        assertEquals(20, rs.getInt(1));
      }
    }
  }

  @Test
  void driverManagerFindsTheDriverAndIgnoresOtherUrls() throws Exception {
    assertTrue(DriverManager.getDriver(node.jdbcUrl()) instanceof dev.ordo.driver.OrdoDriver);
    assertNull(new dev.ordo.driver.OrdoDriver().connect("jdbc:h2:mem:x", new java.util.Properties()));
    try (Connection c = DriverManager.getConnection(node.jdbcUrl())) {
      assertEquals(Connection.TRANSACTION_SERIALIZABLE, c.getTransactionIsolation());
      c.close();
      assertTrue(c.isClosed());
      SQLException e = assertThrows(SQLException.class, c::createStatement);
      assertEquals("08003", e.getSQLState());
    }
  }
}
