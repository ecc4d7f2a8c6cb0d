package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.replica.Replica;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import dev.ordo.proxy.config.Backend;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

/** Replicas and nodes restarted under load resume exactly where they were. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RestartIT {
  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aReplicaClosedAndReopenedDuringLoadCatchesUpExactly(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("replica-" + backend), 3, backend);
    try (OrdoNode node = Nodes.startReady(cfg)) {
      createTable(node);
      InsertLoad load = new InsertLoad("acked", 4, attempt -> node.jdbcUrl());
      Thread.sleep(700);
      Replica r2 = node.replicas().get(1);
      r2.stop();
      long stoppedAt = r2.appliedIndex();
      Thread.sleep(1200);
      assertTrue(node.sequencer().committedIndex() > stoppedAt, "the log moved on while the replica was down");
      r2.start();
      Thread.sleep(700);
      load.close();
      assertEquals(0, load.errors(), "clients never see a replica's own failure");
      Nodes.awaitReplicasCaughtUp(node);
      checkExactlyOnce(node, load);
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aNodeRestartedDuringLoadResumesExactly(Backend backend) throws Exception {
    NodeConfig cfg = Nodes.embedded(dir.resolve("node-" + backend), 3, backend);
    AtomicReference<OrdoNode> current = new AtomicReference<>(Nodes.startReady(cfg));
    try {
      createTable(current.get());
      InsertLoad load = new InsertLoad("acked", 4, attempt -> "jdbc:ordo://127.0.0.1:" + cfg.port() + "/ordo");
      Thread.sleep(800);
      int before = load.acknowledged();
      current.get().close();
      Thread.sleep(300);
      current.set(Nodes.startReady(cfg));
      Thread.sleep(1500);
      load.close();
      assertTrue(load.acknowledged() > before, "writes resumed after the restart");
      Nodes.awaitReplicasCaughtUp(current.get());
      checkExactlyOnce(current.get(), load);
    } finally {
      current.get().close();
    }
  }

  private static void createTable(OrdoNode node) throws Exception {
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE acked (id BIGINT PRIMARY KEY, writer INT NOT NULL)");
    }
  }

  private static void checkExactlyOnce(OrdoNode node, InsertLoad load) throws Exception {
    load.checkExactlyOnce(node, "acked");
  }
}
