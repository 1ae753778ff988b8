package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.server.AppendResult;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import dev.phonehome.phc.core.server.ServerEventListener;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A {@link DeviceStore} whose every call is timed for the {@link ServerEventListener}. */
public final class TimedDeviceStore implements DeviceStore {
  private final DeviceStore store;
  private final ServerEventListener listener;

  public TimedDeviceStore(DeviceStore store, ServerEventListener listener) {
    this.store = store;
    this.listener = listener;
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    boolean ok = false;
    try {
      T t = call.get();
      ok = true;
      return t;
    } finally {
      try {
        listener.storeCalled(operation, Duration.ofNanos(System.nanoTime() - start), ok);
      } catch (RuntimeException e) {
        // a listener must not throw
      }
    }
  }

  @Override
  public void recordSighting(Sighting sighting) {
    timed("recordSighting", () -> {
      store.recordSighting(sighting);
      return null;
    });
  }

  @Override
  public AppendResult append(List<DeviceNotification> notifications, @Nullable String sourceAddress) {
    return timed("append", () -> store.append(notifications, sourceAddress));
  }

  @Override
  public DeviceStatus status(String serialNumber) {
    return timed("status", () -> store.status(serialNumber));
  }

  @Override
  public List<DeviceStatus> devices() {
    return timed("devices", store::devices);
  }

  @Override
  public List<DeviceStatus> unclaimed() {
    return timed("unclaimed", store::unclaimed);
  }

  @Override
  public List<DeviceNotification> timeline(String serialNumber) {
    return timed("timeline", () -> store.timeline(serialNumber));
  }

  @Override
  public List<ReportedMember> members(String serialNumber) {
    return timed("members", () -> store.members(serialNumber));
  }

  @Override
  public FeedPage feed(FeedCursor after, int limit) {
    return timed("feed", () -> store.feed(after, limit));
  }

  @Override
  public void close() {
    store.close();
  }
}
