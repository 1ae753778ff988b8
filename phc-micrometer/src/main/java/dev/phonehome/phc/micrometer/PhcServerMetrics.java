package dev.phonehome.phc.micrometer;

import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.ProgressListener;
import dev.phonehome.phc.api.server.ProgressQuery;
import dev.phonehome.phc.core.server.ServerEventListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Micrometer metrics of a phone-home server:
 *
 * <ul>
 *   <li>{@code phc.server.requests} (timer, tags {@code route}, {@code status}): every answered request;
 *   <li>{@code phc.server.auth.failures} (counter, tags {@code route}, {@code status}): requests refused with 401,
 *       403 or 429;
 *   <li>{@code phc.server.tls.handshakes} (counter, tag {@code result}: success, failure);
 *   <li>{@code phc.server.notifications} (counter, tag {@code type}): notifications stored, by progress type;
 *   <li>{@code phc.server.devices} (gauge, tag {@code state}): devices by state, read from the server's store
 *       at each scrape ({@link #bindDevices});
 *   <li>{@code phc.server.store} (timer, tags {@code operation}, {@code result}): calls of the device store.
 * </ul>
 *
 * <pre>{@code
 * PhcServerMetrics metrics = new PhcServerMetrics(registry);
 * PhoneHomeServer server = PhoneHomeServer.builder()...
 *     .eventListener(metrics).addProgressListener(metrics).build();
 * metrics.bindDevices(server.progress());
 * }</pre>
 */
public final class PhcServerMetrics implements ServerEventListener, ProgressListener {
  private final MeterRegistry registry;

  public PhcServerMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Registers {@code phc.server.devices} gauges, one per {@link DeviceState}, over {@code progress}. */
  public PhcServerMetrics bindDevices(ProgressQuery progress) {
    Objects.requireNonNull(progress, "progress");
    for (DeviceState state : DeviceState.values()) {
      Gauge.builder("phc.server.devices", progress, p -> count(p, state))
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .description("devices by state, as the server's store has them")
          .register(registry);
    }
    return this;
  }

  @Override
  public void requestHandled(String route, int status, Duration elapsed) {
    String s = Integer.toString(status);
    Timer.builder("phc.server.requests").tags("route", route, "status", s)
        .description("requests answered by the phone-home server").register(registry).record(elapsed);
    if (status == 401 || status == 403 || status == 429) {
      registry.counter("phc.server.auth.failures", "route", route, "status", s).increment();
    }
  }

  @Override
  public void tlsHandshake(boolean succeeded) {
    registry.counter("phc.server.tls.handshakes", "result", succeeded ? "success" : "failure").increment();
  }

  @Override
  public void storeCalled(String operation, Duration elapsed, boolean succeeded) {
    Timer.builder("phc.server.store").tags("operation", operation, "result", succeeded ? "success" : "failure")
        .description("calls of the server's DeviceStore").register(registry).record(elapsed);
  }

  @Override
  public void onNotification(DeviceNotification notification) {
    registry.counter("phc.server.notifications", "type", notification.report().type().name()).increment();
  }

  private static double count(ProgressQuery progress, DeviceState state) {
    long n = 0;
    for (DeviceStatus d : progress.devices()) {
      if (d.state() == state) {
        n++;
      }
    }
    return n;
  }
}
