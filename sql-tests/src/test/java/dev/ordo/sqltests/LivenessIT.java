package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Connection.isValid} says whether the node can serve, not only whether it answers: a node whose log peers
 * are gone (no majority) has healthy replicas and a live socket, but can give neither a linearizable read nor a
 * write, so a pool must not lend its connections as valid.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LivenessIT {
  @TempDir
  Path dir;

  @Test
  void aNodeWithoutALogMajorityIsNotValid() throws Exception {
    List<OrdoNode> nodes = new ArrayList<>(Nodes.startCluster(dir, 3, 1));
    try {
      OrdoNode kept = nodes.get(0);
      try (Connection c = Nodes.connect(kept)) {
        assertTrue(c.isValid(10), "three nodes: valid");
        for (OrdoNode gone : nodes.subList(1, 3)) {
          gone.sequencer().close();
          gone.close();
        }
        assertFalse(c.isValid(10), "one node of three: its replicas are healthy, but the log has no majority");
        assertTrue(kept.replicas().stream().anyMatch(r -> r.isHealthy()), "the replicas themselves are fine");
      }
    } finally {
      for (OrdoNode n : nodes) {
        n.close();
      }
    }
  }
}
