package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node of a three-node cluster goes silent (its log peer stops first, so not
 * even the rollback of its sessions reaches the log) while a transaction it began
 * holds a lock. The leader aborts that node's transactions by a logged decision
 * once it has been silent for the owner timeout, so writes on the other nodes
 * proceed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OwnerCrashIT {
  @TempDir
  Path dir;

  @Test
  void aSilentNodesLocksAreReleasedByTheLeader() throws Exception {
    List<OrdoNode> nodes = new ArrayList<>(Nodes.startCluster(dir, 3, 1));
    try {
      OrdoNode doomedNode = nodes.stream()
          .filter(n -> !n.sequencer().peerId().equals(n.sequencer().leaderId())).findFirst().orElseThrow();
      OrdoNode other = nodes.stream().filter(n -> n != doomedNode).findFirst().orElseThrow();
      try (Connection c = Nodes.connect(other); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        s.executeUpdate("INSERT INTO t VALUES (1, 0)");
      }
      Connection doomed = Nodes.connect(doomedNode);
      doomed.setAutoCommit(false);
      assertEquals(1, doomed.createStatement().executeUpdate("UPDATE t SET v = 1 WHERE id = 1"));
      // Silence: the log peer goes first, so nothing this node says afterwards reaches the log.
      doomedNode.sequencer().close();
      doomedNode.close();
      nodes.remove(doomedNode);

      long start = System.nanoTime();
      try (Connection c = Nodes.connect(other)) {
        assertEquals(1, c.createStatement().executeUpdate("UPDATE t SET v = 2 WHERE id = 1"),
            "the write waits for the silent node's lock until the leader aborts its transactions");
      }
      System.out.printf("write after the node went silent completed in %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      for (OrdoNode n : nodes) {
        try (Connection c = Nodes.connect(n);
            ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t WHERE id = 1")) {
          rs.next();
          assertEquals(2, rs.getInt(1), "the silent node's uncommitted update is gone");
        }
      }
      InsertLoad.closeQuietly(doomed);
    } finally {
      nodes.forEach(OrdoNode::close);
    }
  }
}
