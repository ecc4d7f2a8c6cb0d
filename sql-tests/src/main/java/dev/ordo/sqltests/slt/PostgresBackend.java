package dev.ordo.sqltests.slt;

import dev.ordo.proxy.config.ReplicaConfig;
import dev.ordo.sqltests.pg.PgServer;
import dev.ordo.sqltests.workload.InJvmCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server ({@link PgServer}) for both sides: a new database
 * per test file for the baseline ({@code slt_bare_N}, dropped after its file),
 * and one database per Ordo replica ({@code ordo_r1}...). Durability is relaxed
 * on the server (no fsync): nothing here survives a crash, on either side.
 */
final class PostgresBackend implements Backend {
  /** Server settings: durability off, since the suite never crashes the server. */
  static final Map<String, String> SETTINGS = Map.of("fsync", "off", "synchronous_commit", "off",
      "full_page_writes", "off");

  private final PgServer server;
  private final AtomicInteger next = new AtomicInteger();

  private PostgresBackend(PgServer server) {
    this.server = server;
  }

  static PostgresBackend start(Path dir) throws Exception {
    int port = InJvmCluster.freePorts(1)[0];
    return new PostgresBackend(PgServer.start(dir.resolve("pg"), port, SETTINGS));
  }

  @Override
  public Kind kind() {
    return Kind.POSTGRESQL;
  }

  @Override
  public Database createBareDatabase() throws SQLException {
    String name = "slt_bare_" + next.incrementAndGet();
    server.createDatabase(name);
    return new Database(name, server.jdbcUrl(name), PgServer.USER, "");
  }

  @Override
  public void dropBareDatabase(Database db) throws SQLException {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db.name() + " WITH (FORCE)");
    }
  }

  @Override
  public List<ReplicaConfig> createReplicas(int count) throws SQLException {
    List<ReplicaConfig> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String db = "ordo_r" + i;
      server.createDatabase(db);
      out.add(new ReplicaConfig("r" + i, server.jdbcUrl(db), PgServer.USER, ""));
    }
    return out;
  }

  @Override
  public void configureSession(Connection c) throws SQLException {
    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    try (Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE '" + TIME_ZONE + "'");
    }
  }

  @Override
  public void close() throws Exception {
    server.close();
  }

  @Override
  public String toString() {
    return server.toString();
  }
}
