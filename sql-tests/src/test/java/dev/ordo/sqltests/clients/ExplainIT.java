package dev.ordo.sqltests.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code EXPLAIN} as tools and people send it: a read served by a local replica at the read index, with no log
 * entry and no lock, which plans a write without running it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ExplainIT {
  BackendNodes nodes;

  @BeforeAll
  void start(@TempDir Path dir) {
    nodes = new BackendNodes(dir);
  }

  @AfterAll
  void stop() {
    nodes.close();
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void explainIsAReadThatRunsNothing(Backend backend) throws Exception {
    OrdoNode node = nodes.node(backend);
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE ex (id INT PRIMARY KEY, v INT NOT NULL)");
      s.executeUpdate("INSERT INTO ex VALUES (1, 10), (2, 20)");
      Nodes.awaitReplicasCaughtUp(node);
      long before = node.sequencer().committedIndex();
      try (ResultSet rs = s.executeQuery("EXPLAIN SELECT v FROM ex WHERE id = 1")) {
        assertTrue(rs.next(), "a plan");
        assertFalse(rs.getString(1).isBlank());
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN UPDATE ex SET v = v + 1 WHERE id = 2")) {
        assertTrue(rs.next(), "a plan of the update");
      }
      assertEquals(before, node.sequencer().committedIndex(), "no log entry for EXPLAIN");
      try (ResultSet rs = s.executeQuery("SELECT v FROM ex WHERE id = 2")) {
        assertTrue(rs.next());
        assertEquals(20, rs.getInt(1), "the explained update did not run");
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN ORDO EXPLAIN SELECT v FROM ex")) {
        StringBuilder all = new StringBuilder();
        while (rs.next()) {
          all.append(rs.getString(1)).append('=').append(rs.getString(2)).append('\n');
        }
        assertTrue(all.toString().toLowerCase(Locale.ROOT).contains("read"), all.toString());
      }

      // In a read-write transaction it goes through the log like any read, and the transaction goes on.
      c.setAutoCommit(false);
      s.executeUpdate("UPDATE ex SET v = 11 WHERE id = 1");
      try (ResultSet rs = s.executeQuery("EXPLAIN SELECT * FROM ex")) {
        assertTrue(rs.next());
      }
      c.commit();
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT v FROM ex WHERE id = 1")) {
        assertTrue(rs.next());
        assertEquals(11, rs.getInt(1));
      }
    }
  }
}
