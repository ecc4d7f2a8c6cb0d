package dev.ordo.proxy.server;

import dev.ordo.driver.wire.Response;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.DataOutputStream;

/** Encodes a {@link Response} body; the frame length is prepended after it. */
final class ResponseEncoder extends MessageToByteEncoder<Response> {
  @Override
  protected void encode(ChannelHandlerContext ctx, Response msg, ByteBuf out) throws Exception {
    try (DataOutputStream data = new DataOutputStream(new ByteBufOutputStream(out))) {
      msg.write(data);
    }
  }
}
