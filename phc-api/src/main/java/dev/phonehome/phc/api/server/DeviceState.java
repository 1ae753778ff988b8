package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.model.ProgressType;

/**
 * Where a device is in its provisioning, as the server saw it (SPEC section 6). A {@link DeviceStore} keeps
 * every state but {@link #STALLED}, which the server judges when it is asked (it depends on the time of the
 * question); {@link #afterRequest} and {@link #afterNotification} are the transitions every store applies.
 */
public enum DeviceState {
  /** No request and no notification from this serial (on this server, or in its store). */
  NEVER_SEEN,
  /**
   * The device's last bootstrap request found no provisioning record (it got 404 and keeps polling): it is in
   * the unclaimed inbox, waiting for an administrator to enter a record for its serial.
   */
  UNCLAIMED,
  /** The device asked for bootstrap data and got it, but has not reported progress since. */
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
  STALLED;

  /**
   * The state after the device's bootstrap request was answered with data: a device in progress stays in
   * progress (a new primary resuming after a failover asks again); any other starts a new run.
   */
  public DeviceState afterRequest() {
    return this == IN_PROGRESS ? IN_PROGRESS : REQUESTED;
  }

  /** The state after a notification of {@code type}: complete, failed (a terminal failure) or in progress. */
  public static DeviceState afterNotification(ProgressType type) {
    if (type.equals(ProgressType.BOOTSTRAP_COMPLETE)) {
      return COMPLETE;
    }
    return isTerminalFailure(type) ? FAILED : IN_PROGRESS;
  }

  /** The terminal failures: the device gives up on this server. A member failing in default mode is not one. */
  public static boolean isTerminalFailure(ProgressType type) {
    return type.equals(ProgressType.BOOTSTRAP_ERROR)
        || type.equals(ProgressType.VC_BOOTSTRAP_FAILED)
        || type.equals(ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED);
  }
}
