package dev.ordo.sqltests.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ordo nodes as {@code ordo serve} child processes (one JVM each, this JVM's
 * classpath) as a {@link FaultTarget}: nodes are named {@code n1}, {@code n2}...,
 * each with its own data directory {@code DIR/nX}, ports fixed for the life of
 * the cluster, stdout in {@code DIR/nX.out} and stderr (the log) in {@code
 * DIR/nX.log}. The leader is read from the nodes' {@code "nX: leader is now nY"}
 * log lines. {@code kill-node} / {@code stop-leader} are {@code kill -9}
 * ({@link Process#destroyForcibly()}), {@code stop-node} a SIGTERM (the node
 * shuts down cleanly), {@code start-node} starts the process again on the same
 * data directory and ports, {@code pause-node} is SIGSTOP, then SIGCONT after the
 * pause. Every child is killed on {@link #close()} and, should this JVM exit
 * first, by a shutdown hook.
 */
public final class ProcessCluster implements FaultTarget, AutoCloseable {
  private static final Pattern LEADER_LINE = Pattern.compile("(\\S+): leader is now (\\S+)");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int n;
  private final int replicas;
  private final int[] ports;
  private final int[] raftPorts;
  private final String peers;
  private final Process[] procs;
  private final Random random;
  private final Thread hook;

  private ProcessCluster(Path dir, int n, int replicas, long seed) {
    this.dir = dir;
    this.n = n;
    this.replicas = replicas;
    this.ports = new int[n];
    this.raftPorts = new int[n];
    List<String> p = new ArrayList<>();
    int[] all = InJvmCluster.freePorts(2 * n);
    for (int i = 0; i < n; i++) {
      ports[i] = all[2 * i];
      raftPorts[i] = all[2 * i + 1];
      p.add(name(i) + "=127.0.0.1:" + raftPorts[i]);
    }
    this.peers = String.join(",", p);
    this.procs = new Process[n];
    this.random = new Random(seed);
    this.hook = new Thread(this::killAll, "ordo-process-cluster-kill");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code n} {@code ordo serve} processes, peers of one {@code n}-peer
   * log, each with {@code replicasPerNode} H2 replicas, on free ports; returns
   * once every node printed its ready line.
   */
  public static ProcessCluster start(Path dir, int n, int replicasPerNode, long seed) throws Exception {
    Files.createDirectories(dir);
    ProcessCluster c = new ProcessCluster(dir, n, replicasPerNode, seed);
    ExecutorService starter = Executors.newFixedThreadPool(n);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int idx = i;
        futures.add(starter.submit(() -> {
          c.startNode(idx);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(3, TimeUnit.MINUTES);
      }
      return c;
    } catch (Exception e) {
      c.close();
      throw e;
    } finally {
      starter.shutdownNow();
    }
  }

  private static String name(int i) {
    return "n" + (i + 1);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stderr (log) file of node {@code i}. */
  public Path logFile(int i) {
    return dir.resolve(name(i) + ".log");
  }

  /** The JDBC URL of node {@code i} (running or not). */
  public String urlOf(int i) {
    return "jdbc:ordo://127.0.0.1:" + ports[i] + "/ordo";
  }

  /** Starts node {@code i}'s process and waits for its ready line. */
  private void startNode(int i) throws Exception {
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "dev.ordo.proxy.cli.OrdoCommand", "serve",
        "--node-id", name(i), "--port", String.valueOf(ports[i]), "--raft-port", String.valueOf(raftPorts[i]),
        "--peers", peers, "--replicas", String.valueOf(replicas),
        "--data-dir", dir.resolve(name(i)).toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.appendTo(logFile(i).toFile()));
    Process p;
    synchronized (this) {
      if (procs[i] != null && procs[i].isAlive()) {
        throw new IllegalStateException(name(i) + " is running");
      }
      p = pb.start();
      procs[i] = p;
    }
    CompletableFuture<String> ready = new CompletableFuture<>();
    Path outFile = dir.resolve(name(i) + ".out");
    Thread.ofPlatform().daemon(true).name("ordo-" + name(i) + "-stdout").start(() -> {
      // Keeps draining stdout for the life of the process so it never blocks on a full pipe.
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
           Writer w = Files.newBufferedWriter(outFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
               StandardOpenOption.APPEND)) {
        String l;
        while ((l = in.readLine()) != null) {
          w.write(l);
          w.write('\n');
          w.flush();
          if (l.startsWith("Ordo is ready")) {
            ready.complete(l);
          } else if (l.startsWith("Ordo is listening")) {
            ready.completeExceptionally(new IllegalStateException(name(i) + ": " + l));
          }
        }
      } catch (IOException e) {
        // the process went away
      } finally {
        ready.completeExceptionally(new IllegalStateException(name(i) + " exited before it was ready (exit "
            + (p.isAlive() ? "?" : p.exitValue()) + "); see " + logFile(i)));
      }
    });
    try {
      ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() instanceof Exception c ? c : e;
    }
  }

  private synchronized boolean running(int i) {
    return procs[i] != null && procs[i].isAlive();
  }

  private synchronized List<Integer> up() {
    List<Integer> up = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (running(i)) {
        up.add(i);
      }
    }
    return up;
  }

  @Override
  public String url(int attempt) {
    List<Integer> up = up();
    if (up.isEmpty()) {
      return urlOf(Math.floorMod(attempt, n));
    }
    return urlOf(up.get(Math.floorMod(attempt, up.size())));
  }

  /** The URL of every node, running or not. */
  public List<String> urls() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(urlOf(i));
    }
    return out;
  }

  @Override
  public Set<FaultSchedule.Action> supported() {
    return EnumSet.of(FaultSchedule.Action.STOP_LEADER, FaultSchedule.Action.STOP_NODE,
        FaultSchedule.Action.START_NODE, FaultSchedule.Action.KILL_NODE, FaultSchedule.Action.PAUSE_NODE);
  }

  @Override
  public String apply(FaultSchedule.Step step) throws Exception {
    return switch (step.action()) {
      case STOP_LEADER -> {
        int l = leader();
        yield kill(l) + " (log leader)";
      }
      case KILL_NODE -> kill(step.args().isEmpty() ? randomLive() : index(step.arg(0, null)));
      case STOP_NODE -> stop(step.args().isEmpty() ? randomLive() : index(step.arg(0, null)));
      case START_NODE -> startNodes(step.arg(0, null));
      case PAUSE_NODE -> pause(step.args().isEmpty() ? randomLive() : index(step.arg(0, null)),
          FaultSchedule.parseDuration(step.arg(1, "2s")));
      default -> throw new UnsupportedOperationException(step.action().text() + " is not supported by processes");
    };
  }

  /**
   * Index of the node leading the log: the leader most running nodes last
   * logged ({@code "nX: leader is now nY"}), among the running nodes.
   */
  public int leader() throws IOException {
    Map<String, Integer> votes = new HashMap<>();
    for (int i : up()) {
      String last = null;
      if (Files.exists(logFile(i))) {
        for (String line : Files.readAllLines(logFile(i), StandardCharsets.UTF_8)) {
          Matcher m = LEADER_LINE.matcher(line);
          if (m.find() && m.group(1).equals(name(i))) {
            last = m.group(2);
          }
        }
      }
      if (last != null && !last.equals("null")) {
        votes.merge(last, 1, Integer::sum);
      }
    }
    int best = -1;
    int bestVotes = 0;
    for (int i : up()) {
      int v = votes.getOrDefault(name(i), 0);
      if (v > bestVotes) {
        best = i;
        bestVotes = v;
      }
    }
    if (best < 0) {
      throw new IllegalStateException("no running node leads the log (last claims: " + votes + ")");
    }
    return best;
  }

  private int randomLive() {
    List<Integer> up = up();
    if (up.isEmpty()) {
      throw new IllegalStateException("no running node");
    }
    synchronized (random) {
      return up.get(random.nextInt(up.size()));
    }
  }

  private int index(String name) {
    for (int i = 0; i < n; i++) {
      if (name(i).equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no node '" + name + "'; nodes are n1..n" + n);
  }

  private String kill(int i) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = procs[i];
    }
    if (p == null || !p.isAlive()) {
      return name(i) + " already down";
    }
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
    return "killed -9 " + name(i) + " (pid " + p.pid() + ")";
  }

  private String stop(int i) throws InterruptedException {
    Process p;
    synchronized (this) {
      p = procs[i];
    }
    if (p == null || !p.isAlive()) {
      return name(i) + " already down";
    }
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
      return "stopped " + name(i) + " (killed after 30 s)";
    }
    return "stopped " + name(i);
  }

  private String startNodes(String name) throws Exception {
    List<String> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if ((name == null || index(name) == i) && !running(i)) {
        startNode(i);
        started.add(name(i));
      }
    }
    return started.isEmpty() ? "no stopped node" : "started " + started;
  }

  private String pause(int i, Duration pause) throws Exception {
    Process p;
    synchronized (this) {
      p = procs[i];
    }
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException(name(i) + " is not running");
    }
    signal("-STOP", p.pid());
    try {
      Thread.sleep(pause.toMillis());
    } finally {
      signal("-CONT", p.pid());
    }
    return "paused " + name(i) + " (pid " + p.pid() + ") for " + pause.toMillis() + " ms";
  }

  private static void signal(String sig, long pid) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", sig, String.valueOf(pid)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill " + sig + " " + pid + " failed");
    }
  }

  private void killAll() {
    List<Process> ps = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < n; i++) {
        if (procs[i] != null) {
          ps.add(procs[i]);
        }
      }
    }
    for (Process p : ps) {
      p.destroyForcibly(); // SIGKILL also ends a SIGSTOPped process
    }
    for (Process p : ps) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Kills every node process (data directories are kept). */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }
}
