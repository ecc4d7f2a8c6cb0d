package dev.ordo.sequencer;

import static dev.ordo.sequencer.SequencerTestSupport.HOST;
import static dev.ordo.sequencer.SequencerTestSupport.awaitLeader;
import static dev.ordo.sequencer.SequencerTestSupport.bytes;
import static dev.ordo.sequencer.SequencerTestSupport.config;
import static dev.ordo.sequencer.SequencerTestSupport.freePorts;
import static dev.ordo.sequencer.SequencerTestSupport.peers;
import static dev.ordo.sequencer.SequencerTestSupport.readAll;
import static dev.ordo.sequencer.SequencerTestSupport.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that authenticate each other with mutual TLS form a working log, and nothing without a certificate of
 * the cluster's authority gets an entry appended or an admin call served: not a client without TLS (Netty or
 * gRPC), not one whose certificate another authority signed (whether or not it trusts the cluster's), not raw
 * bytes on the port; and even a holder of a peer's certificate gets no malformed batch into the log. A peer
 * refuses to listen beyond loopback without TLS.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PeerTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private final List<RatisSequencer> live = new ArrayList<>();

  @AfterEach
  void closeAll() {
    live.forEach(RatisSequencer::close);
  }

  @Test
  void onlyPeersOfTheClusterAuthorityAreServed() throws Exception {
    List<SequencerConfig.Peer> peers = peers(freePorts(3));
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    peers.forEach(p -> hosts.put(p.id(), List.of(HOST)));
    Map<String, SequencerConfig.PeerTls> tls = PeerCertificates.create(dir.resolve("certs"), hosts,
        Duration.ofDays(1));
    // Another cluster's authority, with a certificate for a peer of the same name and address.
    SequencerConfig.PeerTls rogue = PeerCertificates.create(dir.resolve("rogue"), Map.of("p1", List.of(HOST)),
        Duration.ofDays(1)).get("p1");
    for (SequencerConfig.Peer p : peers) {
      live.add(RatisSequencer.start(config(p.id(), peers, dir.resolve(p.id())).withTls(tls.get(p.id()))));
    }
    String leaderId = awaitLeaderOrFail();
    RatisSequencer leader = live.stream().filter(s -> s.peerId().equals(leaderId)).findFirst().orElseThrow();
    for (int i = 0; i < 10; i++) {
      leader.append(bytes("ours-" + i)).get(20, TimeUnit.SECONDS);
    }
    long committed = leader.committedIndex();
    for (RatisSequencer s : live) {
      assertTrue(s.awaitCommitted(committed, WAIT), s.peerId() + " has the log over TLS");
    }

    RaftGroup group = RaftGroup.valueOf(RatisSequencer.groupId("ordo-test"), peers.stream()
        .map(p -> RaftPeer.newBuilder().setId(p.id()).setAddress(p.host() + ":" + p.port()).build()).toList());
    // The same client code with a peer's own certificate is served: the refusals below are the certificates'.
    SequencerConfig.PeerTls own = tls.get("p2");
    GrpcTlsConfig ownTls = new GrpcTlsConfig(own.privateKey().toFile(), own.certificate().toFile(),
        own.trusted().toFile(), true);
    assertEquals("appended", attack(group, SupportedRpcType.GRPC, ownTls, "control", true));
    // Even a peer's certificate does not get bytes that are not a well-formed batch into the log.
    assertEquals("refused", attack(group, SupportedRpcType.GRPC, ownTls, "attack: raw bytes", true, true));
    // Nor a batch that names another cluster.
    assertEquals("refused", attack(group, SupportedRpcType.GRPC, ownTls, "attack: batch of another cluster", true));
    assertEquals("refused", attack(group, SupportedRpcType.NETTY, null, "attack: netty, no TLS", false));
    assertEquals("refused", attack(group, SupportedRpcType.GRPC, null, "attack: gRPC, no TLS", false));
    assertEquals("refused", attack(group, SupportedRpcType.GRPC, new GrpcTlsConfig(rogue.privateKey().toFile(),
        rogue.certificate().toFile(), rogue.trusted().toFile(), true), "attack: another authority", false));
    // Trusts the cluster's authority (so it accepts the peers), but its own certificate is another's.
    assertEquals("refused", attack(group, SupportedRpcType.GRPC, new GrpcTlsConfig(rogue.privateKey().toFile(),
        rogue.certificate().toFile(), own.trusted().toFile(), true), "attack: trusting, foreign certificate",
        false));
    Random random = new Random(7);
    for (SequencerConfig.Peer p : peers) {
      try (Socket s = new Socket(p.host(), p.port()); OutputStream out = s.getOutputStream()) {
        byte[] junk = new byte[64 * 1024];
        random.nextBytes(junk);
        out.write(junk);
        out.flush();
      } catch (java.io.IOException closedByPeer) {
        // The peer may close the connection before everything is written.
      }
    }

    // The log goes on, with our entries only, and the membership is unchanged.
    String leaderAfter = awaitLeaderOrFail();
    leader = live.stream().filter(s -> s.peerId().equals(leaderAfter)).findFirst().orElseThrow();
    LogPosition after = leader.append(bytes("ours-after")).get(20, TimeUnit.SECONDS);
    List<String> payloads = new ArrayList<>();
    for (LogEntry e : readAll(leader, after.index(), 100)) {
      payloads.add(string(e.payload()));
    }
    assertTrue(payloads.stream().noneMatch(p -> p.contains("attack")), payloads.toString());
    assertTrue(payloads.contains("control") && payloads.contains("ours-after"), payloads.toString());
    for (RatisSequencer s : live) {
      assertTrue(s.awaitCommitted(after.index(), WAIT), s.peerId() + " is still a member and has the log");
    }
  }

  @Test
  void aPeerListeningBeyondLoopbackWithoutTlsDoesNotStart() {
    List<SequencerConfig.Peer> peers = peers(freePorts(1));
    SequencerConfig open = config("p1", peers, dir.resolve("open")).withBindHost("0.0.0.0");
    SequencerException e = assertThrows(SequencerException.class, () -> live.add(RatisSequencer.start(open)));
    assertTrue(e.getMessage().contains("0.0.0.0") && e.getMessage().contains("--peer-cert"), e.getMessage());
  }

  private String awaitLeaderOrFail() throws InterruptedException {
    String leader = awaitLeader(live, WAIT);
    assertTrue(leader != null, "a leader over TLS");
    return leader;
  }

  /**
   * Appends {@code payload} (in a well-formed batch of the group's cluster, or of another when the payload says
   * "another cluster") through a Ratis client of the given transport and TLS (trying every peer for the
   * leader), then, unless {@code control}, asks for a membership change: "refused" if nothing was served.
   */
  private static String attack(RaftGroup group, SupportedRpcType type, GrpcTlsConfig tls, String payload,
      boolean control) {
    return attack(group, type, tls, payload, control, false);
  }

  /** As above; {@code raw}: the payload's bytes alone, not in a batch. */
  private static String attack(RaftGroup group, SupportedRpcType type, GrpcTlsConfig tls, String payload,
      boolean control, boolean raw) {
    RaftProperties p = new RaftProperties();
    RaftConfigKeys.Rpc.setType(p, type);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
    Parameters parameters = null;
    if (tls != null) {
      parameters = new Parameters();
      GrpcConfigKeys.TLS.setConf(parameters, tls);
    }
    try (RaftClient client = RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group)
        .setProperties(p).setParameters(parameters)
        .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(6,
            TimeDuration.valueOf(200, TimeUnit.MILLISECONDS))).build()) {
      try {
        byte[] bytes = raw ? bytes(payload) : BatchCodec.encode(List.of(bytes(payload)));
        if (!raw) {
          BatchCodec.stampCluster(bytes, payload.contains("another cluster")
              ? RatisSequencer.groupId("another").getUuid() : group.getGroupId().getUuid());
        }
        if (client.async().send(Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString
            .copyFrom(bytes))).get(20, TimeUnit.SECONDS).isSuccess()) {
          return "appended";
        }
      } catch (Exception refused) {
        // expected of an outsider
      }
      if (!control) {
        try {
          if (client.admin().setConfiguration(List.of(group.getPeers().iterator().next())).isSuccess()) {
            return "membership changed";
          }
        } catch (Exception refused) {
          // expected
        }
      }
      return "refused";
    } catch (Exception closing) {
      return "refused";
    }
  }
}
