package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.ProgressListener;
import dev.phonehome.phc.core.server.DeviceState;
import dev.phonehome.phc.core.server.DeviceStatus;
import dev.phonehome.phc.core.server.ProgressQuery;
import dev.phonehome.phc.core.server.ReportedMember;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-device notifications and request times. One lock per device, so devices never wait for each other;
 * listeners are called after the notification is stored, outside the lock, in each device's order.
 */
public final class ProgressStore implements ProgressQuery {
  private static final Logger log = LoggerFactory.getLogger(ProgressStore.class);

  private final Clock clock;
  private final Duration stalledAfter;
  private final int maxTimelineEntries;
  private final List<ProgressListener> listeners;
  private final ConcurrentHashMap<String, DeviceLog> devices = new ConcurrentHashMap<>();

  public ProgressStore(Clock clock, Duration stalledAfter, int maxTimelineEntries, List<ProgressListener> listeners) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stalledAfter = Objects.requireNonNull(stalledAfter, "stalledAfter");
    this.maxTimelineEntries = maxTimelineEntries;
    this.listeners = List.copyOf(listeners);
  }

  /** A bootstrap request for {@code serial} was answered with data. */
  public void recordRequest(String serial) {
    Instant now = clock.instant();
    devices.computeIfAbsent(serial, s -> new DeviceLog()).request(now);
  }

  /** Stores the notification, stamped with the clock, then tells the listeners. */
  public DeviceNotification recordNotification(String serial, dev.phonehome.phc.api.Dialect dialect,
      dev.phonehome.phc.api.model.ProgressReport report) {
    DeviceLog device = devices.computeIfAbsent(serial, s -> new DeviceLog());
    DeviceNotification n;
    // The lock spans stamping and storing so that one device's timeline is in receive order; listeners are
    // called under the same device lock to keep that order for them too (they must be fast, see
    // ProgressListener). Other devices are not blocked.
    synchronized (device) {
      n = new DeviceNotification(serial, clock.instant(), dialect, report);
      device.add(n, maxTimelineEntries);
      for (ProgressListener l : listeners) {
        try {
          l.onNotification(n);
        } catch (RuntimeException e) {
          log.warn("progress listener {} threw for {}; skipped", l, n, e);
        }
      }
    }
    return n;
  }

  @Override
  public DeviceStatus status(String serialNumber) {
    DeviceLog device = devices.get(serialNumber);
    if (device == null) {
      return DeviceStatus.neverSeen(serialNumber);
    }
    return device.status(serialNumber, clock.instant(), stalledAfter);
  }

  @Override
  public List<DeviceNotification> timeline(String serialNumber) {
    DeviceLog device = devices.get(serialNumber);
    return device == null ? List.of() : device.timeline();
  }

  @Override
  public List<ReportedMember> members(String serialNumber) {
    DeviceLog device = devices.get(serialNumber);
    return device == null ? List.of() : device.members();
  }

  @Override
  public List<DeviceStatus> devices() {
    Instant now = clock.instant();
    List<DeviceStatus> out = new ArrayList<>();
    devices.forEach((serial, d) -> out.add(d.status(serial, now, stalledAfter)));
    out.sort(Comparator.comparing(DeviceStatus::serialNumber));
    return out;
  }

  /** The terminal failures: the device gives up on this server. */
  static boolean isTerminalFailure(ProgressType type) {
    return type.equals(ProgressType.BOOTSTRAP_ERROR)
        || type.equals(ProgressType.VC_BOOTSTRAP_FAILED)
        || type.equals(ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED);
  }

  private static final class DeviceLog {
    private final ArrayDeque<DeviceNotification> timeline = new ArrayDeque<>();
    private final Map<Integer, ReportedMember> members = new TreeMap<>();
    private @Nullable Instant lastRequestAt;
    private @Nullable DeviceNotification last;
    private long requests;
    private long notifications;
    private long dropped;

    synchronized void request(Instant now) {
      lastRequestAt = now;
      requests++;
    }

    /** Called with this object's lock held. */
    void add(DeviceNotification n, int max) {
      if (timeline.size() >= max) {
        timeline.removeFirst();
        dropped++;
      }
      timeline.addLast(n);
      last = n;
      notifications++;
      MemberRef m = n.report().member();
      if (m != null) {
        members.put(m.memberId(), new ReportedMember(m.memberId(), m.serialNumber(), m.role(), n.report().type(),
            n.report().message(), n.receivedAt()));
      }
    }

    synchronized List<DeviceNotification> timeline() {
      return List.copyOf(timeline);
    }

    synchronized List<ReportedMember> members() {
      return List.copyOf(members.values());
    }

    synchronized DeviceStatus status(String serial, Instant now, Duration stalledAfter) {
      DeviceState state;
      ProgressType phase = last == null ? null : last.report().type();
      if (phase == null) {
        state = lastRequestAt == null ? DeviceState.NEVER_SEEN : DeviceState.REQUESTED;
      } else if (phase.equals(ProgressType.BOOTSTRAP_COMPLETE)) {
        state = DeviceState.COMPLETE;
      } else if (isTerminalFailure(phase)) {
        state = DeviceState.FAILED;
      } else {
        state = DeviceState.IN_PROGRESS;
      }
      if ((state == DeviceState.COMPLETE || state == DeviceState.FAILED) && lastRequestAt != null
          && last != null && lastRequestAt.isAfter(last.receivedAt())) {
        // Asked again after finishing: zeroized, or strict mode starting over. A new run has begun.
        state = DeviceState.REQUESTED;
      }
      if (state == DeviceState.REQUESTED || state == DeviceState.IN_PROGRESS) {
        Instant lastHeard = last == null ? lastRequestAt : last.receivedAt();
        if (lastRequestAt != null && lastHeard != null && lastRequestAt.isAfter(lastHeard)) {
          lastHeard = lastRequestAt;
        }
        if (lastHeard != null && Duration.between(lastHeard, now).compareTo(stalledAfter) > 0) {
          state = DeviceState.STALLED;
        }
      }
      return new DeviceStatus(serial, state, phase, lastRequestAt, last, requests, notifications, dropped,
          new ArrayList<>(members.values()));
    }
  }
}
