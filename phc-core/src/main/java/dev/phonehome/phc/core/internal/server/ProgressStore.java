package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.server.AppendResult;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ProgressListener;
import dev.phonehome.phc.api.server.ProgressQuery;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of its {@link DeviceStore}: stamps what devices send with the server's clock, stores it,
 * tells the listeners after the store has it, and reads back through the store with the stall judgement
 * ({@link DeviceState#STALLED}) applied at query time.
 */
public final class ProgressStore implements ProgressQuery {
  private static final Logger log = LoggerFactory.getLogger(ProgressStore.class);
  private static final long WARN_EVERY_NANOS = Duration.ofSeconds(30).toNanos();

  private final DeviceStore store;
  private final Clock clock;
  private final Duration stalledAfter;
  private final List<ProgressListener> listeners;
  private final AtomicLong lastSightingWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  public ProgressStore(DeviceStore store, Clock clock, Duration stalledAfter, List<ProgressListener> listeners) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stalledAfter = Objects.requireNonNull(stalledAfter, "stalledAfter");
    this.listeners = List.copyOf(listeners);
  }

  /** The store behind this view. */
  public DeviceStore store() {
    return store;
  }

  /** A bootstrap request for {@code serial} was answered with data. A store failure is logged, not thrown. */
  public void recordRequest(String serial, Dialect dialect, @Nullable String source) {
    sighting(new Sighting(serial, now(), dialect, source, true));
  }

  /** A bootstrap request for {@code serial} found no record (404). A store failure is logged, not thrown. */
  public void recordUnclaimed(String serial, Dialect dialect, @Nullable String source) {
    sighting(new Sighting(serial, now(), dialect, source, false));
  }

  private void sighting(Sighting s) {
    try {
      store.recordSighting(s);
    } catch (RuntimeException e) {
      long now = System.nanoTime();
      long last = lastSightingWarning.get();
      if (now - last >= WARN_EVERY_NANOS && lastSightingWarning.compareAndSet(last, now)) {
        log.warn("device store could not record that {} was seen; the device was answered anyway (further such"
            + " failures in the next 30 s are logged at debug)", s.serialNumber(), e);
      } else {
        log.debug("device store could not record that {} was seen", s.serialNumber(), e);
      }
    }
  }

  /**
   * Stamps and stores one request's notifications, then tells the listeners about those newly stored (not the
   * duplicates), in order. Returns only after the store has them.
   *
   * @throws PhcStoreException when the store could not store them: answer 503, the device sends them again
   */
  public AppendResult recordNotifications(String serial, Dialect dialect, @Nullable String source,
      List<ProgressReport> reports) {
    List<DeviceNotification> batch = new ArrayList<>(reports.size());
    for (ProgressReport r : reports) {
      batch.add(new DeviceNotification(serial, now(), dialect, r));
    }
    AppendResult result;
    try {
      result = store.append(batch, source);
    } catch (PhcStoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PhcStoreException("the device store failed to store " + batch.size() + " notification(s) of "
          + serial + ": " + e, e);
    }
    for (DeviceNotification n : result.stored()) {
      for (ProgressListener l : listeners) {
        try {
          l.onNotification(n);
        } catch (RuntimeException e) {
          log.warn("progress listener {} threw for {}; skipped (the notification is stored)", l, n, e);
        }
      }
    }
    return result;
  }

  /** Stores one notification (see {@link #recordNotifications}); returns it as stamped. */
  public DeviceNotification recordNotification(String serial, Dialect dialect, ProgressReport report) {
    AppendResult r = recordNotifications(serial, dialect, null, List.of(report));
    return r.stored().isEmpty() ? r.duplicates().get(0) : r.stored().get(0);
  }

  private Instant now() {
    // Stores keep microseconds (PostgreSQL's timestamp precision); stamping at that precision keeps what is
    // read back equal to what listeners heard.
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  @Override
  public DeviceStatus status(String serialNumber) {
    return judge(store.status(serialNumber), clock.instant());
  }

  @Override
  public List<DeviceNotification> timeline(String serialNumber) {
    return store.timeline(serialNumber);
  }

  @Override
  public List<ReportedMember> members(String serialNumber) {
    return store.members(serialNumber);
  }

  @Override
  public List<DeviceStatus> devices() {
    Instant now = clock.instant();
    List<DeviceStatus> all = store.devices();
    List<DeviceStatus> out = new ArrayList<>(all.size());
    for (DeviceStatus s : all) {
      out.add(judge(s, now));
    }
    return out;
  }

  @Override
  public List<DeviceStatus> unclaimed() {
    return store.unclaimed();
  }

  @Override
  public FeedPage feed(FeedCursor after, int limit) {
    return store.feed(after, limit);
  }

  /** A requested or in-progress device with nothing heard for longer than the stall time is STALLED. */
  private DeviceStatus judge(DeviceStatus s, Instant now) {
    if (s.state() != DeviceState.REQUESTED && s.state() != DeviceState.IN_PROGRESS) {
      return s;
    }
    Instant lastHeard = s.lastSeenAt();
    if (lastHeard == null) {
      lastHeard = latest(s.lastRequestAt(), s.lastNotification() == null ? null : s.lastNotification().receivedAt());
    }
    if (lastHeard != null && Duration.between(lastHeard, now).compareTo(stalledAfter) > 0) {
      return s.toBuilder().state(DeviceState.STALLED).build();
    }
    return s;
  }

  private static @Nullable Instant latest(@Nullable Instant a, @Nullable Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
