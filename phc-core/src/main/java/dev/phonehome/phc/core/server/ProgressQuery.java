package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.server.DeviceNotification;
import java.util.List;

/**
 * What the server knows about each device's provisioning (SPEC section 6): state, timeline of notifications
 * and the VC members as last reported. Every answer is a snapshot taken at call time; thread-safe.
 */
public interface ProgressQuery {
  /** The device's status; {@link DeviceState#NEVER_SEEN} for a serial never heard from. */
  DeviceStatus status(String serialNumber);

  /**
   * The device's notifications, oldest first. Bounded by {@link ServerLimits#maxTimelineEntries()}: when
   * more arrived, the oldest are gone and {@link DeviceStatus#droppedNotifications()} says how many.
   */
  List<DeviceNotification> timeline(String serialNumber);

  /** The VC's members as last reported in member-specific notifications, by member id; empty when none. */
  List<ReportedMember> members(String serialNumber);

  /** The status of every device seen, by serial. */
  List<DeviceStatus> devices();
}
