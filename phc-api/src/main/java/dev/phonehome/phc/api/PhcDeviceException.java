package dev.phonehome.phc.api;

import org.jspecify.annotations.Nullable;

/**
 * The device or its {@code DeviceOperations} binding failed an operation: an install error, a commit error,
 * a lost session, a script that exited non-zero.
 */
public class PhcDeviceException extends PhcException {
  private final String operation;
  private final @Nullable Integer memberId;
  private final boolean sessionLost;

  public PhcDeviceException(String operation, @Nullable Integer memberId, String message) {
    this(operation, memberId, message, false, null);
  }

  public PhcDeviceException(
      String operation, @Nullable Integer memberId, String message, boolean sessionLost, @Nullable Throwable cause) {
    super(operation + (memberId == null ? "" : " on member " + memberId) + ": " + message, cause);
    this.operation = operation;
    this.memberId = memberId;
    this.sessionLost = sessionLost;
  }

  /** The operation that failed, for example {@code install-image}. */
  public String operation() {
    return operation;
  }

  /** The member it failed on, or null when it concerns the VC as a whole. */
  public @Nullable Integer memberId() {
    return memberId;
  }

  /**
   * True when the connection to the device was lost (for example because the primary rebooted); the
   * operation's outcome is unknown and the caller should reconnect and re-read the device's state.
   */
  public boolean sessionLost() {
    return sessionLost;
  }
}
