package dev.ordo.sequencer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of one log peer.
 *
 * @param peerId this peer's id; must be one of {@code peers}
 * @param peers every peer of the group (1, 3 or 5), including this one
 * @param groupName the name of the Raft group; peers of one cluster share it
 * @param storageDir where this peer keeps its log (created if missing)
 * @param maxBatchPayloads the most payloads in one Raft entry
 * @param maxBatchBytes the most payload bytes in one Raft entry
 * @param maxInFlight the most Raft entries this peer has appended and not yet seen committed
 * @param requestTimeout how long an append or read index may wait for a leader
 */
public record SequencerConfig(
    String peerId,
    List<Peer> peers,
    String groupName,
    Path storageDir,
    int maxBatchPayloads,
    int maxBatchBytes,
    int maxInFlight,
    Duration requestTimeout) {

  /** One peer of the group: its id and the host and port of its Raft endpoint. */
  public record Peer(String id, String host, int port) {
    public Peer {
      Objects.requireNonNull(id, "peer id");
      Objects.requireNonNull(host, "peer host");
      if (port <= 0 || port > 65535) {
        throw new IllegalArgumentException("peer " + id + ": port " + port + " is not in 1..65535");
      }
    }

    /** Parses {@code id=host:port}. */
    public static Peer parse(String s) {
      int eq = s.indexOf('=');
      int colon = s.lastIndexOf(':');
      if (eq <= 0 || colon < eq) {
        throw new IllegalArgumentException("peer '" + s + "' is not of the form id=host:port");
      }
      try {
        return new Peer(s.substring(0, eq), s.substring(eq + 1, colon), Integer.parseInt(s.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("peer '" + s + "': port is not a number", e);
      }
    }

    @Override
    public String toString() {
      return id + "=" + host + ":" + port;
    }
  }

  public SequencerConfig {
    Objects.requireNonNull(peerId, "peerId");
    peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
    Objects.requireNonNull(groupName, "groupName");
    Objects.requireNonNull(storageDir, "storageDir");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    if (peers.stream().noneMatch(p -> p.id().equals(peerId))) {
      throw new IllegalArgumentException("peerId: '" + peerId + "' is not among peers " + peers);
    }
    if (peers.stream().map(Peer::id).distinct().count() != peers.size()) {
      throw new IllegalArgumentException("peers: ids must be distinct, got " + peers);
    }
    if (maxBatchPayloads < 1) {
      throw new IllegalArgumentException("maxBatchPayloads: must be at least 1, got " + maxBatchPayloads);
    }
    if (maxBatchBytes < 1024) {
      throw new IllegalArgumentException("maxBatchBytes: must be at least 1024, got " + maxBatchBytes);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: must be at least 1, got " + maxInFlight);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout: must be positive, got " + requestTimeout);
    }
  }

  /** A single-peer log with default batching, as the embedded default uses. */
  public static SequencerConfig single(String peerId, String host, int port, Path storageDir) {
    return new SequencerConfig(peerId, List.of(new Peer(peerId, host, port)), "ordo", storageDir,
        512, 4 << 20, 4, Duration.ofSeconds(30));
  }

  /** The peer entry of this peer. */
  public Peer self() {
    return peers.stream().filter(p -> p.id().equals(peerId)).findFirst().orElseThrow();
  }
}
