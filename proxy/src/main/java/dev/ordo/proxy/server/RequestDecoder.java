package dev.ordo.proxy.server;

import dev.ordo.driver.wire.ProtocolException;
import dev.ordo.driver.wire.Request;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.io.DataInputStream;
import java.io.EOFException;
import java.util.List;

/** Decodes one frame into one {@link Request}; anything malformed raises {@link ProtocolException}. */
final class RequestDecoder extends MessageToMessageDecoder<ByteBuf> {
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
    Request r;
    try {
      r = Request.read(new DataInputStream(new ByteBufInputStream(frame)));
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
