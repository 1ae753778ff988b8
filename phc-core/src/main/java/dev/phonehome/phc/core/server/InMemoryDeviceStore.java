package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.AppendResult;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedEvent;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link DeviceStore}: everything in this process's memory, gone when it stops. One lock per
 * device, so devices never wait for each other; the feed is one sequence for the whole store. Bounded: at most
 * {@code maxTimelineEntries} notifications per device (the oldest are dropped and counted) and at most
 * {@code maxUnclaimed} devices in the unclaimed inbox (the longest unseen is forgotten first).
 *
 * <p>For state that survives a restart, or that several servers share, use the JDBC store
 * ({@code dev.phonehome.phc.store.jdbc.JdbcDeviceStore} in module {@code phc-store-jdbc}).
 */
public final class InMemoryDeviceStore implements DeviceStore {
  private final int maxTimelineEntries;
  private final int maxUnclaimed;
  private final ConcurrentHashMap<String, Device> devices = new ConcurrentHashMap<>();
  private final Object feedLock = new Object();
  private final TreeMap<Long, DeviceNotification> feed = new TreeMap<>();
  private long feedSequence;
  private final LinkedHashMap<String, Boolean> unclaimedOrder = new LinkedHashMap<>(16, 0.75f, true);

  private InMemoryDeviceStore(int maxTimelineEntries, int maxUnclaimed) {
    if (maxTimelineEntries <= 0) {
      throw new IllegalArgumentException("maxTimelineEntries must be positive, was " + maxTimelineEntries);
    }
    if (maxUnclaimed <= 0) {
      throw new IllegalArgumentException("maxUnclaimed must be positive, was " + maxUnclaimed);
    }
    this.maxTimelineEntries = maxTimelineEntries;
    this.maxUnclaimed = maxUnclaimed;
  }

  /** A store keeping 1000 notifications per device and 10,000 unclaimed devices. */
  public static InMemoryDeviceStore create() {
    return create(ServerLimits.DEFAULT.maxTimelineEntries(), 10_000);
  }

  /** A store keeping {@code maxTimelineEntries} notifications per device and {@code maxUnclaimed} unclaimed devices. */
  public static InMemoryDeviceStore create(int maxTimelineEntries, int maxUnclaimed) {
    return new InMemoryDeviceStore(maxTimelineEntries, maxUnclaimed);
  }

  @Override
  public void recordSighting(Sighting s) {
    Device d = devices.computeIfAbsent(s.serialNumber(), k -> new Device());
    synchronized (d) {
      d.seen(s.at(), s.sourceAddress(), s.dialect());
      if (s.claimed()) {
        d.requests++;
        d.lastRequestAt = s.at();
        d.state = d.state.afterRequest();
      } else {
        d.state = DeviceState.UNCLAIMED;
      }
    }
    synchronized (unclaimedOrder) {
      if (!s.claimed()) {
        unclaimedOrder.put(s.serialNumber(), Boolean.TRUE);
        if (unclaimedOrder.size() > maxUnclaimed) {
          Iterator<String> eldest = unclaimedOrder.keySet().iterator();
          String gone = eldest.next();
          eldest.remove();
          devices.computeIfPresent(gone, (k, v) -> v.onlyUnclaimed() ? null : v);
        }
      } else {
        unclaimedOrder.remove(s.serialNumber());
      }
    }
  }

  @Override
  public AppendResult append(List<DeviceNotification> notifications, @Nullable String sourceAddress) {
    String serial = oneSerial(notifications);
    Device d = devices.computeIfAbsent(serial, k -> new Device());
    List<DeviceNotification> stored = new ArrayList<>(notifications.size());
    List<DeviceNotification> duplicates = new ArrayList<>(0);
    synchronized (d) {
      for (DeviceNotification n : notifications) {
        NotificationId id = n.report().notificationId();
        if (id != null && !d.ids.add(id)) {
          duplicates.add(n);
          continue;
        }
        long seq;
        synchronized (feedLock) {
          seq = ++feedSequence;
          feed.put(seq, n);
        }
        d.add(seq, n, maxTimelineEntries, this::forget);
        stored.add(n);
      }
      DeviceNotification last = notifications.get(notifications.size() - 1);
      d.seen(last.receivedAt(), sourceAddress, last.dialect());
    }
    return new AppendResult(stored, duplicates);
  }

  private void forget(long seq) {
    synchronized (feedLock) {
      feed.remove(seq);
    }
  }

  static String oneSerial(List<DeviceNotification> notifications) {
    if (notifications.isEmpty()) {
      throw new IllegalArgumentException("no notifications to append");
    }
    String serial = notifications.get(0).serialNumber();
    for (DeviceNotification n : notifications) {
      if (!n.serialNumber().equals(serial)) {
        throw new IllegalArgumentException("notifications of one device only: " + serial + " and "
            + n.serialNumber());
      }
    }
    return serial;
  }

  @Override
  public DeviceStatus status(String serialNumber) {
    Device d = devices.get(serialNumber);
    return d == null ? DeviceStatus.neverSeen(serialNumber) : d.status(serialNumber);
  }

  @Override
  public List<DeviceStatus> devices() {
    List<DeviceStatus> out = new ArrayList<>(devices.size());
    devices.forEach((serial, d) -> out.add(d.status(serial)));
    out.sort(Comparator.comparing(DeviceStatus::serialNumber));
    return out;
  }

  @Override
  public List<DeviceStatus> unclaimed() {
    List<DeviceStatus> out = new ArrayList<>();
    devices.forEach((serial, d) -> {
      DeviceStatus s = d.status(serial);
      if (s.state() == DeviceState.UNCLAIMED) {
        out.add(s);
      }
    });
    out.sort(Comparator.comparing(DeviceStatus::serialNumber));
    return out;
  }

  @Override
  public List<DeviceNotification> timeline(String serialNumber) {
    Device d = devices.get(serialNumber);
    return d == null ? List.of() : d.timeline();
  }

  @Override
  public List<ReportedMember> members(String serialNumber) {
    Device d = devices.get(serialNumber);
    return d == null ? List.of() : d.members();
  }

  @Override
  public FeedPage feed(FeedCursor after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    long from = position(after);
    List<FeedEvent> events = new ArrayList<>(Math.min(limit, 256));
    synchronized (feedLock) {
      for (Map.Entry<Long, DeviceNotification> e : feed.tailMap(from, false).entrySet()) {
        if (events.size() == limit) {
          break;
        }
        events.add(new FeedEvent(FeedCursor.of(Long.toString(e.getKey())), e.getValue()));
      }
    }
    return new FeedPage(events, events.isEmpty() ? after : events.get(events.size() - 1).position());
  }

  private static long position(FeedCursor c) {
    try {
      long p = Long.parseLong(c.value());
      if (p >= 0) {
        return p;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("not a cursor of the in-memory store: \"" + c.value() + "\"");
  }

  private static final class Device {
    private final ArrayDeque<Entry> timeline = new ArrayDeque<>();
    private final Set<NotificationId> ids = new HashSet<>();
    private final Map<Integer, ReportedMember> members = new TreeMap<>();
    private DeviceState state = DeviceState.NEVER_SEEN;
    private @Nullable Instant firstSeenAt;
    private @Nullable Instant lastSeenAt;
    private @Nullable String lastSource;
    private @Nullable Dialect lastDialect;
    private @Nullable Instant lastRequestAt;
    private @Nullable DeviceNotification last;
    private long requests;
    private long notifications;
    private long dropped;

    void seen(Instant at, @Nullable String source, Dialect dialect) {
      if (firstSeenAt == null) {
        firstSeenAt = at;
      }
      if (lastSeenAt == null || !at.isBefore(lastSeenAt)) {
        lastSeenAt = at;
      }
      if (source != null) {
        lastSource = source;
      }
      lastDialect = dialect;
    }

    void add(long seq, DeviceNotification n, int max, java.util.function.LongConsumer forget) {
      if (timeline.size() >= max) {
        Entry old = timeline.removeFirst();
        NotificationId oldId = old.notification.report().notificationId();
        if (oldId != null) {
          ids.remove(oldId);
        }
        forget.accept(old.seq);
        dropped++;
      }
      timeline.addLast(new Entry(seq, n));
      last = n;
      notifications++;
      ProgressType type = n.report().type();
      state = DeviceState.afterNotification(type);
      MemberRef m = n.report().member();
      if (m != null) {
        members.put(m.memberId(), new ReportedMember(m.memberId(), m.serialNumber(), m.role(), type,
            n.report().message(), n.receivedAt()));
      }
    }

    boolean onlyUnclaimed() {
      synchronized (this) {
        return state == DeviceState.UNCLAIMED && notifications == 0 && requests == 0;
      }
    }

    synchronized List<DeviceNotification> timeline() {
      List<DeviceNotification> out = new ArrayList<>(timeline.size());
      for (Entry e : timeline) {
        out.add(e.notification);
      }
      return out;
    }

    synchronized List<ReportedMember> members() {
      return List.copyOf(members.values());
    }

    synchronized DeviceStatus status(String serial) {
      return DeviceStatus.builder(serial, state)
          .phase(last == null ? null : last.report().type())
          .firstSeenAt(firstSeenAt)
          .lastSeenAt(lastSeenAt)
          .lastSourceAddress(lastSource)
          .lastDialect(lastDialect)
          .lastRequestAt(lastRequestAt)
          .lastNotification(last)
          .requests(requests)
          .notifications(notifications)
          .droppedNotifications(dropped)
          .members(new ArrayList<>(members.values()))
          .build();
    }
  }

  private record Entry(long seq, DeviceNotification notification) {
    Entry {
      Objects.requireNonNull(notification, "notification");
    }
  }
}
