package dev.ordo.sequencer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.AlreadyClosedException;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.protocol.exceptions.RaftRetryFailureException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.CallId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage.StartupOption;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Sequencer} on Apache Ratis: this node's peer of a Raft group, over
 * Netty, with its log on local disk.
 *
 * <h2>Group and storage</h2>
 * The Raft group id is {@code UUID.nameUUIDFromBytes(groupName in UTF-8)}, so
 * every peer of a cluster derives the same one. The Raft server listens on
 * {@code config.self()}'s host and port and keeps its log in
 * {@code storageDir/<group uuid>/}: {@link #start} formats that directory when
 * it does not exist and recovers from it when it does (a restart resumes the
 * log; Ratis replays it into the state machine). The log is kept whole: no
 * snapshots, no purging.
 *
 * <h2>Appends</h2>
 * Concurrent appends are batched: an append to an idle peer leaves at once;
 * while up to {@code maxInFlight} Raft entries are in flight, new payloads queue
 * and leave together, up to {@code maxBatchPayloads} payloads and
 * {@code maxBatchBytes} encoded bytes per entry (see {@link BatchCodec} for the
 * encoding; a payload larger than {@code maxBatchBytes} less 9 bytes of framing
 * is refused). On a peer that leads, each batch is handed to its own Raft
 * server as a client request (no network); on any other peer it is one ordered
 * asynchronous request of a Ratis client. Either way a failed attempt is
 * retried with the same client id and call id, which the servers' retry cache
 * deduplicates, every 50 ms against the leader known then, until
 * {@code requestTimeout} has passed; then its payloads fail with a
 * {@link SequencerException}. A payload's future completes with
 * {@code LogPosition(reply log index, place in batch)} only on a reply that
 * reports success, which Ratis sends once the entry is committed and applied.
 * Append and read index futures complete on Ratis client threads or this
 * sequencer's reply thread: dependent work that blocks belongs on the caller's
 * own executor.
 *
 * <h2>Durability: the Ratis 3.3.0 keys set and why</h2>
 * In Ratis 3.3.0 a log entry counts toward commit only once it is flushed: the
 * leader counts its own {@code RaftLog.getFlushIndex()} with the followers'
 * match indexes, and a follower answers an appendEntries only when the write
 * futures of the appended entries complete, which happens when its flush index
 * passes them ({@code SegmentedRaftLogWorker}). The flush index moves past an
 * entry only after {@code FileChannel.force(false)} (fdatasync) returns, unless
 * unsafe or asynchronous flush is enabled. So an append completes only after
 * its entry is fsynced on a majority. The keys are set explicitly so that a
 * change of default cannot weaken this:
 * <ul>
 *   <li>{@code raft.server.log.use.memory = false}: the log is on disk;
 *   <li>{@code raft.server.log.unsafe-flush.enabled = false}: otherwise the
 *       flush index advances before the fsync completes;
 *   <li>{@code raft.server.log.async-flush.enabled = false}: flush on the log
 *       worker thread, in order;
 *   <li>{@code raft.server.log.force.sync.num = 128}: the most entries written
 *       without a flush while more writes are queued; it bounds a group commit
 *       and never lets an entry be acknowledged before its fsync;
 *   <li>{@code raft.server.log.statemachine.data.sync = true}: a flush waits for
 *       state-machine data (there is none here; set for safety);
 *   <li>{@code raft.server.log.corruption.policy = EXCEPTION}: a corrupt log
 *       stops the peer instead of silently truncating acknowledged entries.
 * </ul>
 * Other keys: {@code raft.server.read.option = LINEARIZABLE} (read index, also
 * on followers); the log appender buffer, write buffer, segment size and
 * pending-write limits are raised so that an entry of {@code maxBatchBytes}
 * fits; the retry cache keeps call ids for at least twice {@code requestTimeout}
 * so that retries are deduplicated; snapshots stay off.
 *
 * <h2>Reads</h2>
 * {@link #committedIndex()} is the state machine's last applied index, and
 * {@link #read} reads the Raft log of this peer directly (from its cache or from
 * disk). {@link #readIndex()} sends a linearizable read-only request to the
 * leader as this peer knows it (itself when it leads), which confirms its
 * leadership with a heartbeat round and answers with its applied index, at or
 * above its commit index when the request arrived; the caller then waits for
 * that index with {@link #awaitCommitted}. Each attempt is one request of at
 * most 2 s (Ratis does not retry it); failed attempts are retried every 50 ms,
 * against the leader known then, until {@code requestTimeout}.
 *
 * <p>Why not a read index computed by a follower: Ratis 3.3.0 runs the
 * follower side of its read index protocol over {@code
 * RaftServerAsynchronousProtocol}, which its Netty transport does not
 * implement ({@code UnsupportedOperationException} in the server's channel
 * handler): a LINEARIZABLE read that reaches a follower is never answered. So
 * reads are never sent to "whoever the client believes leads"; an attempt
 * that reaches a peer that has just lost the leadership times out, and the
 * next one goes to the new leader.
 */
public final class RatisSequencer implements Sequencer {
  private static final Logger LOG = LoggerFactory.getLogger(RatisSequencer.class);

  /** How long {@link #close()} waits for the Raft server to stop. */
  private static final Duration SERVER_CLOSE_WAIT = Duration.ofSeconds(20);

  private final SequencerConfig config;
  private final LogStateMachine stateMachine;
  private final RaftServer server;
  private final RaftServer.Division division;
  private final RaftClient writeClient;
  private final RaftClient readClient;
  private final AppendBatcher batcher;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final RatisSettings settings;
  /** The client id of the requests this peer hands to its own server (see {@link #sendBatch}). */
  private final ClientId localClientId = ClientId.randomId();
  /** Completes the appends this peer sent itself, in the order their replies came. */
  private final java.util.concurrent.ExecutorService replies;
  /** Read index calls not yet answered: failed by {@link #close()}, whose timer would drop their retries. */
  private final Set<CompletableFuture<Long>> pendingReads = ConcurrentHashMap.newKeySet();

  private RatisSequencer(SequencerConfig config, RatisSettings settings, LogStateMachine stateMachine,
      RaftServer server, RaftServer.Division division, RaftClient writeClient, RaftClient readClient) {
    this.config = config;
    this.stateMachine = stateMachine;
    this.server = server;
    this.division = division;
    this.writeClient = writeClient;
    this.readClient = readClient;
    this.settings = settings;
    this.replies = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform()
        .daemon().name("ordo-sequencer-" + config.peerId() + "-replies").unstarted(r));
    this.batcher = new AppendBatcher(config.peerId(), config.maxBatchPayloads(), config.maxBatchBytes(),
        config.maxInFlight(), settings.appendDeadline(), this::sendBatch, System::nanoTime);
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
        .daemon().name("ordo-sequencer-" + config.peerId() + "-timer").unstarted(r));
    long period = settings.expiryPeriod().toMillis();
    timer.scheduleWithFixedDelay(batcher::expire, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts this peer's Raft server and returns once it is running; it does not
   * wait for a leader.
   *
   * @throws SequencerException if the storage cannot be prepared or the server
   *     cannot start (the message names the peer, the address and the directory)
   */
  public static RatisSequencer start(SequencerConfig config) throws SequencerException {
    return start(config, properties -> {});
  }

  /** {@link #start(SequencerConfig)} with extra server properties, for tests. */
  static RatisSequencer start(SequencerConfig config, Consumer<RaftProperties> serverTuning)
      throws SequencerException {
    Objects.requireNonNull(config, "config");
    try {
      config.requireLoopbackOrTls();
    } catch (IllegalArgumentException e) {
      throw new SequencerException(e.getMessage(), e);
    }
    RatisSettings settings = new RatisSettings(config);
    RaftGroupId groupId = groupId(config.groupName());
    List<RaftPeer> peers = new ArrayList<>();
    for (SequencerConfig.Peer p : config.peers()) {
      peers.add(RaftPeer.newBuilder().setId(p.id()).setAddress(address(p)).build());
    }
    RaftGroup group = RaftGroup.valueOf(groupId, peers);
    RaftPeerId selfId = RaftPeerId.valueOf(config.peerId());
    String where = config.peerId() + " (" + address(config.self()) + ", storage " + config.storageDir() + ")";

    Path groupDir = config.storageDir().resolve(groupId.getUuid().toString());
    StartupOption option;
    try {
      PrivateDirectories.create(config.storageDir());
      option = Files.isDirectory(groupDir) ? StartupOption.RECOVER : StartupOption.FORMAT;
    } catch (IOException e) {
      throw new SequencerException(config.peerId() + ": cannot create storage directory "
          + config.storageDir() + ": " + e, e);
    }
    RaftProperties properties = settings.serverProperties();
    serverTuning.accept(properties);
    LOG.info("{}: starting Raft peer of group '{}' ({}) at {} (listening on {}, {}), peers {}, {} {}, batches of"
            + " at most {} payloads / {} bytes, {} in flight, request timeout {}",
        config.peerId(), config.groupName(), groupId.getUuid(), address(config.self()), config.listenHost(),
        config.tls() == null ? "Netty, no TLS" : "gRPC, mutual TLS with " + config.tls().trusted(), config.peers(),
        option == StartupOption.FORMAT ? "formatting" : "recovering", groupDir,
        config.maxBatchPayloads(), config.maxBatchBytes(), config.maxInFlight(), config.requestTimeout());

    LogStateMachine stateMachine = new LogStateMachine(config.peerId(), groupId.getUuid());
    RaftServer server = null;
    RaftClient writeClient = null;
    RaftClient readClient = null;
    try {
      server = RaftServer.newBuilder().setServerId(selfId).setGroup(group).setStateMachine(stateMachine)
          .setProperties(properties).setParameters(settings.parameters()).setOption(option).build();
      server.start();
      RaftServer.Division division = server.getDivision(groupId);
      writeClient = newClient(group, settings.writeClientProperties(), settings.parameters(),
          settings.writeRetryPolicy());
      readClient = newClient(group, settings.readClientProperties(), settings.parameters(), RetryPolicies.noRetry());
      return new RatisSequencer(config, settings, stateMachine, server, division, writeClient, readClient);
    } catch (IOException | RuntimeException e) {
      closeQuietly(config.peerId(), writeClient);
      closeQuietly(config.peerId(), readClient);
      closeQuietly(config.peerId(), server);
      throw new SequencerException(where + ": cannot start the Raft peer: " + e, e);
    }
  }

  private static RaftClient newClient(RaftGroup group, RaftProperties properties, Parameters parameters,
      RetryPolicy retryPolicy) {
    return RaftClient.newBuilder().setClientId(ClientId.randomId()).setRaftGroup(group)
        .setProperties(properties).setParameters(parameters).setRetryPolicy(retryPolicy).build();
  }

  /** The Raft group id of a group name: the same on every peer. */
  static RaftGroupId groupId(String groupName) {
    return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(groupName.getBytes(StandardCharsets.UTF_8)));
  }

  private static String address(SequencerConfig.Peer p) {
    String host = p.host().contains(":") && !p.host().startsWith("[") ? "[" + p.host() + "]" : p.host();
    return host + ":" + p.port();
  }

  @Override
  public String peerId() {
    return config.peerId();
  }

  @Override
  public CompletableFuture<LogPosition> append(byte[] payload) {
    return batcher.append(payload);
  }

  /**
   * Sends one batch. While this peer leads (or no leader is known yet), the request goes straight to its own
   * Raft server, which saves the client's two trips over the loopback: about 40 % of an append with one peer
   * (0.45 instead of 0.75 ms at p50 here). If that attempt fails (this peer stopped leading, or is not ready
   * yet), the same request, with the same client id and call id, is sent on to the leader by {@link #resend},
   * so the retry cache counts it once however often it is sent. When another peer is known to lead, the write
   * client sends it as before.
   */
  private CompletableFuture<Long> sendBatch(byte[] batch) {
    java.time.Instant now = java.time.Instant.now();
    BatchCodec.stampTime(batch, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    BatchCodec.stampCluster(batch, division.getGroup().getGroupId().getUuid());
    Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(batch));
    RaftPeerId leader = division.getInfo().getLeaderId();
    if (!division.getInfo().isLeader() && leader != null && !leader.equals(server.getId())) {
      return writeClient.async().send(message)
          .handle((reply, error) -> successful("append", reply, error).getLogIndex());
    }
    // This peer leads, or no leader is known yet (at start, during an election): this peer's own server answers
    // at once (NotLeader, LeaderNotReady) and the attempts go on to the leader once one is known. (The write
    // client's ordered requests sent before the first election were seen never to complete.)
    RaftClientRequest request = RaftClientRequest.newBuilder()
        .setClientId(localClientId).setServerId(server.getId()).setGroupId(division.getGroup().getGroupId())
        .setCallId(CallId.getAndIncrement()).setMessage(message)
        .setType(RaftClientRequest.writeRequestType()).build();
    CompletableFuture<Long> result = new CompletableFuture<>();
    attempt(request, server.getId(), System.nanoTime() + config.requestTimeout().toNanos(), result);
    return result;
  }

  /**
   * One attempt of a request this peer made itself (see {@link #sendBatch}): to its own server when
   * {@code target} is this peer, else over the write client's RPC. The reply is handed to
   * {@link #replies}: a server's reply completes on the thread that applied the entry, which must not
   * run the caller's work.
   */
  private void attempt(RaftClientRequest first, RaftPeerId target, long deadline, CompletableFuture<Long> result) {
    RaftClientRequest request = target.equals(first.getServerId()) ? first
        : RaftClientRequest.newBuilder().set(first).setServerId(target).build();
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = target.equals(server.getId()) ? server.submitClientRequestAsync(request)
          : writeClient.getClientRpc().sendRequestAsync(request);
    } catch (IOException | RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.orTimeout(settings.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenCompleteAsync((r, error) -> {
          if (error == null && r != null && r.isSuccess()) {
            result.complete(r.getLogIndex());
          } else {
            resend(first, r, error, deadline, result);
          }
        }, replies);
  }

  /** After a failed attempt: again, to the leader as the reply or this peer knows it, every 50 ms until the deadline. */
  private void resend(RaftClientRequest first, RaftClientReply reply, Throwable error, long deadline,
      CompletableFuture<Long> result) {
    Throwable e = error != null ? unwrap(error) : reply == null ? new IllegalStateException("no reply")
        : reply.getException() != null ? reply.getException() : new IllegalStateException("unsuccessful reply " + reply);
    if (closed.get() || System.nanoTime() - deadline >= 0) {
      result.completeExceptionally(closed.get() ? failure("append", e) : new SequencerException(peerId()
          + ": append not done within " + config.requestTimeout() + ": no leader, or the leader is unreachable"
          + " (timeout; leader known here: " + leaderId() + "; the append may still commit; last error: " + e + ")", e));
      return;
    }
    RaftPeerId next = e instanceof NotLeaderException nle && nle.getSuggestedLeader() != null
        ? nle.getSuggestedLeader().getId() : division.getInfo().getLeaderId();
    RaftPeerId target = next != null ? next : server.getId();
    try {
      timer.schedule(() -> attempt(first, target, deadline, result),
          RatisSettings.RETRY_SLEEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closedMeanwhile) {
      result.completeExceptionally(failure("append", new AlreadyClosedException("closed")));
    }
  }

  /** The reply if it reports success; otherwise throws a CompletionException with a SequencerException. */
  private RaftClientReply successful(String what, RaftClientReply reply, Throwable error) {
    Throwable e = error;
    if (e == null && reply == null) {
      e = new IllegalStateException("no reply");
    } else if (e == null && !reply.isSuccess()) {
      e = reply.getException() != null ? reply.getException()
          : new IllegalStateException("unsuccessful reply " + reply);
    }
    if (e != null) {
      throw new CompletionException(failure(what, e));
    }
    return reply;
  }

  @Override
  public CompletableFuture<Long> readIndex() {
    if (config.peers().size() == 1 && !closed.get() && division.getInfo().isLeaderReady()) {
      // A group of one peer has no other leader to be overtaken by. Once it leads and is ready (it applied
      // the first entry of its term, so every entry of earlier terms too, as after a restart), and since an
      // append completes only after this peer applied its entry, the applied index is at or above every
      // entry whose append completed before this call. No request, no network; until then, the read index
      // protocol below.
      return CompletableFuture.completedFuture(stateMachine.lastApplied());
    }
    CompletableFuture<Long> result = new CompletableFuture<>();
    pendingReads.add(result);
    result.whenComplete((index, error) -> pendingReads.remove(result));
    if (closed.get()) { // close() may have swept pendingReads before the add
      result.completeExceptionally(failure("read index", new AlreadyClosedException("closed")));
    }
    readIndexAttempt(result, System.nanoTime() + config.requestTimeout().toNanos(), null);
    return result;
  }

  /**
   * One attempt: a linearizable read-only request to the leader as this peer
   * knows it, never to "whoever the client thinks leads": a LINEARIZABLE read
   * that reaches a follower goes unanswered over Netty in Ratis 3.3.0.
   */
  private void readIndexAttempt(CompletableFuture<Long> result, long deadline, Throwable lastError) {
    if (result.isDone()) {
      return;
    }
    if (closed.get()) {
      result.completeExceptionally(failure("read index", new AlreadyClosedException("closed")));
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      result.completeExceptionally(new SequencerException(peerId() + ": read index not done within "
          + config.requestTimeout() + ": no leader, or the leader is unreachable (timeout; leader known here: "
          + leaderId() + "; last error: " + lastError + ")", lastError));
      return;
    }
    RaftPeerId leader = division.getInfo().getLeaderId();
    if (leader == null) {
      retryReadIndex(result, deadline, new IllegalStateException("no leader known"));
      return;
    }
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = readClient.async().sendReadOnly(Message.EMPTY, leader);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((r, error) -> {
      if (error == null && r != null && r.isSuccess()) {
        try {
          result.complete(LogStateMachine.decodeIndex(r.getMessage().getContent()));
        } catch (RuntimeException e) {
          result.completeExceptionally(failure("read index", e));
        }
        return;
      }
      Throwable e = error != null ? error : r == null ? new IllegalStateException("no reply") : r.getException();
      retryReadIndex(result, deadline, unwrap(e != null ? e : new IllegalStateException("unsuccessful reply " + r)));
    });
  }

  private void retryReadIndex(CompletableFuture<Long> result, long deadline, Throwable lastError) {
    try {
      timer.schedule(() -> readIndexAttempt(result, deadline, lastError),
          RatisSettings.RETRY_SLEEP.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) { // closed meanwhile
      result.completeExceptionally(failure("read index", new AlreadyClosedException("closed")));
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** A SequencerException that names this peer and says what went wrong. */
  private SequencerException failure(String what, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof SequencerException se) {
      return se;
    }
    String mayCommit = what.equals("append") ? "; the append may still commit" : "";
    if (closed.get() || e instanceof AlreadyClosedException) {
      return new SequencerException(peerId() + ": " + what + " failed: the sequencer is closed" + mayCommit, e);
    }
    if (e instanceof RaftRetryFailureException) {
      return new SequencerException(peerId() + ": " + what + " not done within " + config.requestTimeout()
          + ": no leader, or the leader is unreachable (timeout; leader known here: " + leaderId()
          + mayCommit + "): " + e.getMessage(), e);
    }
    return new SequencerException(peerId() + ": " + what + " failed (leader known here: " + leaderId()
        + mayCommit + "): " + e, e);
  }

  @Override
  public long committedIndex() {
    return stateMachine.lastApplied();
  }

  @Override
  public boolean awaitCommitted(long index, Duration timeout) throws InterruptedException {
    return stateMachine.awaitApplied(index, timeout.toNanos());
  }

  @Override
  public LogChunk read(long fromIndex, int maxIndexes) throws SequencerException {
    checkRead(fromIndex, maxIndexes);
    long last = Math.min(committedIndex(), lastOf(fromIndex, maxIndexes));
    List<LogEntry> entries = new ArrayList<>();
    for (long i = fromIndex; i <= last; i++) {
      LogEntryProto entry = entryAt(i);
      List<byte[]> payloads = payloads(entry);
      long time = stateMachine.timeOf(i);
      addEntries(entries, i, payloads, time);
    }
    return new LogChunk(entries, Math.max(fromIndex, last + 1));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: committed entries are read as {@link #read} does; above the
   * committed index, while this peer leads, the entries of its own Raft log up to
   * its last index (Ratis appends them right after {@code preAppendTransaction}),
   * with the log time computed from the state machine's chain of times and every
   * batch between the last stamped one and the entry.
   */
  @Override
  public OrderedChunk readOrdered(long fromIndex, int maxIndexes) throws SequencerException {
    long generation = stateMachine.generation();
    long committed = committedIndex();
    if (!division.getInfo().isLeader() || stateMachine.generation() != generation) {
      return OrderedChunk.committed(read(fromIndex, maxIndexes), generation);
    }
    checkRead(fromIndex, maxIndexes);
    RaftLog log = division.getRaftLog();
    long last = Math.min(log.getLastEntryTermIndex() == null ? 0 : log.getLastEntryTermIndex().getIndex(),
        lastOf(fromIndex, maxIndexes));
    List<LogEntry> entries = new ArrayList<>();
    long firstOrdered = Math.max(fromIndex, committed + 1);
    List<Long> terms = new ArrayList<>();
    LogStateMachine.Chain chain = stateMachine.chain();
    // The chain of times runs from the last stamped batch; the batches between it and fromIndex only move it.
    // Where an earlier call of this generation left the chain after an index at or above it, go on from there
    // instead of reading that part of the log again.
    long start = Math.min(fromIndex, Math.max(chain.index() + 1, 1));
    orderedChains.headMap(chain.index(), false).clear(); // the state machine's times cover those
    Map.Entry<Long, OrderedChain> known = orderedChains.floorEntry(fromIndex - 1);
    if (known != null && known.getValue().generation() == generation && known.getKey() >= chain.index()
        && known.getKey() + 1 > start) {
      chain = known.getValue().chain();
      start = known.getKey() + 1;
    }
    long[] time = new long[1];
    long end = Math.max(fromIndex, start) - 1;
    for (long i = start; i <= last; i++) {
      LogEntryProto entry;
      try {
        entry = log.get(i);
      } catch (IOException e) {
        throw new SequencerException(peerId() + ": cannot read Raft index " + i + " from the log: " + e, e);
      }
      if (entry == null || entry.getIndex() != i) {
        break; // truncated meanwhile: the generation says so; stop here
      }
      List<byte[]> payloads = payloads(entry);
      long t;
      if (i <= chain.index()) {
        t = stateMachine.timeOf(i);
      } else {
        BatchCodec.Header h = entry.hasStateMachineLogEntry()
            ? headerOf(entry) : null;
        chain = h == null ? chain : chain.next(i, h, time);
        t = h == null ? 0 : time[0];
      }
      if (i < fromIndex) {
        continue;
      }
      if (i >= firstOrdered) {
        terms.add(entry.getTerm());
      }
      addEntries(entries, i, payloads, t);
      end = i;
    }
    if (stateMachine.generation() != generation) {
      // Leadership moved while reading: what was read above the committed index may not be this log any more.
      orderedChains.clear();
      return OrderedChunk.committed(read(fromIndex, maxIndexes), stateMachine.generation());
    }
    if (end >= fromIndex && end > committed) {
      orderedChains.put(end, new OrderedChain(generation, chain));
    }
    long next = Math.max(fromIndex, end + 1);
    if (next <= firstOrdered) {
      return new OrderedChunk(entries, next, generation, next, new long[0]);
    }
    long[] t = new long[terms.size()];
    for (int k = 0; k < t.length; k++) {
      t[k] = terms.get(k);
    }
    return new OrderedChunk(entries, next, generation, firstOrdered, t);
  }

  /**
   * The chain of log times after an ordered index of this peer's own log, read in {@code generation}: within
   * one generation the leader's log above the committed index only grows, so the chain after an index stays
   * what it was.
   */
  private record OrderedChain(long generation, LogStateMachine.Chain chain) {}

  /** Chains after the last index of recent {@link #readOrdered} calls (one per reading replica), by index. */
  private final java.util.concurrent.ConcurrentSkipListMap<Long, OrderedChain> orderedChains =
      new java.util.concurrent.ConcurrentSkipListMap<>();

  private static BatchCodec.Header headerOf(LogEntryProto entry) {
    try {
      return BatchCodec.header(entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer());
    } catch (IllegalArgumentException e) {
      return null; // not an Ordo batch: stamp() ignores it too, and decoding reports it
    }
  }

  @Override
  public long orderedIndex() {
    if (!division.getInfo().isLeader()) {
      return committedIndex();
    }
    org.apache.ratis.server.protocol.TermIndex last = division.getRaftLog().getLastEntryTermIndex();
    return Math.max(committedIndex(), last == null ? 0 : last.getIndex());
  }

  @Override
  public boolean awaitOrdered(long index, long committed, Duration timeout) throws InterruptedException {
    return stateMachine.awaitProgress(() -> committedIndex() >= committed || orderedIndex() >= index,
        timeout.toNanos());
  }

  @Override
  public long generation() {
    return stateMachine.generation();
  }

  @Override
  public long committedTerm(long index) {
    if (index < 1 || index > committedIndex()) {
      return -1;
    }
    org.apache.ratis.server.protocol.TermIndex ti = division.getRaftLog().getTermIndex(index);
    return ti == null ? -1 : ti.getTerm();
  }

  private void checkRead(long fromIndex, int maxIndexes) throws SequencerException {
    if (fromIndex < 1) {
      throw new IllegalArgumentException("fromIndex: must be at least 1, got " + fromIndex);
    }
    if (maxIndexes < 1) {
      throw new IllegalArgumentException("maxIndexes: must be at least 1, got " + maxIndexes);
    }
    if (closed.get()) {
      throw new SequencerException(peerId() + ": cannot read: the sequencer is closed");
    }
  }

  private static long lastOf(long fromIndex, int maxIndexes) {
    return fromIndex + Math.min(maxIndexes - 1L, Long.MAX_VALUE - fromIndex);
  }

  private LogEntryProto entryAt(long i) throws SequencerException {
    RaftLog log = division.getRaftLog();
    LogEntryProto entry;
    try {
      entry = log.get(i);
    } catch (IOException e) {
      throw new SequencerException(peerId() + ": cannot read Raft index " + i + " from the log: " + e, e);
    }
    if (entry == null) {
      throw new SequencerException(peerId() + ": Raft index " + i + " is not in the log (it starts at "
          + log.getStartIndex() + ", committed " + committedIndex() + ")");
    }
    if (entry.getIndex() != i) {
      // Never trust a position the entry does not carry itself: a payload read twice would run twice.
      throw new SequencerException(peerId() + ": reading Raft index " + i + " returned the entry of index "
          + entry.getIndex() + " (term " + entry.getTerm() + "); the log cache or file disagrees with its index");
    }
    return entry;
  }

  /** The payloads of a Raft entry: none for leader no-ops, configuration and metadata entries. */
  private List<byte[]> payloads(LogEntryProto entry) throws SequencerException {
    if (!entry.hasStateMachineLogEntry()) {
      return List.of();
    }
    try {
      java.nio.ByteBuffer data = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
      java.util.UUID cluster = BatchCodec.header(data).cluster();
      java.util.UUID ours = division.getGroup().getGroupId().getUuid();
      if (cluster != null && !cluster.equals(ours)) {
        throw new IllegalArgumentException("it belongs to cluster " + cluster + ", not to this one (" + ours + ")");
      }
      return BatchCodec.decode(data);
    } catch (IllegalArgumentException e) {
      throw new SequencerException(peerId() + ": Raft index " + entry.getIndex() + " does not hold an Ordo batch: "
          + e.getMessage(), e);
    }
  }

  private static void addEntries(List<LogEntry> entries, long index, List<byte[]> payloads, long time) {
    for (int sub = 0; sub < payloads.size(); sub++) {
      entries.add(new LogEntry(new LogPosition(index, sub), payloads.get(sub), time == 0 ? 0 : time + sub));
    }
  }

  @Override
  public String leaderId() {
    RaftPeerId leader = division.getInfo().getLeaderId();
    return leader == null ? null : leader.toString();
  }

  /**
   * Stops this peer: fails queued and in-flight appends and pending read
   * indexes, closes the clients, then the Raft server (which releases
   * {@link #awaitCommitted} waiters). Waits at most 20 s for the server to
   * stop, then returns with a warning. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("{}: closing (committed index {})", peerId(), committedIndex());
    batcher.close();
    timer.shutdownNow();
    SequencerException closedFailure = failure("read index", new AlreadyClosedException("closed"));
    pendingReads.forEach(f -> f.completeExceptionally(closedFailure));
    closeQuietly(peerId(), writeClient);
    closeQuietly(peerId(), readClient);
    Thread closer = Thread.ofPlatform().daemon().name("ordo-sequencer-" + peerId() + "-close")
        .start(() -> closeQuietly(peerId(), server));
    try {
      if (!closer.join(SERVER_CLOSE_WAIT)) {
        LOG.warn("{}: the Raft server did not stop within {}; returning anyway", peerId(), SERVER_CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("{}: interrupted while waiting for the Raft server to stop", peerId());
    }
    replies.shutdown();
    LOG.info("{}: closed", peerId());
  }

  private static void closeQuietly(String peerId, AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("{}: closing {} failed: {}", peerId, c.getClass().getSimpleName(), e.toString());
    }
  }

  @Override
  public String toString() {
    return "RatisSequencer[" + peerId() + ", committed " + committedIndex() + ", leader " + leaderId() + "]";
  }
}
