package dev.ordo.driver.wire;

import java.io.IOException;

/** Bytes that do not form a valid Ordo protocol message. The connection that sent them is closed. */
public final class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super("malformed Ordo protocol message: " + message);
  }
}
