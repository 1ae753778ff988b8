package dev.phonehome.phc.api.server;

import java.util.Objects;

/** A device authentication decision. */
public sealed interface AuthResult {
  /** The request is from the device with this serial; it may read only that serial's record. */
  record Authenticated(String serialNumber) implements AuthResult {
    public Authenticated {
      Objects.requireNonNull(serialNumber, "serialNumber");
    }
  }

  /**
   * The request is refused.
   *
   * @param httpStatus 401 (who are you?) or 403 (not allowed)
   * @param reason for the log and the RESTCONF error-message; never includes another device's data
   */
  record Rejected(int httpStatus, String reason) implements AuthResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static AuthResult authenticated(String serialNumber) {
    return new Authenticated(serialNumber);
  }

  static AuthResult rejected(int httpStatus, String reason) {
    return new Rejected(httpStatus, reason);
  }
}
