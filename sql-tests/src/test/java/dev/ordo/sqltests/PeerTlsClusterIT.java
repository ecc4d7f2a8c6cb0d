package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.sequencer.PeerCertificates;
import dev.ordo.sequencer.SequencerConfig;
import dev.ordo.sqltests.workload.InJvmCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Ordo nodes whose log peers authenticate each other with mutual TLS (certificates from {@code ordo certs}'
 * code): writes through every node, autocommit and in transactions, reach all nine replicas alike.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PeerTlsClusterIT {
  @TempDir
  Path dir;

  @Test
  void aClusterOverMutualTlsWorksAndStaysIdentical() throws Exception {
    List<NodeConfig> plain = InJvmCluster.configs(dir, 3, 3);
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    plain.forEach(c -> hosts.put(c.nodeId(), List.of(c.log().self().host())));
    Map<String, SequencerConfig.PeerTls> tls = PeerCertificates.create(dir.resolve("certs"), hosts,
        Duration.ofDays(1));
    List<NodeConfig> configs = new ArrayList<>();
    for (NodeConfig c : plain) {
      configs.add(c.withLog(c.log().withTls(tls.get(c.nodeId()))));
    }
    InJvmCluster cluster = InJvmCluster.start(configs, 1);
    try {
      List<OrdoNode> nodes = cluster.live();
      try (Connection c = Nodes.connect(nodes.get(0)); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE acct (id INT PRIMARY KEY, balance INT NOT NULL)");
        s.executeUpdate("INSERT INTO acct VALUES (1, 100), (2, 100)");
      }
      for (int round = 0; round < 10; round++) {
        OrdoNode node = nodes.get(round % nodes.size());
        try (Connection c = Nodes.connect(node)) {
          c.setAutoCommit(false);
          try (PreparedStatement debit = c.prepareStatement("UPDATE acct SET balance = balance - ? WHERE id = 1");
              PreparedStatement credit = c.prepareStatement("UPDATE acct SET balance = balance + ? WHERE id = 2")) {
            debit.setInt(1, round);
            credit.setInt(1, round);
            debit.executeUpdate();
            credit.executeUpdate();
          }
          c.commit();
        }
      }
      for (OrdoNode node : nodes) {
        try (Connection c = Nodes.connect(node); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT SUM(balance), MIN(balance) FROM acct")) {
          rs.next();
          assertEquals(200, rs.getInt(1), "total on " + node);
          assertEquals(55, rs.getInt(2), "balance 1 on " + node);
        }
      }
      List<Map<String, List<String>>> all = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        Nodes.awaitReplicasCaughtUp(nodes.get(i));
        all.addAll(Nodes.replicaContents(configs.get(i)));
      }
      for (int i = 1; i < all.size(); i++) {
        assertEquals(userTables(all.get(0)), userTables(all.get(i)), "replica " + i + " is identical");
      }
    } finally {
      cluster.close();
    }
  }

  /** The tables outside Ordo's schema (whose rows name the node that wrote them). */
  private static Map<String, List<String>> userTables(Map<String, List<String>> contents) {
    Map<String, List<String>> out = new LinkedHashMap<>(contents);
    out.keySet().removeIf(k -> k.toUpperCase(java.util.Locale.ROOT).startsWith("\"ORDO\""));
    return out;
  }
}
