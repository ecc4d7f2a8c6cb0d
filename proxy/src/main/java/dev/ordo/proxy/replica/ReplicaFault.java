package dev.ordo.proxy.replica;

/** A failure of one replica that is not the transaction's answer: the replica retries or fences itself. */
public final class ReplicaFault extends Exception {
  private static final long serialVersionUID = 1L;

  public ReplicaFault(String message, Throwable cause) {
    super(message, cause);
  }
}
