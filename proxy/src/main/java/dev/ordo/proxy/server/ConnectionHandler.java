package dev.ordo.proxy.server;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.Response;
import dev.ordo.proxy.session.Session;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Coordinator;
import dev.ordo.proxy.txn.Stages;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import dev.ordo.driver.wire.Scram;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: checks the hello (magic, version, database,
 * credentials), then runs the session's requests one at a time, in order, on
 * virtual threads. Malformed bytes close this connection and nothing else.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<Request> {
  private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);
  private static final AtomicLong SESSION_IDS = new AtomicLong();

  private final ServerSettings settings;
  private final Analyzer analyzer;
  private final Coordinator coordinator;
  private final ExecutorService executor;
  private final ReentrantLock queueLock = new ReentrantLock();
  /** A request and when it was decoded (System.nanoTime), for the node's stage times. */
  private record Queued(Request request, long receivedNanos) {}

  /**
   * Requests a client may have sent ahead of the answers (the protocol alternates, so a driver has one): at
   * this many queued the connection stops reading until the session has worked half of them off; it also
   * stops while the answers it wrote have not left (Netty's write buffer is above its high-water mark).
   */
  static final int MAX_QUEUED = 32;

  private final Queue<Queued> queue = new ArrayDeque<>();
  /** Between the SCRAM challenge and the client's proof: the exchange, the Hello and its user (null if unknown). */
  private Scram.Server scram;
  private Request.Hello pendingHello;
  private Users.User pendingUser;
  /** Makes the salts of unknown users stable for the node's life, so they look like real users'. */
  private static final byte[] DECOY_SECRET = new java.security.SecureRandom().generateSeed(32);
  private final LoginThrottle throttle;
  private boolean draining;
  private Session session;
  private String sessionId;

  private final java.util.concurrent.ScheduledExecutorService timer;
  private final java.time.Duration handshakeTimeout;
  private final java.time.Duration idleTimeout;
  /** Closes the connection if no session is open by then: counted from the connection, not reset by bytes. */
  private io.netty.util.concurrent.ScheduledFuture<?> handshakeDeadline;

  ConnectionHandler(ServerSettings settings, Analyzer analyzer, Coordinator coordinator, ExecutorService executor,
      java.util.concurrent.ScheduledExecutorService timer, java.time.Duration handshakeTimeout,
      java.time.Duration idleTimeout, LoginThrottle throttle) {
    this.throttle = throttle;
    this.timer = timer;
    this.handshakeTimeout = handshakeTimeout;
    this.idleTimeout = idleTimeout;
    this.settings = settings;
    this.analyzer = analyzer;
    this.coordinator = coordinator;
    this.executor = executor;
  }

  /** At most one connection problem a second is logged as a warning. */
  private static final long WARNING_INTERVAL_NANOS = 1_000_000_000L;
  /** When a connection problem was last logged as a warning, and how many have been logged at debug since. */
  private static final AtomicLong LAST_WARNING = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);
  private static final AtomicLong QUIETED = new AtomicLong();

  /**
   * Logs a problem of one connection (bad bytes, failed login, no Hello in time) as a warning at most once a
   * second, saying how many were logged at debug level since: a flood of bad connections cannot flood the log.
   */
  private static void warn(String format, Object... args) {
    long now = System.nanoTime();
    long last = LAST_WARNING.get();
    if (now - last >= WARNING_INTERVAL_NANOS && LAST_WARNING.compareAndSet(last, now)) {
      long quieted = QUIETED.getAndSet(0);
      log.warn(quieted == 0 ? format : format + " (and " + quieted + " more connection problems in the last"
          + " interval, logged at debug level)", args);
    } else {
      QUIETED.incrementAndGet();
      log.debug(format, args);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    handshakeDeadline = ctx.executor().schedule(() -> {
      if (session == null && ctx.channel().isActive()) {
        warn("{}: closing connection from {}: no session opened within the handshake timeout of {}",
            settings.nodeId(), ctx.channel().remoteAddress(), handshakeTimeout);
        ctx.close();
      }
    }, handshakeTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Request msg) {
    if (session == null) {
      hello(ctx, msg);
      return;
    }
    if (msg instanceof Request.Close) {
      ctx.close();
      return;
    }
    boolean start;
    queueLock.lock();
    try {
      queue.add(new Queued(msg, System.nanoTime()));
      start = !draining;
      draining = true;
      if (queue.size() >= MAX_QUEUED) {
        ctx.channel().config().setAutoRead(false); // back-pressure: TCP holds the rest at the client
      }
    } finally {
      queueLock.unlock();
    }
    if (start) {
      executor.execute(() -> drain(ctx));
    }
  }

  private void drain(ChannelHandlerContext ctx) {
    while (true) {
      Queued queued;
      queueLock.lock();
      try {
        queued = queue.poll();
        if (queued == null) {
          draining = false;
          return;
        }
        resumeReadingIfRoom(ctx);
      } finally {
        queueLock.unlock();
      }
      Request next = queued.request();
      Response r;
      try {
        r = session.handle(next);
      } catch (RuntimeException | Error e) {
        // A defect must not leave the client waiting for an answer that never comes.
        log.error("{}: failed to handle {}", sessionId, next.getClass().getSimpleName(), e);
        r = new Response.Error(SqlState.INTERNAL_ERROR.code(), 0, "internal error on node " + settings.nodeId()
            + " while handling this request: " + e + "; the node logged the details. Retry, and report it if it "
            + "persists.", -1);
      }
      coordinator.stages().since(Stages.Stage.NODE, queued.receivedNanos());
      if (ctx.channel().isActive()) {
        ctx.writeAndFlush(r).addListener(f -> {
          if (!f.isSuccess()) {
            // An answer that cannot be sent must not leave the client waiting: close, so it sees the failure.
            log.error("{}: cannot send the answer to {}; closing the connection", sessionId,
                next.getClass().getSimpleName(), f.cause());
            ctx.close();
          }
        });
      }
    }
  }

  /**
   * Reads again once the queue is half worked off and the answers written so far have left (a client that
   * sends without reading its answers is held back too, instead of having them pile up here); queue lock held.
   */
  private void resumeReadingIfRoom(ChannelHandlerContext ctx) {
    if (queue.size() <= MAX_QUEUED / 2 && ctx.channel().isWritable() && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    queueLock.lock();
    try {
      if (!ctx.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      } else {
        resumeReadingIfRoom(ctx);
      }
    } finally {
      queueLock.unlock();
    }
    super.channelWritabilityChanged(ctx);
  }

  private void hello(ChannelHandlerContext ctx, Request msg) {
    if (scram != null) {
      authenticate(ctx, msg);
      return;
    }
    if (!(msg instanceof Request.Hello h)) {
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "the first message must be Hello, got "
          + msg.getClass().getSimpleName());
      return;
    }
    if (h.version() != Request.VERSION) {
      reject(ctx, SqlState.CONNECTION_REJECTED, "protocol version " + h.version() + " is not supported; node "
          + settings.nodeId() + " speaks version " + Request.VERSION + ". Use a matching Ordo driver.");
      return;
    }
    if (h.database() != null && !h.database().isEmpty() && !h.database().equals(settings.database())) {
      reject(ctx, SqlState.INVALID_CATALOG_NAME.code(), "database '" + h.database() + "' does not exist on node "
          + settings.nodeId()
          + "; it serves '" + settings.database() + "' (jdbc:ordo://host:port/" + settings.database() + ")");
      return;
    }
    Users users = settings.users();
    if (users == null) {
      open(ctx, h, null, null);
      return;
    }
    java.net.InetAddress from = address(ctx);
    Duration locked = from == null ? Duration.ZERO : throttle.lockedOut(from);
    if (!locked.isZero()) {
      warn("{}: turned away a login from {}: {} failed logins within a minute", settings.nodeId(), from,
          throttle.maxFailures());
      reject(ctx, SqlState.INVALID_AUTHORIZATION, "too many failed logins from " + from.getHostAddress()
          + " on node " + settings.nodeId() + "; logins from there are refused for " + (locked.toSeconds() + 1)
          + " s more. Check the user and password the application uses");
      return;
    }
    if (h.user() == null || h.auth() == null) {
      reject(ctx, SqlState.INVALID_AUTHORIZATION, "node " + settings.nodeId() + " requires a user and password;"
          + " set the user and password connection properties");
      return;
    }
    Users.User user = users.find(h.user());
    try {
      scram = new Scram.Server(user != null ? user.verifier() : Scram.decoy(h.user(), DECOY_SECRET), h.auth());
    } catch (IllegalArgumentException e) {
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message: " + e.getMessage());
      return;
    }
    pendingHello = h;
    pendingUser = user;
    ctx.writeAndFlush(new Response.AuthChallenge(scram.first()));
  }

  /** The client's SCRAM proof: the session opens, or the login fails (answered late, per {@link LoginThrottle}). */
  private void authenticate(ChannelHandlerContext ctx, Request msg) {
    if (!(msg instanceof Request.Auth a)) {
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "expected Auth in answer to the SCRAM challenge, got "
          + msg.getClass().getSimpleName());
      return;
    }
    String serverFinal = a.data() == null ? null : scram.verify(a.data());
    java.net.InetAddress from = address(ctx);
    if (serverFinal == null || pendingUser == null) {
      Duration delay = from == null ? Duration.ZERO : throttle.failed(from);
      warn("{}: authentication failed for user '{}' from {}", settings.nodeId(), pendingHello.user(),
          ctx.channel().remoteAddress());
      ctx.channel().config().setAutoRead(false);
      ctx.executor().schedule(() -> reject(ctx, SqlState.INVALID_PASSWORD, "password authentication failed for"
          + " user '" + pendingHello.user() + "' on node " + settings.nodeId()), delay.toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
      return;
    }
    if (from != null) {
      throttle.succeeded(from);
    }
    open(ctx, pendingHello, pendingUser, serverFinal);
  }

  private void open(ChannelHandlerContext ctx, Request.Hello h, Users.User user, String serverFinal) {
    if (handshakeDeadline != null) {
      handshakeDeadline.cancel(false);
    }
    scram = null;
    pendingHello = null;
    pendingUser = null;
    ctx.pipeline().get(FrameDecoder.class).open();
    ctx.pipeline().get(RequestDecoder.class).open();
    sessionId = settings.nodeId() + "/s" + SESSION_IDS.incrementAndGet();
    session = new Session(sessionId, analyzer, coordinator, timer, idleTimeout, settings.backend(),
        settings.database(), user == null || user.isAdmin(), user == null ? null : user.name());
    log.debug("{}: opened for {} from {}", sessionId, h.user(), ctx.channel().remoteAddress());
    ctx.writeAndFlush(new Response.HelloOk(settings.serverVersion(), settings.nodeId(), settings.backend(),
        coordinator.leadsLog(), serverFinal));
  }

  private static java.net.InetAddress address(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
  }

  private static void reject(ChannelHandlerContext ctx, SqlState state, String message) {
    reject(ctx, state.code(), message);
  }

  private static void reject(ChannelHandlerContext ctx, String state, String message) {
    ctx.writeAndFlush(new Response.Error(state, message)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof ProtocolException || root instanceof TooLongFrameException) {
      warn("{}: closing connection from {}: {}", settings.nodeId(), ctx.channel().remoteAddress(),
          root.getMessage());
      if (session == null && ctx.channel().isActive()) {
        // Before a session the client may be a driver that can read why: say so, then close.
        reject(ctx, SqlState.PROTOCOL_VIOLATION, root.getMessage() + " (node " + settings.nodeId() + ")");
        return;
      }
    } else if (root instanceof SocketException || root instanceof java.io.IOException) {
      log.debug("{}: connection from {} failed: {}", settings.nodeId(), ctx.channel().remoteAddress(), root.toString());
    } else {
      log.error("{}: unexpected error on connection from {}", settings.nodeId(), ctx.channel().remoteAddress(), root);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null) {
      session.close();
      log.debug("{}: closed", sessionId);
    }
    super.channelInactive(ctx);
  }
}
