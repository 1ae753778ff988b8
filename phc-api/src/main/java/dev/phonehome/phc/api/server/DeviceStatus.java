package dev.phonehome.phc.api.server;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.ProgressType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One device's state as the server saw it at the time of the query: what it last did, when and from where it
 * was seen, counters, and its VC members as last reported. Built by a {@link DeviceStore}; immutable.
 */
public final class DeviceStatus {
  private final String serialNumber;
  private final DeviceState state;
  private final @Nullable ProgressType phase;
  private final @Nullable Instant firstSeenAt;
  private final @Nullable Instant lastSeenAt;
  private final @Nullable String lastSourceAddress;
  private final @Nullable Dialect lastDialect;
  private final @Nullable Instant lastRequestAt;
  private final @Nullable DeviceNotification lastNotification;
  private final long requests;
  private final long notifications;
  private final long droppedNotifications;
  private final List<ReportedMember> members;

  private DeviceStatus(Builder b) {
    this.serialNumber = b.serialNumber;
    this.state = b.state;
    this.phase = b.phase;
    this.firstSeenAt = b.firstSeenAt;
    this.lastSeenAt = b.lastSeenAt;
    this.lastSourceAddress = b.lastSourceAddress;
    this.lastDialect = b.lastDialect;
    this.lastRequestAt = b.lastRequestAt;
    this.lastNotification = b.lastNotification;
    this.requests = b.requests;
    this.notifications = b.notifications;
    this.droppedNotifications = b.droppedNotifications;
    this.members = List.copyOf(b.members);
  }

  public static Builder builder(String serialNumber, DeviceState state) {
    return new Builder(serialNumber, state);
  }

  /** The status of a serial the server never heard from. */
  public static DeviceStatus neverSeen(String serialNumber) {
    return builder(serialNumber, DeviceState.NEVER_SEEN).build();
  }

  public Builder toBuilder() {
    Builder b = new Builder(serialNumber, state);
    b.phase = phase;
    b.firstSeenAt = firstSeenAt;
    b.lastSeenAt = lastSeenAt;
    b.lastSourceAddress = lastSourceAddress;
    b.lastDialect = lastDialect;
    b.lastRequestAt = lastRequestAt;
    b.lastNotification = lastNotification;
    b.requests = requests;
    b.notifications = notifications;
    b.droppedNotifications = droppedNotifications;
    b.members = members;
    return b;
  }

  /** The device (VC primary) serial. */
  public String serialNumber() {
    return serialNumber;
  }

  /** The derived state. */
  public DeviceState state() {
    return state;
  }

  /** The last notification type, or null when none was received. */
  public @Nullable ProgressType phase() {
    return phase;
  }

  /** When the device was first seen (any authenticated request, claimed or not), or null when never. */
  public @Nullable Instant firstSeenAt() {
    return firstSeenAt;
  }

  /** When the device was last seen (bootstrap request or notification), or null when never. */
  public @Nullable Instant lastSeenAt() {
    return lastSeenAt;
  }

  /** The address its last request came from (as the server's transport saw it), or null when unknown. */
  public @Nullable String lastSourceAddress() {
    return lastSourceAddress;
  }

  /** The dialect of its last request, or null when never seen. */
  public @Nullable Dialect lastDialect() {
    return lastDialect;
  }

  /** The last bootstrap request answered with data, or null. */
  public @Nullable Instant lastRequestAt() {
    return lastRequestAt;
  }

  /** The last notification, or null. */
  public @Nullable DeviceNotification lastNotification() {
    return lastNotification;
  }

  /** How many bootstrap requests were answered with data. */
  public long requests() {
    return requests;
  }

  /** How many notifications were stored in all (including those dropped since); duplicates are not counted. */
  public long notifications() {
    return notifications;
  }

  /** How many of the oldest notifications were dropped by the store's retention (count or age). */
  public long droppedNotifications() {
    return droppedNotifications;
  }

  /** The VC's members as last reported, by member id. */
  public List<ReportedMember> members() {
    return members;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeviceStatus s
        && serialNumber.equals(s.serialNumber)
        && state == s.state
        && Objects.equals(phase, s.phase)
        && Objects.equals(firstSeenAt, s.firstSeenAt)
        && Objects.equals(lastSeenAt, s.lastSeenAt)
        && Objects.equals(lastSourceAddress, s.lastSourceAddress)
        && lastDialect == s.lastDialect
        && Objects.equals(lastRequestAt, s.lastRequestAt)
        && Objects.equals(lastNotification, s.lastNotification)
        && requests == s.requests
        && notifications == s.notifications
        && droppedNotifications == s.droppedNotifications
        && members.equals(s.members);
  }

  @Override
  public int hashCode() {
    return Objects.hash(serialNumber, state, phase, firstSeenAt, lastSeenAt, lastSourceAddress, lastDialect,
        lastRequestAt, lastNotification, requests, notifications, droppedNotifications, members);
  }

  @Override
  public String toString() {
    return "DeviceStatus{" + serialNumber + " " + state + (phase == null ? "" : " " + phase)
        + ", requests " + requests + ", notifications " + notifications
        + (droppedNotifications == 0 ? "" : " (" + droppedNotifications + " dropped)")
        + (lastSeenAt == null ? "" : ", last seen " + lastSeenAt
            + (lastSourceAddress == null ? "" : " from " + lastSourceAddress))
        + "}";
  }

  /** Builds a {@link DeviceStatus}; only serial and state are required. */
  public static final class Builder {
    private final String serialNumber;
    private DeviceState state;
    private @Nullable ProgressType phase;
    private @Nullable Instant firstSeenAt;
    private @Nullable Instant lastSeenAt;
    private @Nullable String lastSourceAddress;
    private @Nullable Dialect lastDialect;
    private @Nullable Instant lastRequestAt;
    private @Nullable DeviceNotification lastNotification;
    private long requests;
    private long notifications;
    private long droppedNotifications;
    private List<ReportedMember> members = List.of();

    private Builder(String serialNumber, DeviceState state) {
      this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
      this.state = Objects.requireNonNull(state, "state");
    }

    public Builder state(DeviceState state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    public Builder phase(@Nullable ProgressType phase) {
      this.phase = phase;
      return this;
    }

    public Builder firstSeenAt(@Nullable Instant firstSeenAt) {
      this.firstSeenAt = firstSeenAt;
      return this;
    }

    public Builder lastSeenAt(@Nullable Instant lastSeenAt) {
      this.lastSeenAt = lastSeenAt;
      return this;
    }

    public Builder lastSourceAddress(@Nullable String lastSourceAddress) {
      this.lastSourceAddress = lastSourceAddress;
      return this;
    }

    public Builder lastDialect(@Nullable Dialect lastDialect) {
      this.lastDialect = lastDialect;
      return this;
    }

    public Builder lastRequestAt(@Nullable Instant lastRequestAt) {
      this.lastRequestAt = lastRequestAt;
      return this;
    }

    public Builder lastNotification(@Nullable DeviceNotification lastNotification) {
      this.lastNotification = lastNotification;
      return this;
    }

    public Builder requests(long requests) {
      this.requests = requests;
      return this;
    }

    public Builder notifications(long notifications) {
      this.notifications = notifications;
      return this;
    }

    public Builder droppedNotifications(long droppedNotifications) {
      this.droppedNotifications = droppedNotifications;
      return this;
    }

    public Builder members(List<ReportedMember> members) {
      this.members = List.copyOf(members);
      return this;
    }

    public DeviceStatus build() {
      return new DeviceStatus(this);
    }
  }
}
