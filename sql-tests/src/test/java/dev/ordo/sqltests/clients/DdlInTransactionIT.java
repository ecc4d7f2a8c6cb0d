package dev.ordo.sqltests.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schema changes the way migration tools and ORMs issue them: DDL with
 * autocommit off, and DDL in one session while other sessions hold
 * transactions open (a migration tool's lock on its history table). DDL with
 * autocommit off does what it does on the replicas' engine: on H2 it commits
 * the open transaction first, on PostgreSQL it is part of the transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DdlInTransactionIT {
  BackendNodes nodes;

  @BeforeAll
  void start(@TempDir Path dir) {
    nodes = new BackendNodes(dir);
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  private static int count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void ddlWithAutocommitOff(Backend backend) throws Exception {
    OrdoNode node = nodes.node(backend);
    try (Connection c = Nodes.connect(node); Connection other = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE ddl_t (id INT PRIMARY KEY)");
      c.setAutoCommit(false);
      if (backend.ddlCommitsTransaction) {
        ddlCommitsTheTransactionFirst(c, other, s);
      } else {
        ddlIsPartOfTheTransaction(backend, node, c, other, s);
      }
      int committed = count(other, "ddl_t");

      // In a transaction that an error aborted, DDL is refused like any statement, and nothing is committed.
      s.executeUpdate("INSERT INTO ddl_t VALUES (5)");
      assertEquals("23505", assertThrows(SQLException.class,
          () -> s.executeUpdate("INSERT INTO ddl_t VALUES (1)")).getSQLState());
      assertEquals("25P02", assertThrows(SQLException.class,
          () -> s.executeUpdate("CREATE TABLE ddl_v (id INT)")).getSQLState());
      c.rollback();
      assertEquals(committed, count(other, "ddl_t"));

      // A read-only transaction refuses DDL.
      c.setReadOnly(true);
      assertEquals("25006", assertThrows(SQLException.class,
          () -> s.executeUpdate("CREATE TABLE ddl_v (id INT)")).getSQLState());
      c.rollback();
      c.setReadOnly(false);
      c.setAutoCommit(true);
    }
    Replicas.assertIdentical(node);
  }

  /** H2: as on H2 itself, DDL commits what is pending, runs as its own transaction, and a new one follows. */
  private static void ddlCommitsTheTransactionFirst(Connection c, Connection other, Statement s) throws Exception {
    s.executeUpdate("INSERT INTO ddl_t VALUES (1)");
    s.executeUpdate("CREATE TABLE ddl_u (id INT PRIMARY KEY)");
    assertEquals(1, count(other, "ddl_t"), "the insert before the DDL is committed");
    s.executeUpdate("INSERT INTO ddl_t VALUES (2)");
    s.executeUpdate("INSERT INTO ddl_u VALUES (2)");
    c.rollback();
    assertEquals(1, count(other, "ddl_t"), "the insert after the DDL was rolled back");
    assertEquals(0, count(other, "ddl_u"));

    // A failing DDL statement commits what was pending too; the connection goes on.
    s.executeUpdate("INSERT INTO ddl_t VALUES (3)");
    SQLException exists = assertThrows(SQLException.class, () -> s.executeUpdate("CREATE TABLE ddl_u (x INT)"));
    assertTrue(exists.getSQLState().startsWith("42"), exists.getSQLState());
    c.rollback();
    assertEquals(2, count(other, "ddl_t"));
    s.executeUpdate("INSERT INTO ddl_t VALUES (4)");
    c.commit();
    assertEquals(3, count(other, "ddl_t"));
  }

  /**
   * PostgreSQL: as on PostgreSQL itself, DDL is part of the transaction. Other
   * sessions see nothing of it before the commit, a rollback undoes it on every
   * replica, and a failing DDL statement aborts the transaction like any other.
   */
  private static void ddlIsPartOfTheTransaction(Backend backend, OrdoNode node, Connection c, Connection other,
      Statement s) throws Exception {
    s.executeUpdate("INSERT INTO ddl_t VALUES (1)");
    s.executeUpdate("CREATE TABLE ddl_u (id INT PRIMARY KEY)");
    s.executeUpdate("INSERT INTO ddl_u VALUES (1)");
    assertEquals(1, count(c, "ddl_u"), "the transaction sees its own DDL");
    assertEquals(0, count(other, "ddl_t"), "nothing is committed before the transaction ends");
    assertEquals("42P01", assertThrows(SQLException.class, () -> count(other, "ddl_u")).getSQLState(),
        "the new table does not exist outside the transaction");
    c.rollback();
    assertEquals(0, count(other, "ddl_t"));
    assertEquals(List.of(0, 0, 0), onEveryReplica(node, tableCount(backend, "ddl_u")), "the rollback undid the DDL");

    s.executeUpdate("INSERT INTO ddl_t VALUES (1)");
    s.executeUpdate("CREATE TABLE ddl_u (id INT PRIMARY KEY)");
    s.executeUpdate("INSERT INTO ddl_u VALUES (1)");
    c.commit();
    assertEquals(1, count(other, "ddl_t"));
    assertEquals(1, count(other, "ddl_u"), "the commit made the table and its row visible together");
    Nodes.awaitReplicasCaughtUp(node);
    assertEquals(List.of(1, 1, 1), onEveryReplica(node, tableCount(backend, "ddl_u")));
    assertEquals(List.of(1, 1, 1), onEveryReplica(node, "SELECT count(*) FROM ddl_u"));

    // A failing DDL statement aborts the transaction: the insert before it is rolled back with it.
    s.executeUpdate("INSERT INTO ddl_t VALUES (2)");
    SQLException exists = assertThrows(SQLException.class, () -> s.executeUpdate("CREATE TABLE ddl_u (x INT)"));
    assertEquals("42P07", exists.getSQLState(), exists.getMessage());
    assertEquals("25P02", assertThrows(SQLException.class,
        () -> s.executeUpdate("INSERT INTO ddl_t VALUES (3)")).getSQLState());
    c.rollback();
    assertEquals(1, count(other, "ddl_t"));
    s.executeUpdate("INSERT INTO ddl_t VALUES (4)");
    c.commit();
    assertEquals(2, count(other, "ddl_t"));
  }

  /** A query counting the tables named {@code table} in the default schema. */
  private static String tableCount(Backend backend, String table) {
    return "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + backend.defaultSchema
        + "' AND table_name = '" + backend.name(table) + "'";
  }

  /** The single number {@code query} answers on each replica, read directly. */
  private static List<Integer> onEveryReplica(OrdoNode node, String query) throws SQLException {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < node.config().replicas().size(); i++) {
      try (Connection r = Nodes.replica(node.config(), i); Statement s = r.createStatement();
          ResultSet rs = s.executeQuery(query)) {
        rs.next();
        out.add(rs.getInt(1));
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void ddlWaitsOnlyForTransactionsOnWhatItChanges(Backend backend) throws Exception {
    OrdoNode node = nodes.node(backend);
    try (Connection holder = Nodes.connect(node); Connection ddl = Nodes.connect(node);
        Statement h = holder.createStatement(); Statement d = ddl.createStatement()) {
      d.executeUpdate("CREATE TABLE busy (id INT PRIMARY KEY)");
      d.executeUpdate("CREATE TABLE idle (id INT PRIMARY KEY)");
      holder.setAutoCommit(false);
      // Like a migration tool's lock on its history table: a locking read, then catalog queries.
      try (ResultSet rs = h.executeQuery("SELECT * FROM busy FOR UPDATE")) {
        assertFalse(rs.next());
      }
      try (ResultSet rs = h.executeQuery(
          "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = '" + backend.name("busy") + "'")) {
        rs.next();
        assertEquals(1, rs.getInt(1));
      }

      // While that transaction is open, DDL on other tables and statements on unknown tables do not wait for it.
      d.executeUpdate("CREATE TABLE fresh (id INT PRIMARY KEY, busy_id INT)");
      d.executeUpdate("CREATE INDEX idle_id ON idle (id)");
      d.executeUpdate("ALTER TABLE fresh ADD COLUMN note VARCHAR(10)");
      d.executeUpdate("INSERT INTO fresh (id, note) VALUES (1, 'x')");
      assertTrue(assertThrows(SQLException.class, () -> d.executeUpdate("INSERT INTO no_such_table VALUES (1)"))
          .getSQLState().startsWith("42"));
      d.executeUpdate("DROP TABLE fresh");

      // DDL on the table the transaction holds waits until it ends.
      CompletableFuture<Integer> index = CompletableFuture.supplyAsync(() -> {
        try {
          return d.executeUpdate("CREATE INDEX busy_id ON busy (id)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(1_000);
      assertFalse(index.isDone(), "CREATE INDEX on a table another transaction holds waits for it");
      h.executeUpdate("INSERT INTO busy VALUES (1)");
      holder.commit();
      assertEquals(0, index.get(30, TimeUnit.SECONDS));
      assertEquals(1, count(ddl, "busy"));
    }
    Replicas.assertIdentical(node);
  }
}
