package dev.ordo.proxy.server;

import dev.ordo.driver.SqlState;
import dev.ordo.driver.wire.Response;
import dev.ordo.proxy.sql.Analyzer;
import dev.ordo.proxy.txn.Coordinator;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing server: Netty decodes frames on its event loop and hands
 * each request to its session on a virtual thread (blocking work never runs on
 * the event loop). See {@code docs/protocol.md} for the framing.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
  /** Largest frame accepted from a client; larger ones close the connection. */
  static final int MAX_FRAME = 256 << 20;
  /** The most client connections a node keeps open; more are refused with 53300. */
  public static final int MAX_CONNECTIONS = 4096;
  /** The most client connections a node keeps open from one address; more are refused with 53300. */
  public static final int MAX_CONNECTIONS_PER_ADDRESS = 1024;

  private final AtomicInteger connections = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress =
      new ConcurrentHashMap<>();

  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final java.util.concurrent.ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("ordo-idle-timer").unstarted(r));
  private final Channel channel;
  /** Every client connection, so that stopping closes each one (a client must never wait on a dead node). */
  private final io.netty.channel.group.ChannelGroup clients =
      new io.netty.channel.group.DefaultChannelGroup(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);

  /**
   * Binds and starts serving ({@link #start} builds the TLS context).
   *
   * @param settings what the connection handler needs
   * @param tls the server side of TLS for every client connection, or null for none
   * @param throttle how failed logins are slowed down
   */
  private ProxyServer(String host, int port, ServerSettings settings, Analyzer analyzer, Coordinator coordinator,
      Duration handshakeTimeout, Duration idleInTransactionTimeout, io.netty.handler.ssl.SslContext tls,
      LoginThrottle throttle) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            clients.add(ch);
            InetAddress from = ch.remoteAddress().getAddress();
            String refusal = admit(from, settings.nodeId());
            if (refusal != null) {
              ch.pipeline().addLast(new LengthFieldPrepender(4)).addLast(new ResponseEncoder())
                  .addLast(new RefuseConnection(refusal));
              return;
            }
            ch.closeFuture().addListener(f -> release(from));
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            ch.pipeline()
                .addLast(new FrameDecoder())
                .addLast(new LengthFieldPrepender(4))
                .addLast(new ResponseEncoder())
                .addLast(new RequestDecoder())
                .addLast(new ConnectionHandler(settings, analyzer, coordinator, virtualThreads, timer,
                    handshakeTimeout, idleInTransactionTimeout, throttle));
          }
        });
    try {
      channel = b.bind(host, port).sync().channel();
    } catch (Exception e) {
      close();
      throw e;
    }
    log.info("{}: listening for clients on {}", settings.nodeId(), channel.localAddress());
  }

  /** Counts a new connection from {@code from}; null if it is within the caps, else why it is refused. */
  private String admit(InetAddress from, String nodeId) {
    int total = connections.incrementAndGet();
    int mine = perAddress.merge(from, 1, Integer::sum);
    if (total <= MAX_CONNECTIONS && mine <= MAX_CONNECTIONS_PER_ADDRESS) {
      return null;
    }
    release(from);
    log.warn("{}: refusing a connection from {}: {} open, {} from that address", nodeId, from, total - 1, mine - 1);
    return "node " + nodeId + " keeps at most " + MAX_CONNECTIONS + " client connections, and at most "
        + MAX_CONNECTIONS_PER_ADDRESS + " from one address (" + from.getHostAddress() + "); it has "
        + (total - 1) + " open, " + (mine - 1) + " from that address. Close idle connections (size the pool"
        + " smaller) or connect to another node, then retry.";
  }

  private void release(InetAddress from) {
    connections.decrementAndGet();
    perAddress.computeIfPresent(from, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Answers a connection over the caps with 53300, then closes it. */
  private static final class RefuseConnection extends ChannelInboundHandlerAdapter {
    private final String why;

    RefuseConnection(String why) {
      this.why = why;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(new Response.Error(SqlState.TOO_MANY_CONNECTIONS.code(),
          why)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    // No new connections now: close every open one, so its client sees the end at once.
    clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    for (Channel c : clients) {
      // Its event loop is gone: close the socket itself.
      c.unsafe().closeForcibly();
    }
    // No interrupts: they would close H2's file channels under the replicas' connections.
    virtualThreads.shutdown();
    timer.shutdownNow();
  }

  /**
   * A server for a node's clients, with TLS when {@code security} has a certificate.
   *
   * @throws IllegalArgumentException if the certificate or key cannot be read
   */
  public static ProxyServer start(String host, int port, ServerSettings settings, Analyzer analyzer,
      Coordinator coordinator, Duration handshakeTimeout, Duration idleInTransactionTimeout,
      dev.ordo.proxy.config.ClientSecurity security) throws InterruptedException {
    io.netty.handler.ssl.SslContext tls = null;
    if (security.tls()) {
      try {
        tls = io.netty.handler.ssl.SslContextBuilder.forServer(security.tlsCertificate().toFile(),
            security.tlsKey().toFile()).protocols("TLSv1.3", "TLSv1.2").build();
      } catch (javax.net.ssl.SSLException | RuntimeException e) {
        throw new IllegalArgumentException("cannot use the client TLS certificate " + security.tlsCertificate()
            + " and key " + security.tlsKey() + ": " + e.getMessage(), e);
      }
    }
    return new ProxyServer(host, port, settings, analyzer, coordinator, handshakeTimeout, idleInTransactionTimeout,
        tls, LoginThrottle.standard());
  }
}
