package dev.ordo.proxy.server;

import dev.ordo.driver.wire.FrameInput;
import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.driver.wire.Request;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.EOFException;
import java.util.List;

/**
 * Decodes one frame into one {@link Request}; anything malformed raises {@link ProtocolException}. Until the
 * session is open ({@link #open}) only a Hello is decoded: any other type is refused from its first byte.
 * Every length and count in a frame is checked against the bytes the frame has left ({@link FrameInput}).
 */
final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
  private boolean open;

  /** The session is open: every request type is decoded from now on (event loop only). */
  void open() {
    open = true;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
    if (!open && frame.isReadable() && frame.getByte(frame.readerIndex()) != Request.T_HELLO
        && frame.getByte(frame.readerIndex()) != Request.T_AUTH) {
      throw new ProtocolException("the first message must be Hello, got a message of type 0x"
          + Integer.toHexString(frame.getByte(frame.readerIndex()) & 0xff));
    }
    Request r;
    try {
      r = Request.read(new FrameInput(new ByteBufInputStream(frame)));
    } catch (EOFException e) {
      throw new ProtocolException("frame of " + frame.capacity() + " bytes ends inside a message");
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new ProtocolException("invalid value: " + e.getMessage());
    }
    if (frame.isReadable()) {
      throw new ProtocolException(frame.readableBytes() + " bytes left over after a "
          + r.getClass().getSimpleName() + " message");
    }
    out.add(r);
  }
}
