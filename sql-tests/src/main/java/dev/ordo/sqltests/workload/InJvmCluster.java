package dev.ordo.sqltests.workload;

import dev.ordo.proxy.OrdoNode;
import dev.ordo.proxy.config.Backend;
import dev.ordo.proxy.config.NodeConfig;
import dev.ordo.sqltests.pg.PgServers;
import dev.ordo.proxy.replica.Replica;
import dev.ordo.sequencer.SequencerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Ordo nodes in this JVM as a {@link FaultTarget}: nodes are named {@code n1},
 * {@code n2}...; stopping a node closes its {@link OrdoNode} (data kept),
 * starting it opens the same configuration again; a replica restart is {@link
 * Replica#stop()} then {@link Replica#start()}. Process faults ({@code
 * kill-node}, {@code pause-node}) need a process per node and are not supported.
 */
public final class InJvmCluster implements FaultTarget, AutoCloseable {
  private final List<NodeConfig> configs;
  private final OrdoNode[] nodes;
  private final String[] urls;
  private final Random random;

  private InJvmCluster(List<NodeConfig> configs, List<OrdoNode> started, long seed) {
    this.configs = List.copyOf(configs);
    this.nodes = started.toArray(new OrdoNode[0]);
    this.urls = started.stream().map(OrdoNode::jdbcUrl).toArray(String[]::new);
    this.random = new Random(seed);
  }

  /** Wraps nodes already started (they are closed with this object). */
  public static InJvmCluster of(List<OrdoNode> started, long seed) {
    return new InJvmCluster(started.stream().map(OrdoNode::config).toList(), started, seed);
  }

  /**
   * Starts {@code n} nodes, each a peer of one {@code n}-peer log with its own
   * replicas, on free ports. A free port can be taken by another process before
   * a node binds it, so a failed start is tried again on new ports (three times).
   */
  public static InJvmCluster start(Path dir, int n, int replicasPerNode, long seed) throws Exception {
    return start(dir, n, replicasPerNode, seed, Backend.H2);
  }

  /** As {@link #start(Path, int, int, long)}, with replicas of {@code backend}. */
  public static InJvmCluster start(Path dir, int n, int replicasPerNode, long seed, Backend backend)
      throws Exception {
    Exception last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return startOnce(dir.resolve("attempt-" + attempt), n, replicasPerNode, seed, backend);
      } catch (Exception e) {
        last = e;
      }
    }
    throw last;
  }

  private static InJvmCluster startOnce(Path dir, int n, int replicasPerNode, long seed, Backend backend)
      throws Exception {
    return start(configs(dir, n, replicasPerNode, backend), seed);
  }

  /** Starts the nodes of {@code configs} together and waits until each is ready. */
  public static InJvmCluster start(List<NodeConfig> configs, long seed) throws Exception {
    int n = configs.size();
    ExecutorService starter = Executors.newFixedThreadPool(n);
    List<Future<OrdoNode>> futures = new ArrayList<>();
    for (NodeConfig c : configs) {
      futures.add(starter.submit(() -> startReady(c)));
    }
    List<OrdoNode> started = new ArrayList<>();
    try {
      for (Future<OrdoNode> f : futures) {
        started.add(f.get(3, TimeUnit.MINUTES));
      }
    } catch (Exception e) {
      for (Future<OrdoNode> f : futures) {
        f.cancel(false);
        if (f.isDone() && !f.isCancelled()) {
          try {
            f.get().close();
          } catch (Exception ignored) {
            // best effort
          }
        }
      }
      throw e;
    } finally {
      starter.shutdown();
    }
    return new InJvmCluster(configs, started, seed);
  }

  /** Configurations of an {@code n}-node cluster (as the tests' {@code Nodes.cluster}). */
  public static List<NodeConfig> configs(Path dir, int n, int replicasPerNode) {
    return configs(dir, n, replicasPerNode, Backend.H2);
  }

  /** Configurations of an {@code n}-node cluster whose replicas are fresh databases of {@code backend}. */
  public static List<NodeConfig> configs(Path dir, int n, int replicasPerNode, Backend backend) {
    int[] ports = freePorts(2 * n);
    List<SequencerConfig.Peer> peers = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      peers.add(new SequencerConfig.Peer("n" + i, "127.0.0.1", ports[i - 1]));
    }
    List<NodeConfig> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Path nodeDir = dir.resolve("n" + i);
      NodeConfig base = NodeConfig.embedded(nodeDir, "127.0.0.1", ports[n + i - 1], 1, replicasPerNode);
      SequencerConfig log = new SequencerConfig("n" + i, peers, "ordo", nodeDir.resolve("log"), 512, 4 << 20, 4,
          Duration.ofSeconds(20));
      out.add(PgServers.withReplicas(base, backend, replicasPerNode).withLog(log)
          .withWriteTimeout(Duration.ofSeconds(30)));
    }
    return out;
  }

  private static OrdoNode startReady(NodeConfig cfg) throws Exception {
    OrdoNode node = OrdoNode.start(cfg);
    if (!node.awaitReady(Duration.ofSeconds(90))) {
      String status = node.status();
      node.close();
      throw new IllegalStateException("node not ready: " + status);
    }
    return node;
  }

  /** {@code n} distinct free ports: all sockets are held open until every port is chosen. */
  public static int[] freePorts(int n) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        s.setReuseAddress(true);
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }

  /** The running nodes (stopped ones left out). */
  public synchronized List<OrdoNode> live() {
    List<OrdoNode> out = new ArrayList<>();
    for (OrdoNode n : nodes) {
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  /** The URL of every node, running or not. */
  public List<String> urls() {
    return List.of(urls);
  }

  @Override
  public String url(int attempt) {
    List<Integer> up = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < nodes.length; i++) {
        if (nodes[i] != null) {
          up.add(i);
        }
      }
    }
    if (up.isEmpty()) {
      return urls[Math.floorMod(attempt, urls.length)];
    }
    return urls[up.get(Math.floorMod(attempt, up.size()))];
  }

  @Override
  public Set<FaultSchedule.Action> supported() {
    return EnumSet.of(FaultSchedule.Action.STOP_LEADER, FaultSchedule.Action.STOP_NODE,
        FaultSchedule.Action.START_NODE, FaultSchedule.Action.RESTART_REPLICA);
  }

  @Override
  public String apply(FaultSchedule.Step step) throws Exception {
    return switch (step.action()) {
      case STOP_LEADER -> stop(leader());
      case STOP_NODE -> stop(step.args().isEmpty() ? randomLive() : index(step.arg(0, null)));
      case START_NODE -> startNodes(step.arg(0, null));
      case RESTART_REPLICA -> restartReplica(step.arg(0, null), Integer.parseInt(step.arg(1, "0")),
          FaultSchedule.parseDuration(step.arg(2, "1s")));
      default -> throw new UnsupportedOperationException(step.action().text() + " needs node processes");
    };
  }

  /** Index of the node leading the log, among the running ones. */
  public synchronized int leader() {
    for (int i = 0; i < nodes.length; i++) {
      OrdoNode n = nodes[i];
      if (n != null && n.sequencer().peerId().equals(n.sequencer().leaderId())) {
        return i;
      }
    }
    throw new IllegalStateException("no running node leads the log");
  }

  private synchronized int randomLive() {
    List<Integer> up = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] != null) {
        up.add(i);
      }
    }
    if (up.isEmpty()) {
      throw new IllegalStateException("no running node");
    }
    return up.get(random.nextInt(up.size()));
  }

  private int index(String name) {
    for (int i = 0; i < configs.size(); i++) {
      if (("n" + (i + 1)).equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no node '" + name + "'; nodes are n1..n" + configs.size());
  }

  private String stop(int i) {
    OrdoNode n;
    synchronized (this) {
      n = nodes[i];
      nodes[i] = null;
    }
    if (n == null) {
      return "n" + (i + 1) + " already stopped";
    }
    boolean wasLeader = n.sequencer().peerId().equals(n.sequencer().leaderId());
    n.close();
    return "stopped n" + (i + 1) + (wasLeader ? " (log leader)" : "");
  }

  private String startNodes(String name) throws Exception {
    List<String> started = new ArrayList<>();
    for (int i = 0; i < configs.size(); i++) {
      if ((name == null || index(name) == i) && nodeAt(i) == null) {
        OrdoNode n = startReady(configs.get(i));
        synchronized (this) {
          nodes[i] = n;
        }
        started.add("n" + (i + 1));
      }
    }
    return started.isEmpty() ? "no stopped node" : "started " + started;
  }

  private synchronized OrdoNode nodeAt(int i) {
    return nodes[i];
  }

  private String restartReplica(String name, int replica, Duration down) throws Exception {
    int i = name == null ? randomLive() : index(name);
    OrdoNode n = nodeAt(i);
    if (n == null) {
      throw new IllegalStateException("n" + (i + 1) + " is stopped");
    }
    Replica r = n.replicas().get(replica);
    r.stop();
    Thread.sleep(down.toMillis());
    r.start();
    return "restarted replica " + r.name() + " of n" + (i + 1) + " after " + down.toMillis() + " ms down";
  }

  @Override
  public void close() {
    for (OrdoNode n : live()) {
      n.close();
    }
    synchronized (this) {
      java.util.Arrays.fill(nodes, null);
    }
  }
}
