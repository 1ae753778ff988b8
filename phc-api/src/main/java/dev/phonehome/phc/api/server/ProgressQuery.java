package dev.phonehome.phc.api.server;

import java.util.List;

/**
 * What a phone-home server knows about each device's provisioning (SPEC section 6): state, timeline of
 * notifications, the VC members as last reported, the devices that poll without a record, and the exact feed
 * of notifications for an NMS. Every answer is a snapshot taken at call time, read from the server's
 * {@link DeviceStore}; thread-safe.
 */
public interface ProgressQuery {
  /** The device's status; {@link DeviceState#NEVER_SEEN} for a serial never heard from. */
  DeviceStatus status(String serialNumber);

  /**
   * The device's notifications, oldest first. Bounded by the store's retention: when more arrived (or they
   * aged out), the oldest are gone and {@link DeviceStatus#droppedNotifications()} says how many.
   */
  List<DeviceNotification> timeline(String serialNumber);

  /** The VC's members as last reported in member-specific notifications, by member id; empty when none. */
  List<ReportedMember> members(String serialNumber);

  /** The status of every device seen (claimed or not), by serial. */
  List<DeviceStatus> devices();

  /**
   * The unclaimed inbox: devices whose last bootstrap request found no record (state
   * {@link DeviceState#UNCLAIMED}), with first and last seen, source address and dialect, by serial.
   */
  List<DeviceStatus> unclaimed();

  /**
   * Up to {@code limit} stored notifications after {@code after}, in the store's feed order, with the cursor to
   * ask from next time. See {@link DeviceStore#feed} for the exactly-once contract.
   */
  FeedPage feed(FeedCursor after, int limit);
}
