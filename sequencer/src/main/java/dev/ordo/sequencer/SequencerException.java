package dev.ordo.sequencer;

/** The log could not do what was asked (no leader, closed, I/O failure); the message says which. */
public class SequencerException extends Exception {
  private static final long serialVersionUID = 1L;

  public SequencerException(String message) {
    super(message);
  }

  public SequencerException(String message, Throwable cause) {
    super(message, cause);
  }
}
