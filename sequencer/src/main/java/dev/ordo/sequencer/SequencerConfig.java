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
 * @param bindHost the address this peer's Raft endpoint listens on, or null for the host of its own entry in
 *     {@code peers} (which is what the other peers connect to)
 * @param tls the certificates with which peers authenticate each other, or null for none (then the Raft
 *     endpoint must listen on loopback only: see {@link #requireLoopbackOrTls})
 */
public record SequencerConfig(
    String peerId,
    List<Peer> peers,
    String groupName,
    Path storageDir,
    int maxBatchPayloads,
    int maxBatchBytes,
    int maxInFlight,
    Duration requestTimeout,
    String bindHost,
    PeerTls tls) {

  /**
   * Mutual TLS between peers: each peer presents its certificate and accepts only peers (and clients) whose
   * certificate the trusted authority signed. PEM files; the key unencrypted PKCS#8 ({@code ordo certs} writes
   * all three).
   *
   * @param certificate this peer's certificate chain; its subject alternative names must hold the host the
   *     other peers reach it by
   * @param privateKey this peer's private key
   * @param trusted the certificate authority (or authorities) whose peers are accepted
   */
  public record PeerTls(Path certificate, Path privateKey, Path trusted) {
    public PeerTls {
      Objects.requireNonNull(certificate, "peer certificate");
      Objects.requireNonNull(privateKey, "peer private key");
      Objects.requireNonNull(trusted, "trusted certificate authority");
    }
  }

  /** Without a separate bind address or TLS. */
  public SequencerConfig(String peerId, List<Peer> peers, String groupName, Path storageDir, int maxBatchPayloads,
      int maxBatchBytes, int maxInFlight, Duration requestTimeout) {
    this(peerId, peers, groupName, storageDir, maxBatchPayloads, maxBatchBytes, maxInFlight, requestTimeout,
        null, null);
  }

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
    if (maxBatchPayloads < 1 || maxBatchPayloads > LogPosition.MAX_SUB + 1) {
      throw new IllegalArgumentException("maxBatchPayloads: must be between 1 and " + (LogPosition.MAX_SUB + 1)
          + ", got " + maxBatchPayloads);
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

  /** The address the Raft endpoint listens on. */
  public String listenHost() {
    return bindHost != null ? bindHost : self().host();
  }

  /** This configuration listening on {@code host}. */
  public SequencerConfig withBindHost(String host) {
    return new SequencerConfig(peerId, peers, groupName, storageDir, maxBatchPayloads, maxBatchBytes, maxInFlight,
        requestTimeout, host, tls);
  }

  /** This configuration with peers authenticated by {@code newTls} (null: none). */
  public SequencerConfig withTls(PeerTls newTls) {
    return new SequencerConfig(peerId, peers, groupName, storageDir, maxBatchPayloads, maxBatchBytes, maxInFlight,
        requestTimeout, bindHost, newTls);
  }

  /**
   * Refuses a Raft endpoint reachable beyond this machine without TLS: whoever reaches it could append entries
   * that every replica runs.
   *
   * @throws IllegalArgumentException naming the address and the options that fix it
   */
  public void requireLoopbackOrTls() {
    if (tls != null) {
      return;
    }
    String host = listenHost();
    boolean loopback;
    try {
      loopback = java.net.InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalArgumentException("peer " + peerId + ": the Raft endpoint would listen on " + host
          + " without TLS, and whoever reaches it could append entries every replica runs; give the peers"
          + " certificates (--peer-cert, --peer-key, --peer-ca; 'ordo certs' makes them), or listen on"
          + " loopback (--raft-bind 127.0.0.1)");
    }
  }
}
