package dev.ordo.sequencer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto.TypeCase;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Ratis properties derived from a {@link SequencerConfig}. The reasons for
 * the durability keys are given in {@link RatisSequencer}'s documentation.
 */
final class RatisSettings {
  /** Room in a Raft entry for the Ratis envelope around an encoded batch. */
  private static final int ENTRY_OVERHEAD_BYTES = 64 * 1024;
  private static final Duration MAX_ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration MAX_READ_ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  /** The pause between two attempts of a request. */
  static final Duration RETRY_SLEEP = Duration.ofMillis(50);
  private static final int FORCE_SYNC_NUM = 128;

  private final SequencerConfig config;

  RatisSettings(SequencerConfig config) {
    this.config = config;
  }

  /** The timeout of one attempt of an append; the client retries until requestTimeout. */
  Duration attemptTimeout() {
    return min(config.requestTimeout(), MAX_ATTEMPT_TIMEOUT);
  }

  /**
   * The timeout of one attempt of a read index. Short, because an attempt sent
   * to a peer that has just stopped being the leader goes unanswered (see
   * {@link RatisSequencer}); the next attempt goes to the new leader.
   */
  Duration readAttemptTimeout() {
    return min(config.requestTimeout(), MAX_READ_ATTEMPT_TIMEOUT);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /**
   * When the batcher gives up on a payload itself: the client's own retries
   * end after requestTimeout plus at most one attempt; this is a backstop.
   */
  Duration appendDeadline() {
    return config.requestTimeout().plus(attemptTimeout()).plusSeconds(1);
  }

  /** How often expired appends are looked for. */
  Duration expiryPeriod() {
    long ms = Math.max(50, Math.min(1000, config.requestTimeout().toMillis() / 4));
    return Duration.ofMillis(ms);
  }

  /** The largest Raft entry this peer may write or receive. */
  long entryLimit() {
    return (long) config.maxBatchBytes() + ENTRY_OVERHEAD_BYTES;
  }

  /**
   * The transport: Netty, whose Raft calls have no TLS in Ratis 3.3, on loopback; gRPC with mutual TLS when the
   * peers have certificates.
   */
  private void transport(RaftProperties p) {
    RaftConfigKeys.Rpc.setType(p, config.tls() == null ? SupportedRpcType.NETTY : SupportedRpcType.GRPC);
  }

  /**
   * The Ratis parameters that carry the peers' TLS material (server and clients alike), or null without TLS.
   * Every channel is mutual: a peer or client without a certificate the trusted authority signed is refused
   * during the handshake, before any Raft or admin call.
   */
  Parameters parameters() {
    SequencerConfig.PeerTls tls = config.tls();
    if (tls == null) {
      return null;
    }
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, new GrpcTlsConfig(tls.privateKey().toFile(), tls.certificate().toFile(),
        tls.trusted().toFile(), true));
    return p;
  }

  RaftProperties serverProperties() {
    RaftProperties p = new RaftProperties();
    transport(p);
    if (config.tls() == null) {
      NettyConfigKeys.Server.setHost(p, config.listenHost());
      NettyConfigKeys.Server.setPort(p, config.self().port());
    } else {
      GrpcConfigKeys.Server.setHost(p, config.listenHost());
      GrpcConfigKeys.Server.setPort(p, config.self().port());
    }
    RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));

    // Durability: see RatisSequencer. Explicit, so a change of default cannot weaken it.
    RaftServerConfigKeys.Log.setUseMemory(p, false);
    RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setAsyncFlushEnabled(p, false);
    RaftServerConfigKeys.Log.setForceSyncNum(p, FORCE_SYNC_NUM);
    RaftServerConfigKeys.Log.StateMachineData.setSync(p, true);
    RaftServerConfigKeys.Log.setCorruptionPolicy(p, RaftServerConfigKeys.Log.CorruptionPolicy.EXCEPTION);

    // Room for one entry of maxBatchBytes, and for maxInFlight of them from every peer.
    long entry = entryLimit();
    long appender = Math.max(RaftServerConfigKeys.Log.Appender.bufferByteLimit(p).getSize(), entry);
    RaftServerConfigKeys.Log.Appender.setBufferByteLimit(p, SizeInBytes.valueOf(appender));
    long writeBuffer = Math.max(RaftServerConfigKeys.Log.writeBufferSize(p).getSize(), appender + 8);
    RaftServerConfigKeys.Log.setWriteBufferSize(p, SizeInBytes.valueOf(writeBuffer));
    long segment = Math.max(RaftServerConfigKeys.Log.segmentSizeMax(p).getSize(), 2 * entry);
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(segment));
    long pending = (long) config.peers().size() * config.maxInFlight() * entry;
    if (pending > RaftServerConfigKeys.Write.byteLimit(p).getSize()) {
      RaftServerConfigKeys.Write.setByteLimit(p, SizeInBytes.valueOf(pending));
    }
    if (pending > RaftServerConfigKeys.Log.queueByteLimit(p).getSize()) {
      RaftServerConfigKeys.Log.setQueueByteLimit(p, SizeInBytes.valueOf(pending));
    }

    RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    Duration expiry = config.requestTimeout().multipliedBy(2);
    if (expiry.compareTo(Duration.ofSeconds(60)) < 0) {
      expiry = Duration.ofSeconds(60);
    }
    RaftServerConfigKeys.RetryCache.setExpiryTime(p, td(expiry));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
    return p;
  }

  /** The client that sends batches: at most maxInFlight of them are outstanding. */
  RaftProperties writeClientProperties() {
    RaftProperties p = new RaftProperties();
    transport(p);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, td(attemptTimeout()));
    RaftClientConfigKeys.Async.setOutstandingRequestsMax(p, config.maxInFlight());
    return p;
  }

  /** The client that sends read index requests, one attempt each: RatisSequencer retries them. */
  RaftProperties readClientProperties() {
    RaftProperties p = new RaftProperties();
    transport(p);
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, td(readAttemptTimeout()));
    return p;
  }

  /** Retry with the same call id every 50 ms until requestTimeout has passed since the request was made. */
  RetryPolicy writeRetryPolicy() {
    TimeDuration timeout = td(config.requestTimeout());
    RetryPolicy sleepy = RetryPolicies.retryForeverWithSleep(td(RETRY_SLEEP));
    return RequestTypeDependentRetryPolicy.newBuilder()
        .setRetryPolicy(TypeCase.WRITE, sleepy).setTimeout(TypeCase.WRITE, timeout)
        .build();
  }

  private static TimeDuration td(Duration d) {
    return TimeDuration.valueOf(d.toMillis(), TimeUnit.MILLISECONDS);
  }
}
