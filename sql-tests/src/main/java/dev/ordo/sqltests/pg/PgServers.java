package dev.ordo.sqltests.pg;

import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.sqltests.workload.InJvmCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Three independent PostgreSQL servers shared by everything in this JVM that
 * needs PostgreSQL replicas, started on first use and stopped when the JVM
 * exits. Every node gets fresh databases on them ({@link #replicas}), so tests
 * do not see each other's data. Tests that stop or crash a server start their
 * own {@link PgServer}s instead.
 */
public final class PgServers {
  public static final int COUNT = 3;
  /** The role replicas connect as: it owns their databases and is not a superuser. */
  public static final String REPLICA_ROLE = "ordo_replica";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static List<PgServer> servers;
  /** Where the shared servers keep their data: removed when the JVM exits. */
  private static Path dataRoot;

  private PgServers() {}

  /** The shared servers, started if they are not running yet. */
  public static synchronized List<PgServer> shared() {
    if (servers == null) {
      try {
        Path root = Files.createTempDirectory("ordo-pg-");
        int[] ports = InJvmCluster.freePorts(COUNT);
        List<PgServer> started = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
          started.add(PgServer.start(root.resolve("pg" + (i + 1)), ports[i], Map.of()));
        }
        servers = List.copyOf(started);
        dataRoot = root;
        Runtime.getRuntime().addShutdownHook(new Thread(PgServers::stopAll, "ordo-pg-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start PostgreSQL servers for replicas: " + e.getMessage(), e);
      }
    }
    return servers;
  }

  private static synchronized void stopAll() {
    if (servers != null) {
      for (PgServer s : servers) {
        try {
          s.close();
        } catch (IOException | RuntimeException ignored) {
          // The JVM is exiting.
        }
      }
    }
    // A server may still write its last files (statistics, WAL segments) as it exits: a second pass gets them.
    for (int pass = 0; pass < 2 && dataRoot != null && Files.exists(dataRoot); pass++) {
      try (var files = Files.walk(dataRoot)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException | RuntimeException ignored) {
        // Best effort: it is a directory of this run in the temporary directory.
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * {@code n} fresh, empty replica databases, replica i on server i mod 3
   * (so three replicas live on three independent servers).
   */
  public static List<ReplicaConfig> replicas(int n) {
    return replicas(shared(), n);
  }

  /**
   * {@code n} fresh, empty replica databases on the given servers, round robin, each owned by and reached as
   * {@link #REPLICA_ROLE}: the least privilege a replica needs, as docs/configuration.md advises.
   */
  public static List<ReplicaConfig> replicas(List<PgServer> on, int n) {
    List<ReplicaConfig> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PgServer s = on.get(i % on.size());
      String db = "ordo_" + DATABASES.incrementAndGet() + "_r" + (i + 1);
      try {
        s.createLeastPrivilegeRole(REPLICA_ROLE);
        s.createDatabase(db, REPLICA_ROLE);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create database " + db + " on " + s + ": " + e.getMessage(), e);
      }
      out.add(new ReplicaConfig("r" + (i + 1), s.jdbcUrl(db), REPLICA_ROLE, ""));
    }
    return out;
  }

  /** {@code cfg} with its replicas replaced by {@code n} fresh databases of {@code backend}. */
  public static NodeConfig withReplicas(NodeConfig cfg, Backend backend, int n) {
    if (backend == Backend.H2) {
      return cfg.withReplicas(NodeConfig.h2Replicas(cfg.dataDir(), n));
    }
    return cfg.withReplicas(replicas(n));
  }
}
