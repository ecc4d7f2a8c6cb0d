package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Time functions in writes give the same value on every replica: the transaction's log time. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ParameterizedClass
@EnumSource(Backend.class)
class ClockIT {
  @TempDir
  static Path dir;
  @Parameter
  Backend backend;
  static OrdoNode node;

  @BeforeParameterizedClassInvocation
  static void start(Backend backend) throws Exception {
    node = Nodes.startReady(Nodes.embedded(dir.resolve(backend.name()), 3, backend));
  }

  @AfterParameterizedClassInvocation
  static void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @Test
  void timeFunctionsGiveOneValueOnEveryReplica() throws Exception {
    Instant before = Instant.now();
    try (Connection c = Nodes.connect(node); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE clk (id INT PRIMARY KEY, at TIMESTAMP WITH TIME ZONE, local_at TIMESTAMP,"
          + " d DATE, t TIME WITH TIME ZONE, note VARCHAR(40))");
      s.executeUpdate("INSERT INTO clk VALUES (1, CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE, CURRENT_TIME,"
          + " 'now()')");
      s.executeUpdate("INSERT INTO clk VALUES (2, now(), now(), CURRENT_DATE, LOCALTIME, 'CURRENT_DATE')");
      c.setAutoCommit(false);
      for (int id = 10; id < 13; id++) {
        s.executeUpdate("INSERT INTO clk VALUES (" + id + ", CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_DATE,"
            + " CURRENT_TIME, 'in a transaction')");
        Thread.sleep(20);
      }
      s.executeUpdate("UPDATE clk SET at = now() WHERE id = 12");
      c.commit();
      c.setAutoCommit(true);
      try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT at), count(DISTINCT local_at), count(*)"
          + " FROM clk WHERE id >= 10")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1), "one transaction, one time");
        assertEquals(1, rs.getInt(2), "one transaction, one time");
        assertEquals(3, rs.getInt(3));
      }
      // LOCALTIMESTAMP and now() into TIMESTAMP are in the replicas' zone: UTC by default.
      try (ResultSet rs = s.executeQuery("SELECT local_at, note FROM clk ORDER BY id")) {
        List<String> notes = new ArrayList<>();
        while (rs.next()) {
          Instant at = LocalDateTime.parse(rs.getString(1).replace(' ', 'T')).toInstant(ZoneOffset.UTC);
          assertTrue(Duration.between(before, at).abs().compareTo(Duration.ofMinutes(1)) < 0, at + " vs " + before);
          notes.add(rs.getString(2));
        }
        assertEquals(List.of("now()", "CURRENT_DATE", "in a transaction", "in a transaction", "in a transaction"),
            notes, "text in strings is not rewritten");
      }
      try (ResultSet rs = s.executeQuery("EXPLAIN ORDO INSERT INTO clk VALUES (3, now(), NULL, NULL, NULL, 'x')")) {
        String rewrites = null;
        while (rs.next()) {
          if (rs.getString(1).equals("rewrites")) {
            rewrites = rs.getString(2);
          }
        }
        assertTrue(rewrites != null && rewrites.contains("INSERT INTO clk VALUES (3, TIMESTAMP"), rewrites);
      }
    }
    Nodes.awaitReplicasCaughtUp(node);
    List<Map<String, List<String>>> replicas = Nodes.replicaContents(node.config());
    assertEquals(replicas.get(0), replicas.get(1));
    assertEquals(replicas.get(0), replicas.get(2));
  }
}
