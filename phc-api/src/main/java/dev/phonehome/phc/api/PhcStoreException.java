package dev.phonehome.phc.api;

/**
 * The server's store failed (database down, disk full, a write not committed in time). The operator must act;
 * nothing was acknowledged that was not stored: a device whose notification failed to store got 503 with
 * {@code Retry-After} and sends it again.
 */
public class PhcStoreException extends PhcException {
  public PhcStoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public PhcStoreException(String message) {
    super(message);
  }
}
