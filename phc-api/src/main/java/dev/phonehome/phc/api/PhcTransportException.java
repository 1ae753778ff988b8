package dev.phonehome.phc.api;

import org.jspecify.annotations.Nullable;

/** The network failed: connection refused or reset, timeout, TLS failure, HTTP 5xx. Retrying may help. */
public class PhcTransportException extends PhcException {
  private final int httpStatus;

  public PhcTransportException(String message, @Nullable Throwable cause) {
    this(message, -1, cause);
  }

  public PhcTransportException(String message, int httpStatus, @Nullable Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status that caused this, or -1 when none was received. */
  public int httpStatus() {
    return httpStatus;
  }
}
