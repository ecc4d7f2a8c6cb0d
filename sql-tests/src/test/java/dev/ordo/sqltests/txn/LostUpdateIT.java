package dev.ordo.sqltests.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.sqltests.Nodes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * N clients each increment one counter K times by reading it, adding one in
 * Java and writing the result back. Any lost update leaves the counter below
 * N*K.
 */
@ParameterizedClass
@EnumSource(Backend.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LostUpdateIT {
  static final int CLIENTS = 8;
  static final int INCREMENTS = 20;

  @TempDir
  static Path dir;
  static OrdoNode node;
  @Parameter
  Backend backend;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE counter (id INT PRIMARY KEY, v BIGINT NOT NULL)");
      s.executeUpdate("INSERT INTO counter VALUES (1, 0)");
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
  void readModifyWriteIncrementsAreNeverLost() throws Exception {
    LongAdder aborts = new LongAdder();
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<List<Long>>> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(() -> {
        List<Long> seen = new ArrayList<>();
        try (Connection c = Nodes.connect(node)) {
          c.setAutoCommit(false);
          go.await();
          for (int k = 0; k < INCREMENTS; k++) {
            seen.add(Txns.retrying(c, aborts, tx -> {
              long v = Txns.queryLong(tx, "SELECT v FROM counter WHERE id = 1");
              assertEquals(1, Txns.update(tx, "UPDATE counter SET v = ? WHERE id = 1", v + 1));
              return v + 1;
            }));
          }
        }
        return seen;
      });
    }
    go.countDown();
    List<List<Long>> written = Txns.runAll("increment", clients, Duration.ofSeconds(150));
    System.out.printf("LostUpdateIT: %d clients x %d increments, %d aborts (retried)%n", CLIENTS, INCREMENTS,
        aborts.sum());

    long expected = (long) CLIENTS * INCREMENTS;
    // Each committed increment wrote a distinct value: together they are exactly 1..N*K.
    List<Long> all = new ArrayList<>();
    written.forEach(all::addAll);
    all.sort(null);
    List<Long> oneToNk = new ArrayList<>();
    for (long v = 1; v <= expected; v++) {
      oneToNk.add(v);
    }
    assertEquals(oneToNk, all, "values written by committed increments");
    try (Connection c = Nodes.connect(node)) {
      assertEquals(expected, Txns.queryLong(c, "SELECT v FROM counter WHERE id = 1"));
    }
    Txns.assertReplicasIdentical(node);
    for (int i = 0; i < node.config().replicas().size(); i++) {
      try (Connection r = Nodes.replica(node.config(), i)) {
        assertEquals(expected, Txns.queryLong(r, "SELECT v FROM counter WHERE id = 1"), "replica " + i);
      }
    }
  }
}
