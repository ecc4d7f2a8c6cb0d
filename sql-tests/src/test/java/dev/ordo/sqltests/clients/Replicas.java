package dev.ordo.sqltests.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.util.List;
import java.util.Map;

/** Checks on a node's replicas, read directly. */
final class Replicas {
  private Replicas() {}

  /**
   * Waits until every replica of {@code node} has applied everything
   * acknowledged so far, then asserts that they hold the same rows in every
   * table, Ordo's bookkeeping included. Returns the first replica's contents.
   */
  static Map<String, List<String>> assertIdentical(OrdoNode node) throws Exception {
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> replicas = Nodes.replicaContents(node.config());
    for (int i = 1; i < replicas.size(); i++) {
      assertEquals(replicas.get(0), replicas.get(i), "replica " + (i + 1) + " differs from replica 1");
    }
    return replicas.get(0);
  }
}
