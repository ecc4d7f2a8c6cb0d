package dev.ordo.proxy.replica;

/** A failure of one replica that is not the transaction's answer: the replica retries or fences itself. */
public final class ReplicaFault extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean orderedLost;

  public ReplicaFault(String message, Throwable cause) {
    this(message, cause, false);
  }

  private ReplicaFault(String message, Throwable cause, boolean orderedLost) {
    super(message, cause);
    this.orderedLost = orderedLost;
  }

  /**
   * Entries this replica executed before they were durable were lost (or may have been): it rolls back and
   * resumes from its bookkeeping, as after a crash; nothing is wrong with it.
   */
  static ReplicaFault orderedLost(String message) {
    return new ReplicaFault(message, null, true);
  }

  /** Whether this is {@link #orderedLost}. */
  public boolean orderedLost() {
    return orderedLost;
  }
}
