package dev.phonehome.phc.micrometer;

import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.model.ProgressReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer metrics of a phone-home client, as its {@link PhoneHomeEventListener}:
 *
 * <ul>
 *   <li>{@code phc.client.phase} (timer, tag {@code phase}): how long each step of the process took, from its
 *       start to the next step's start (or the end of the run);
 *   <li>{@code phc.client.retries} (counter, tag {@code kind}: {@code server} for a bootstrap server that failed,
 *       {@code image-download} for a failed download attempt);
 *   <li>{@code phc.client.image.bytes} (counter, base unit bytes): bytes of images staged;
 *   <li>{@code phc.client.notifications} (counter, tag {@code outcome}: queued, delivered, refused);
 *   <li>{@code phc.client.runs} (counter, tag {@code result}: completed, failed).
 * </ul>
 *
 * <pre>{@code
 * PhoneHomeClient.builder().eventListener(new PhcClientMetrics(registry, clock))...
 * }</pre>
 *
 * Durations are measured on {@code clock}, the one given to the client (a virtual clock in tests). A listener is
 * for one client run at a time.
 */
public final class PhcClientMetrics implements PhoneHomeEventListener {
  private final MeterRegistry registry;
  private final Clock clock;
  private final Counter serverRetries;
  private final Counter downloadRetries;
  private final Counter imageBytes;
  private @Nullable String step;
  private @Nullable Instant stepStart;

  /** Metrics on {@code registry}, timed with the client's {@code clock}. */
  public PhcClientMetrics(MeterRegistry registry, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.serverRetries = Counter.builder("phc.client.retries").tag("kind", "server")
        .description("bootstrap servers that failed and were retried or skipped").register(registry);
    this.downloadRetries = Counter.builder("phc.client.retries").tag("kind", "image-download")
        .description("image download attempts that failed").register(registry);
    this.imageBytes = Counter.builder("phc.client.image.bytes").baseUnit("bytes")
        .description("bytes of boot images staged").register(registry);
  }

  @Override
  public synchronized void stepStarted(String step) {
    endStep();
    this.step = step;
    this.stepStart = clock.instant();
  }

  @Override
  public void serverFailed(String serverUrl, PhcException error) {
    serverRetries.increment();
  }

  @Override
  public void imageDownloadFailed(String uri, int attempt, String reason) {
    downloadRetries.increment();
  }

  @Override
  public void imageStaged(String path, long size) {
    imageBytes.increment(size);
  }

  @Override
  public void notificationQueued(ProgressReport report) {
    notifications("queued");
  }

  @Override
  public void notificationDelivered(ProgressReport report) {
    notifications("delivered");
  }

  @Override
  public void notificationRefused(ProgressReport report, int httpStatus, @Nullable String reason) {
    notifications("refused");
  }

  @Override
  public synchronized void runCompleted() {
    endStep();
    registry.counter("phc.client.runs", "result", "completed").increment();
  }

  @Override
  public synchronized void runFailed(PhcException error) {
    endStep();
    registry.counter("phc.client.runs", "result", "failed").increment();
  }

  private void notifications(String outcome) {
    registry.counter("phc.client.notifications", "outcome", outcome).increment();
  }

  private void endStep() {
    String s = step;
    Instant start = stepStart;
    if (s != null && start != null) {
      Duration d = Duration.between(start, clock.instant());
      Timer.builder("phc.client.phase").tag("phase", s).description("time spent in each step of the process")
          .register(registry).record(d.isNegative() ? Duration.ZERO : d);
    }
    step = null;
    stepStart = null;
  }
}
