package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One device's state as the server saw it at the time of the query.
 *
 * @param serialNumber the device (VC primary) serial
 * @param state the derived state
 * @param phase the last notification type, or null when none was received
 * @param lastRequestAt the last bootstrap request answered with data, or null
 * @param lastNotification the last notification, or null
 * @param requests how many bootstrap requests were answered with data
 * @param notifications how many notifications were received in all (including dropped ones)
 * @param droppedNotifications how many of the oldest were dropped from the bounded timeline
 * @param members the VC's members as last reported, by member id
 */
public record DeviceStatus(
    String serialNumber,
    DeviceState state,
    @Nullable ProgressType phase,
    @Nullable Instant lastRequestAt,
    @Nullable DeviceNotification lastNotification,
    long requests,
    long notifications,
    long droppedNotifications,
    List<ReportedMember> members) {
  public DeviceStatus {
    Objects.requireNonNull(serialNumber, "serialNumber");
    Objects.requireNonNull(state, "state");
    members = List.copyOf(members);
  }

  /** The status of a serial the server never heard from. */
  public static DeviceStatus neverSeen(String serialNumber) {
    return new DeviceStatus(serialNumber, DeviceState.NEVER_SEEN, null, null, null, 0, 0, 0, List.of());
  }
}
