package dev.ordo.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar {@code ./ordo} runs, as this build packaged it: its manifest class path
 * names exactly the jars in {@code proxy/target/lib}, and {@code java -jar} on it
 * starts the embedded default, which answers SQL through the driver. This is the
 * check that the runtime dependencies left out of the build (Calcite's planner,
 * runtime and remote-JDBC libraries) are not needed to serve.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LauncherIT {
  /** The proxy module's build output, seen from this module's directory (where Maven runs the tests). */
  private static final Path PROXY_TARGET = Path.of("..", "proxy", "target").toAbsolutePath().normalize();
  private static final Path LAUNCHER = PROXY_TARGET.resolve("ordo-proxy-launcher.jar");

  @TempDir
  Path dir;

  @Test
  void theLauncherClassPathIsExactlyTheCopiedRuntimeLibraries() throws IOException {
    assertTrue(Files.isRegularFile(LAUNCHER), LAUNCHER + " is missing: build the proxy module (mvn package) first");
    String classPath;
    try (JarFile jar = new JarFile(LAUNCHER.toFile())) {
      classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
      assertEquals("dev.ordo.proxy.cli.OrdoCommand", jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    assertNotNull(classPath, "the launcher names its class path");
    TreeSet<String> named = new TreeSet<>(Arrays.asList(classPath.trim().split("\\s+")));
    TreeSet<String> copied = new TreeSet<>();
    try (Stream<Path> files = Files.list(PROXY_TARGET.resolve("lib"))) {
      files.forEach(f -> copied.add("lib/" + f.getFileName()));
    }
    assertEquals(named, copied, "target/lib holds exactly the jars the launcher's class path names");
    try (JarFile library = new JarFile(PROXY_TARGET.resolve("ordo-proxy.jar").toFile())) {
      assertEquals(null, library.getManifest().getMainAttributes().getValue("Class-Path"),
          "the library jar other modules depend on names no class path of its own");
    }
  }

  @Test
  void javaDashJarServesTheEmbeddedDefault() throws Exception {
    int port = Nodes.freePort();
    int raftPort = Nodes.freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-jar", LAUNCHER.toString(), "serve", "--port",
        Integer.toString(port), "--raft-port", Integer.toString(raftPort), "--data-dir",
        dir.resolve("data").toString()));
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String ready = CompletableFuture.supplyAsync(() -> {
        try {
          for (String l; (l = out.readLine()) != null; ) {
            if (l.startsWith("Ordo is ready: ")) {
              return l.substring("Ordo is ready: ".length()).trim();
            }
          }
          return null;
        } catch (IOException e) {
          return null;
        }
      }).get(120, TimeUnit.SECONDS);
      assertNotNull(ready, "ordo serve exited before it was ready; its stderr:\n"
          + Files.readString(dir.resolve("stderr.txt")));
      assertEquals("jdbc:ordo://127.0.0.1:" + port + "/ordo", ready);
      try (Connection c = DriverManager.getConnection(ready); Statement s = c.createStatement()) {
        s.executeUpdate("CREATE TABLE launched (id INT PRIMARY KEY, at TIMESTAMP, v VARCHAR(20))");
        assertEquals(1, s.executeUpdate("INSERT INTO launched VALUES (1, CURRENT_TIMESTAMP, 'one')"));
        try (ResultSet rs = s.executeQuery("SELECT v, EXTRACT(YEAR FROM at) FROM launched WHERE id = 1")) {
          assertTrue(rs.next());
          assertEquals("one", rs.getString(1));
          assertTrue(rs.getInt(2) >= 2024, "a year from the node's clock");
        }
        try (ResultSet rs = s.executeQuery("ORDO STATUS")) {
          int replicas = 0;
          while (rs.next()) {
            replicas++;
          }
          assertEquals(3, replicas, "the embedded default has three replicas");
        }
      }
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
