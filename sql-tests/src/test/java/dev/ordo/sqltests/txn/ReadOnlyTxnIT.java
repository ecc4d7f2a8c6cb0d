package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.ordo.proxy.config.Backend;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-only transactions ({@code setReadOnly(true)}, autocommit off): one
 * snapshot for all their statements, taken no earlier than their first
 * statement, and no writes (25006).
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadOnlyTxnIT {
  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE snap (id INT PRIMARY KEY, v INT NOT NULL)");
      s.executeUpdate("INSERT INTO snap VALUES (1, 0)");
      s.executeUpdate("CREATE TABLE guarded (id INT PRIMARY KEY, v INT NOT NULL)");
      s.executeUpdate("INSERT INTO guarded VALUES (1, 0)");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @Test
  void statementsOfOneReadOnlyTransactionShareASnapshot() throws Exception {
    try (Connection ro = Nodes.connect(node); Connection writer = Nodes.connect(node)) {
      ro.setReadOnly(true);
      ro.setAutoCommit(false);
      // Committed after setAutoCommit(false) but before the first statement: the snapshot includes it.
      assertEquals(1, Txns.update(writer, "UPDATE snap SET v = 1 WHERE id = 1"));
      assertEquals(1L, Txns.queryLong(ro, "SELECT v FROM snap WHERE id = 1"), "first read of the transaction");
      assertEquals(1L, Txns.queryLong(ro, "SELECT count(*) FROM snap"));

      // Committed between the two reads: invisible to the second.
      assertEquals(1, Txns.update(writer, "UPDATE snap SET v = 2 WHERE id = 1"));
      assertEquals(1, Txns.update(writer, "INSERT INTO snap VALUES (2, 2)"));
      assertEquals(2L, Txns.queryLong(writer, "SELECT count(*) FROM snap"), "the writer sees its commits");
      assertEquals(1L, Txns.queryLong(ro, "SELECT v FROM snap WHERE id = 1"), "second read of the transaction");
      assertEquals(1L, Txns.queryLong(ro, "SELECT count(*) FROM snap"), "rows in the snapshot");
      ro.commit();

      // The next read-only transaction starts after both commits were acknowledged: it sees them.
      assertEquals(2L, Txns.queryLong(ro, "SELECT v FROM snap WHERE id = 1"), "a new read-only transaction");
      assertEquals(2L, Txns.queryLong(ro, "SELECT count(*) FROM snap"));
      ro.commit();
    }
  }

  @Test
  void aWriteInAReadOnlyTransactionFails() throws Exception {
    try (Connection ro = Nodes.connect(node)) {
      ro.setReadOnly(true);
      ro.setAutoCommit(false);
      assertEquals(0L, Txns.queryLong(ro, "SELECT v FROM guarded WHERE id = 1"));
      SQLException e = assertThrows(SQLException.class,
          () -> Txns.update(ro, "UPDATE guarded SET v = 9 WHERE id = 1"));
      assertEquals(Txns.READ_ONLY, e.getSQLState(), Txns.describe(e));
      // Like any error, it aborts the transaction until rollback.
      SQLException later = assertThrows(SQLException.class,
          () -> Txns.queryLong(ro, "SELECT v FROM guarded WHERE id = 1"));
      assertEquals(Txns.IN_FAILED_TRANSACTION, later.getSQLState(), Txns.describe(later));
      ro.rollback();

      SQLException insert = assertThrows(SQLException.class, () -> Txns.update(ro, "INSERT INTO guarded VALUES (2, 2)"));
      assertEquals(Txns.READ_ONLY, insert.getSQLState(), Txns.describe(insert));
      ro.rollback();
      assertEquals(0L, Txns.queryLong(ro, "SELECT count(*) FROM guarded WHERE v <> 0"));
      ro.commit();
    }
    Map<String, List<String>> contents = Txns.assertReplicasIdentical(node);
    assertEquals(List.of("1|0|"), Txns.rows(contents, "guarded"));
  }
}
