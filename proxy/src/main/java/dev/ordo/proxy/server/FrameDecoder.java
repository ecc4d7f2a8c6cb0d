package dev.ordo.proxy.server;

import dev.ordo.driver.wire.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the byte stream into frames: a 4-byte big-endian length, then that many bytes. Until the session is
 * open ({@link #open}) a frame may hold at most {@link #HANDSHAKE_MAX_FRAME} bytes, enough for any Hello;
 * after it, {@link ProxyServer#MAX_FRAME}. A length out of range closes the connection before a byte of the
 * frame is buffered for it.
 */
final class FrameDecoder extends ByteToMessageDecoder {
  /** The largest frame accepted before the session is open. */
  static final int HANDSHAKE_MAX_FRAME = 16 << 10;

  private int maxFrame = HANDSHAKE_MAX_FRAME;

  /** The session is open: frames up to {@link ProxyServer#MAX_FRAME} from now on (event loop only). */
  void open() {
    maxFrame = ProxyServer.MAX_FRAME;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws ProtocolException {
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 1 || length > maxFrame) {
      throw new ProtocolException("frame length " + length + " out of range 1.." + maxFrame
          + (maxFrame == HANDSHAKE_MAX_FRAME ? " before the session is open" : ""));
    }
    if (in.readableBytes() < 4 + length) {
      return;
    }
    in.skipBytes(4);
    out.add(in.readRetainedSlice(length));
  }
}
