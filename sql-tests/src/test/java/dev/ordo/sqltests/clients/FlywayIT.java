package dev.ordo.sqltests.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ordo.proxy.OrdoNode;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.RepairResult;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Flyway, configured as for any database (only the URL is Ordo's): migrate,
 * info, validate and repair on an empty database, versioned and repeatable
 * migrations, a failed migration and its repair, two Flyway instances at once.
 * Flyway recognises the engine from {@code DatabaseMetaData} (product name
 * and version of the replicas). While one connection runs a migration, a
 * second one holds a transaction open as Flyway's lock: on H2 with
 * {@code SELECT … FOR UPDATE} on the schema history table, on PostgreSQL with
 * {@code pg_try_advisory_xact_lock}; the migration's own transaction restores
 * the role ({@code SET ROLE}) and the search path ({@code set_config}) first.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FlywayIT {
  private static final String HISTORY = "\"flyway_schema_history\"";

  @TempDir
  Path dir;

  private static HikariDataSource pool(OrdoNode node) {
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(node.jdbcUrl());
    hc.setMaximumPoolSize(4);
    hc.setConnectionTimeout(30_000);
    return new HikariDataSource(hc);
  }

  /** The backend's migrations, copied where the test can add and change files. */
  private Path migrations(Backend backend) throws Exception {
    String resource = "/" + backend.migrations.substring("classpath:".length());
    URL url = FlywayIT.class.getResource(resource);
    Path target = Files.createDirectories(dir.resolve("migrations"));
    try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName().toString()));
      }
    }
    return target;
  }

  private static Flyway flyway(javax.sql.DataSource ds, Path migrations) {
    return Flyway.configure().dataSource(ds).locations("filesystem:" + migrations).load();
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void migrateInfoValidateRepairOnAnEmptyDatabase(Backend backend) throws Exception {
    Path migrations = migrations(backend);
    try (OrdoNode node = backend.start(dir.resolve("node")); HikariDataSource ds = pool(node)) {
      Flyway flyway = flyway(ds, migrations);

      MigrationInfo[] before = flyway.info().all();
      assertEquals(3, before.length);
      assertTrue(Stream.of(before).allMatch(m -> m.getState() == MigrationState.PENDING));
      assertNull(flyway.info().current());

      MigrateResult first = flyway.migrate();
      assertTrue(first.success);
      assertEquals(3, first.migrationsExecuted);
      assertEquals(backend.productName, first.databaseType, "Flyway recognised the replicas' engine");
      assertEquals("2", flyway.info().current().getVersion().getVersion());
      assertTrue(Stream.of(flyway.info().applied()).allMatch(m -> m.getState().isApplied()
          && !m.getState().isFailed()));
      assertTrue(flyway.validateWithResult().validationSuccessful);
      flyway.validate();
      assertEquals(List.of("Ada|100.00", "Brian|260.50"), balances(ds));
      assertEquals(List.of("1|customers and accounts|SQL|true", "2|first customers|SQL|true",
          "null|customer balance|SQL|true"), history(ds));

      // Nothing pending: migrate does nothing.
      assertEquals(0, flyway.migrate().migrationsExecuted);

      // A changed repeatable migration runs again.
      Path view = migrations.resolve("R__customer_balance.sql");
      Files.writeString(view, Files.readString(view).replace("SUM(a.balance) AS total",
          "SUM(a.balance) AS total, COUNT(*) AS accounts"));
      MigrateResult again = flyway.migrate();
      assertEquals(1, again.migrationsExecuted);
      try (Connection c = ds.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT accounts FROM customer_balance ORDER BY id")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1));
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1));
      }

      // A migration that fails halfway.
      Path v3 = migrations.resolve("V3__audit.sql");
      Files.writeString(v3, "CREATE TABLE audit (id INT PRIMARY KEY, note VARCHAR(100));\n"
          + "INSERT INTO audit_typo (id, note) VALUES (1, 'first');\n");
      FlywayException failed = assertThrows(FlywayException.class, flyway::migrate);
      assertTrue(failed.getMessage().toUpperCase(java.util.Locale.ROOT).contains("AUDIT_TYPO"), failed.getMessage());
      MigrationInfo v3Info = Stream.of(flyway.info().all())
          .filter(m -> m.getVersion() != null && m.getVersion().getVersion().equals("3")).findFirst().orElseThrow();
      assertFalse(flyway.validateWithResult().validationSuccessful);
      if (backend.ddlCommitsTransaction) {
        // H2: the DDL before the failure stays (neither H2 nor Flyway on H2 can undo it); Flyway records the
        // failure, and validation reports it until repair.
        assertEquals(MigrationState.FAILED, v3Info.getState());
        assertTrue(tableExists(ds, backend, "audit"));
        assertThrows(FlywayException.class, flyway::migrate, "a failed migration blocks migrate until repair");
      } else {
        // PostgreSQL: Flyway ran the migration in one transaction, which rolled back whole: no audit table,
        // no history row, the migration is still pending (which is why validation fails).
        assertEquals(MigrationState.PENDING, v3Info.getState());
        assertFalse(tableExists(ds, backend, "audit"), "the migration's CREATE TABLE rolled back with it");
      }

      Files.writeString(v3, "CREATE TABLE IF NOT EXISTS audit (id INT PRIMARY KEY, note VARCHAR(100));\n"
          + "INSERT INTO audit (id, note) VALUES (1, 'first');\n");
      RepairResult repair = flyway.repair();
      assertEquals(backend.ddlCommitsTransaction ? List.of("3") : List.of(),
          repair.migrationsRemoved.stream().map(m -> m.version).toList(), "only a recorded failure is removed");
      assertEquals(MigrationState.PENDING, flyway.info().pending()[0].getState());
      assertEquals(1, flyway.migrate().migrationsExecuted);
      assertEquals("3", flyway.info().current().getVersion().getVersion());
      assertTrue(flyway.validateWithResult().validationSuccessful);
      assertEquals(List.of("1|customers and accounts|SQL|true", "2|first customers|SQL|true",
          "null|customer balance|SQL|true", "null|customer balance|SQL|true", "3|audit|SQL|true"), history(ds));
      assertHistoryOnEveryReplica(backend, node);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.ordo.sqltests.clients.Backend#all")
  void twoFlywaysAtOnceApplyEachMigrationOnce(Backend backend) throws Exception {
    Path migrations = migrations(backend);
    try (OrdoNode node = backend.start(dir.resolve("node")); HikariDataSource ds1 = pool(node);
        HikariDataSource ds2 = pool(node)) {
      // The history table exists first, so that both instances contend for Flyway's lock (FOR UPDATE on it on
      // H2, an advisory lock on PostgreSQL).
      Flyway.configure().dataSource(ds1).locations("filesystem:" + migrations).baselineVersion("0").load()
          .baseline();
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        List<Future<MigrateResult>> results = new ArrayList<>();
        for (HikariDataSource ds : List.of(ds1, ds2)) {
          Callable<MigrateResult> migrate = () -> flyway(ds, migrations).migrate();
          results.add(threads.submit(migrate));
        }
        int executed = 0;
        for (Future<MigrateResult> r : results) {
          executed += r.get(2, TimeUnit.MINUTES).migrationsExecuted;
        }
        assertEquals(3, executed, "each migration ran once, by one of the two instances");
      } finally {
        threads.shutdownNow();
      }
      assertEquals(List.of("0|<< Flyway Baseline >>|BASELINE|true", "1|customers and accounts|SQL|true",
          "2|first customers|SQL|true", "null|customer balance|SQL|true"), history(ds1));
      assertEquals(List.of("Ada|100.00", "Brian|260.50"), balances(ds1));
      assertHistoryOnEveryReplica(backend, node);
    }
  }

  private static boolean tableExists(javax.sql.DataSource ds, Backend backend, String table) throws Exception {
    try (Connection c = ds.getConnection();
        ResultSet rs = c.getMetaData().getTables(null, backend.defaultSchema, backend.name(table), null)) {
      return rs.next();
    }
  }

  private static List<String> balances(javax.sql.DataSource ds) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT name, total FROM customer_balance ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "|" + rs.getBigDecimal(2));
      }
    }
    return out;
  }

  /** The schema history as Flyway wrote it (without Flyway's own creation marker). */
  private static List<String> history(javax.sql.DataSource ds) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT \"version\", \"description\", \"type\", \"success\" FROM " + HISTORY
            + " WHERE \"type\" <> 'TABLE' ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getBoolean(4));
      }
    }
    return out;
  }

  /**
   * Every replica holds the same data, Flyway's schema history table included.
   * Its {@code installed_on} column is left out: Flyway fills it from the
   * column default {@code CURRENT_TIMESTAMP}, which each replica evaluates with
   * its own clock (docs/sql.md, "Known limits").
   */
  private static void assertHistoryOnEveryReplica(Backend backend, OrdoNode node) throws Exception {
    String table = "\"" + backend.defaultSchema + "\"." + HISTORY;
    Replicas.assertIdentical(node, Map.of(table, "\"installed_rank\", \"version\", \"description\", \"type\","
        + " \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\""));
  }
}
