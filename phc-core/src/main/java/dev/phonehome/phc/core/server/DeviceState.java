package dev.phonehome.phc.core.server;

/** Where a device is in its provisioning, as the server saw it (SPEC section 6). */
public enum DeviceState {
  /** No request and no notification from this serial since the server started. */
  NEVER_SEEN,
  /** The device asked for bootstrap data but has not reported progress yet. */
  REQUESTED,
  /** The device reports progress; {@link DeviceStatus#phase()} is its last notification type. */
  IN_PROGRESS,
  /** The last notification was {@code bootstrap-complete}. */
  COMPLETE,
  /**
   * The last notification was a terminal failure: {@code bootstrap-error}, {@code vc-bootstrap-failed} or
   * {@code vc-member-image-installation-failed} (strict mode gives up on this server).
   */
  FAILED,
  /** Requested or in progress, but nothing heard for longer than the configured stall time. */
  STALLED
}
