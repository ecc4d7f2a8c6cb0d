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
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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
  static final String HANDSHAKE_TIMEOUT = "handshakeTimeout";
  private static final AtomicLong SESSION_IDS = new AtomicLong();

  private final ServerSettings settings;
  private final Analyzer analyzer;
  private final Coordinator coordinator;
  private final ExecutorService executor;
  private final ReentrantLock queueLock = new ReentrantLock();
  /** A request and when it was decoded (System.nanoTime), for the node's stage times. */
  private record Queued(Request request, long receivedNanos) {}

  private final Queue<Queued> queue = new ArrayDeque<>();
  private boolean draining;
  private Session session;
  private String sessionId;

  private final java.util.concurrent.ScheduledExecutorService timer;
  private final java.time.Duration idleTimeout;

  ConnectionHandler(ServerSettings settings, Analyzer analyzer, Coordinator coordinator, ExecutorService executor,
      java.util.concurrent.ScheduledExecutorService timer, java.time.Duration idleTimeout) {
    this.timer = timer;
    this.idleTimeout = idleTimeout;
    this.settings = settings;
    this.analyzer = analyzer;
    this.coordinator = coordinator;
    this.executor = executor;
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

  private void hello(ChannelHandlerContext ctx, Request msg) {
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
      reject(ctx, "3D000", "database '" + h.database() + "' does not exist on node " + settings.nodeId()
          + "; it serves '" + settings.database() + "' (jdbc:ordo://host:port/" + settings.database() + ")");
      return;
    }
    if (settings.user() != null && !(settings.user().equals(h.user()) && passwordMatches(h.password()))) {
      log.warn("{}: authentication failed for user '{}' from {}", settings.nodeId(), h.user(),
          ctx.channel().remoteAddress());
      reject(ctx, SqlState.INVALID_PASSWORD, "password authentication failed for user '" + h.user()
          + "' on node " + settings.nodeId());
      return;
    }
    if (ctx.pipeline().get(HANDSHAKE_TIMEOUT) != null) {
      ctx.pipeline().remove(HANDSHAKE_TIMEOUT);
    }
    sessionId = settings.nodeId() + "/s" + SESSION_IDS.incrementAndGet();
    session = new Session(sessionId, analyzer, coordinator, timer, idleTimeout, settings.backend(),
        settings.database());
    log.debug("{}: opened for {} from {}", sessionId, h.user(), ctx.channel().remoteAddress());
    ctx.writeAndFlush(new Response.HelloOk(settings.serverVersion(), settings.nodeId(), settings.backend(),
        coordinator.leadsLog()));
  }

  private boolean passwordMatches(String given) {
    byte[] a = settings.password().getBytes(StandardCharsets.UTF_8);
    byte[] b = (given == null ? "" : given).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(a, b);
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
      log.warn("{}: closing connection from {}: {}", settings.nodeId(), ctx.channel().remoteAddress(),
          root.getMessage());
    } else if (root instanceof ReadTimeoutException) {
      log.warn("{}: closing connection from {}: no Hello within the handshake timeout", settings.nodeId(),
          ctx.channel().remoteAddress());
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
