package dev.ordo.sqltests.slt;

import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.proxy.config.ReplicaConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * H2 file databases in the mode Ordo's H2 replicas use: the URLs come from
 * {@link NodeConfig#h2Replicas} itself, and a direct connection gets the
 * session settings a replica connection gets (READ COMMITTED, time zone).
 * Each baseline database lives in its own directory and is deleted after its
 * file.
 */
final class H2Backend implements Backend {
  private final Path dir;
  private final AtomicInteger next = new AtomicInteger();

  H2Backend(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    Files.createDirectories(this.dir);
  }

  @Override
  public Kind kind() {
    return Kind.H2;
  }

  @Override
  public Database createBareDatabase() throws IOException {
    Path home = dir.resolve("bare").resolve("db" + next.incrementAndGet());
    deleteTree(home);
    ReplicaConfig rc = NodeConfig.h2Replicas(home, 1).get(0);
    return new Database(home.getFileName().toString(), rc.jdbcUrl(), rc.user(), rc.password());
  }

  @Override
  public void dropBareDatabase(Database db) throws IOException {
    // The executor closed its connection; H2 closes a file database with its last connection.
    deleteTree(dir.resolve("bare").resolve(db.name()));
  }

  @Override
  public List<ReplicaConfig> createReplicas(int count) {
    return NodeConfig.h2Replicas(dir.resolve("ordo-" + next.incrementAndGet()), count);
  }

  @Override
  public void configureSession(Connection c) throws SQLException {
    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    try (Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE '" + TIME_ZONE + "'");
    }
  }

  @Override
  public void close() {
    // Nothing runs: the databases close with their connections.
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> files = Files.walk(p)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  @Override
  public String toString() {
    return "H2 file databases under " + dir;
  }
}
