package dev.ordo.sqltests.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks on a node's replicas, read directly. */
final class Replicas {
  /**
   * How long replicas may take to write the bookkeeping rows of transactions
   * that were rolled back: readers do not wait for those (only for commits),
   * so they may land just after the replicas report the log applied.
   */
  private static final long SETTLE_MILLIS = 10_000;

  private Replicas() {}

  /**
   * Waits until every replica of {@code node} has applied everything
   * acknowledged so far, then asserts that they hold the same rows in every
   * table, Ordo's bookkeeping included. Returns the first replica's contents.
   */
  static Map<String, List<String>> assertIdentical(OrdoNode node) throws Exception {
    return assertIdentical(node, Map.of());
  }

  /**
   * As {@link #assertIdentical(OrdoNode)}, but the tables in {@code partly}
   * (named as {@link Nodes#contents} names them: {@code "SCHEMA"."TABLE"}) are
   * compared on the columns given (an SQL select list) only.
   */
  static Map<String, List<String>> assertIdentical(OrdoNode node, Map<String, String> partly) throws Exception {
    Nodes.awaitReplicasCaughtUp(node);
    long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
    while (true) {
      List<Map<String, List<String>>> replicas = Nodes.replicaContents(node.config());
      for (int i = 0; i < replicas.size(); i++) {
        for (Map.Entry<String, String> p : partly.entrySet()) {
          assertTrue(replicas.get(i).containsKey(p.getKey()), p.getKey() + " not in " + replicas.get(i).keySet());
          replicas.get(i).put(p.getKey(), rows(node, i, "SELECT " + p.getValue() + " FROM " + p.getKey()));
        }
      }
      boolean same = replicas.stream().allMatch(r -> r.equals(replicas.get(0)));
      if (same || System.currentTimeMillis() > deadline) {
        for (int i = 1; i < replicas.size(); i++) {
          assertEquals(replicas.get(0), replicas.get(i), "replica " + (i + 1) + " differs from replica 1");
        }
        return replicas.get(0);
      }
      Thread.sleep(100);
    }
  }

  private static List<String> rows(OrdoNode node, int replica, String query) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = Nodes.replica(node.config(), replica); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int k = 1; k <= n; k++) {
          b.append(rs.getString(k)).append('|');
        }
        out.add(b.toString());
      }
    }
    out.sort(null);
    return out;
  }
}
