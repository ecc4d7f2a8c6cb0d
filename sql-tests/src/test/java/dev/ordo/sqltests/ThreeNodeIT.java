package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import dev.ordo.proxy.config.Backend;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.api.io.TempDir;

/** Three nodes in one JVM, each a peer of one three-peer log with its own replica (H2 or PostgreSQL). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@ParameterizedClass
@EnumSource(Backend.class)
class ThreeNodeIT {
  @TempDir
  static Path dir;
  static final List<OrdoNode> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    nodes.clear();
    nodes.addAll(Nodes.startCluster(dir.resolve(backend.name()), 3, 1, backend));
    try (Connection c = Nodes.connect(nodes.get(0)); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE counter (id INT PRIMARY KEY, v BIGINT NOT NULL)");
      s.executeUpdate("INSERT INTO counter VALUES (1, 0)");
      s.executeUpdate("CREATE TABLE acked (id BIGINT PRIMARY KEY, writer INT NOT NULL)");
    }
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    nodes.forEach(OrdoNode::close);
    nodes.clear();
  }

  @Test
  @Order(1)
  void aWriteAcknowledgedOnOneNodeIsSeenByAReadStartedAfterwardsOnAnother() throws Exception {
    try (Connection a = Nodes.connect(nodes.get(0));
        Connection b = Nodes.connect(nodes.get(1));
        Connection c = Nodes.connect(nodes.get(2));
        PreparedStatement write = a.prepareStatement("UPDATE counter SET v = ? WHERE id = 1");
        PreparedStatement readB = b.prepareStatement("SELECT v FROM counter WHERE id = 1");
        PreparedStatement readC = c.prepareStatement("SELECT v FROM counter WHERE id = 1")) {
      for (int i = 1; i <= 100; i++) {
        write.setLong(1, i);
        assertEquals(1, write.executeUpdate());
        PreparedStatement read = i % 2 == 0 ? readB : readC;
        try (ResultSet rs = read.executeQuery()) {
          rs.next();
          assertEquals(i, rs.getLong(1), "read on another node after write " + i + " was acknowledged");
        }
      }
    }
  }

  @Test
  @Order(2)
  void stoppingTheLeaderLosesAndDuplicatesNothing() throws Exception {
    InsertLoad load = new InsertLoad("acked", 6, attempt -> nodes.get(attempt % nodes.size()).jdbcUrl());
    Thread.sleep(1500);
    OrdoNode leader = nodes.stream()
        .filter(n -> n.sequencer().peerId().equals(n.sequencer().leaderId()))
        .findFirst().orElseThrow();
    int before = load.acknowledged();
    leader.close();
    nodes.remove(leader);
    Thread.sleep(4000);
    int after = load.acknowledged();
    load.close();
    assertTrue(before > 0, "writes were acknowledged before the leader stopped");
    assertTrue(after > before, "writes continue after the leader stopped");

    List<Set<Long>> seen = new ArrayList<>();
    for (OrdoNode n : nodes) {
      Nodes.awaitReplicasCaughtUp(n);
      try (Connection c = Nodes.replica(n.config(), 0)) {
        seen.add(load.verify(c, "acked"));
      } catch (AssertionError e) {
        String id = e.getMessage().replaceAll(".*e\\.g\\. (\\d+).*", "$1");
        StringBuilder trace = new StringBuilder();
        for (OrdoNode m : nodes) {
          trace.append(InsertLoad.traceInLog(m, Long.parseLong(id))).append('\n');
        }
        throw new AssertionError(n.sequencer().peerId() + ": " + e.getMessage() + "\n" + trace, e);
      }
    }
    assertEquals(seen.get(0), seen.get(1), "surviving nodes hold the same rows");
    assertEquals(Nodes.replicaContents(nodes.get(0).config()), Nodes.replicaContents(nodes.get(1).config()),
        "surviving replicas identical, bookkeeping included");
    System.out.printf("leader stop: %d acknowledged before, %d in all, %d client errors%n", before,
        load.acknowledged(), load.errors());
  }

}
