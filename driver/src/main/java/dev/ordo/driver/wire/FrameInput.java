package dev.ordo.driver.wire;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of one frame, wholly in memory, read as a {@link java.io.DataInput} that knows how many of its bytes
 * are left. Decoding from it checks every declared length and count against those bytes before allocating
 * anything ({@link Values}), so no frame can make its reader allocate more than a small multiple of the frame's
 * own size, however its lengths lie.
 */
public final class FrameInput extends DataInputStream {
  /**
   * @param frame the frame's bytes; its {@link InputStream#available()} must be exactly the bytes not yet read
   *     (as for {@link java.io.ByteArrayInputStream} and Netty's {@code ByteBufInputStream})
   */
  public FrameInput(InputStream frame) {
    super(frame);
  }

  /** The bytes of the frame not read yet. */
  int remaining() throws IOException {
    return in.available();
  }
}
