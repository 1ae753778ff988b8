package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.AppendResult;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Acknowledge only what is stored, over real HTTPS: 2xx after the store has a notification, 503 with
 * Retry-After when it cannot, one stored copy per notification id, listeners after the store and never able
 * to lose a notification, and the unclaimed inbox.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotificationStorageTest {
  private static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  private final TestTls tls = new TestTls();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-02-01T08:00:00Z"));
  private final FailingStore store = new FailingStore(InMemoryDeviceStore.create());
  private final List<DeviceNotification> heard = new CopyOnWriteArrayList<>();
  private PhoneHomeServer server;
  /** The RFC 8572 device's secret (RFC 8572 section 5.3: serial + empty password is not enough there). */
  private static final String RFC_SECRET = "rfc-secret";

  private PhoneHomeServer start(dev.phonehome.phc.api.server.ProgressListener... listeners) {
    PhoneHomeServer.Builder b = PhoneHomeServer.builder()
        .records(Fixtures.records())
        .authenticator(DeviceAuthentication.builder()
            .deviceSecrets(DeviceSecrets.of(java.util.Map.of(SERIAL_A, RFC_SECRET))).build())
        .store(store)
        .sslContext(tls.serverContext())
        .clock(clock);
    for (dev.phonehome.phc.api.server.ProgressListener l : listeners) {
      b.addProgressListener(l);
    }
    server = b.build().start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OkHttpClient client() {
    return new OkHttpClient.Builder()
        .sslSocketFactory(tls.clientContext().getSocketFactory(), tls.trustManager())
        .callTimeout(Duration.ofSeconds(20))
        .build();
  }

  private Response postJuniper(String serial, ProgressReport report) throws IOException {
    return client().newCall(new Request.Builder()
        .url(server.url() + DEVICES + serial + "/notification")
        // A device with a secret sends it in both dialects (else the Juniper dialect would bypass it).
        .header("Authorization", Credentials.basic(serial, serial.equals(SERIAL_A) ? RFC_SECRET : ""))
        .post(RequestBody.create(JuniperXmlCodec.encodeNotification(report),
            MediaType.get("application/yang-data+xml")))
        .build()).execute();
  }

  private static ProgressReport withId(ProgressType type, String message, long seq) {
    return ProgressReport.builder(type).message(message).notificationId(new NotificationId("run7", seq)).build();
  }

  @Test
  void storeFailureAnswers503WithRetryAfterAndTheRetryIsStoredOnce() throws IOException {
    start(heard::add);
    ProgressReport report = withId(ProgressType.BOOT_IMAGE_INITIATED, "downloading", 1);
    store.failing.set(true);
    try (Response r = postJuniper(SERIAL_A, report)) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isEqualTo("5");
      assertThat(r.header("Content-Type")).isEqualTo(Encoding.XML.mediaType());
      assertThat(r.body().string()).contains("<error-tag>operation-failed</error-tag>")
          .contains("could not be stored; send it again later");
    }
    assertThat(heard).as("nothing is heard that was not stored").isEmpty();
    assertThat(server.progress().timeline(SERIAL_A)).isEmpty();

    store.failing.set(false);
    try (Response r = postJuniper(SERIAL_A, report)) {
      assertThat(r.code()).isEqualTo(204);
    }
    assertThat(server.progress().timeline(SERIAL_A)).extracting(n -> n.report().notificationId())
        .containsExactly(new NotificationId("run7", 1));
    assertThat(heard).hasSize(1);
  }

  @Test
  void storeFailureOfTheRfcDialectIs503WithAJsonErrorBody() throws IOException {
    start();
    store.failing.set(true);
    byte[] body = Rfc8572Codec.encodeReportProgress(ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "x"),
        Encoding.JSON);
    try (Response r = client().newCall(new Request.Builder()
        .url(server.url() + "restconf/operations/ietf-sztp-bootstrap-server:report-progress")
        .header("Authorization", Credentials.basic(SERIAL_A, RFC_SECRET))
        .post(RequestBody.create(body, MediaType.get(Encoding.JSON.mediaType())))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(503);
      assertThat(r.header("Retry-After")).isEqualTo("5");
      assertThat(r.body().string()).contains("\"error-tag\": \"operation-failed\"");
    }
  }

  @Test
  void sameNotificationIdTwiceIsAnswered204AndStoredOnce() throws IOException {
    start(heard::add);
    ProgressReport first = withId(ProgressType.BOOTSTRAP_INITIATED, "starting", 1);
    for (int i = 0; i < 2; i++) {
      try (Response r = postJuniper(SERIAL_A, first)) {
        assertThat(r.code()).isEqualTo(204);
      }
      clock.advance(Duration.ofSeconds(1));
    }
    // The RFC 8572 dialect carries the id at the end of the message; the server strips it and de-duplicates.
    ProgressReport second = withId(ProgressType.PARSING_INITIATED, "parsing", 2);
    byte[] body = Rfc8572Codec.encodeReportProgress(second, Encoding.JSON);
    for (int i = 0; i < 2; i++) {
      try (Response r = client().newCall(new Request.Builder()
          .url(server.url() + "restconf/operations/ietf-sztp-bootstrap-server:report-progress")
          .header("Authorization", Credentials.basic(SERIAL_A, RFC_SECRET))
          .post(RequestBody.create(body, MediaType.get(Encoding.JSON.mediaType())))
          .build()).execute()) {
        assertThat(r.code()).isEqualTo(204);
      }
    }
    List<DeviceNotification> timeline = server.progress().timeline(SERIAL_A);
    assertThat(timeline).extracting(n -> n.report().message()).containsExactly("starting", "parsing");
    assertThat(timeline.get(0).receivedAt()).isEqualTo(Instant.parse("2026-02-01T08:00:00Z"));
    assertThat(heard).as("a duplicate is not heard again").isEqualTo(timeline);
    assertThat(server.progress().status(SERIAL_A).notifications()).isEqualTo(2);
  }

  @Test
  void listenersRunAfterTheStoreHasTheNotificationAndAThrowingOneLosesNothing() throws IOException {
    List<Boolean> storedWhenHeard = new CopyOnWriteArrayList<>();
    start(n -> {
      throw new IllegalStateException("listener bug");
    }, n -> storedWhenHeard.add(store.timeline(n.serialNumber()).contains(n)));
    try (Response r = postJuniper(SERIAL_A, ProgressReport.of(ProgressType.CONFIG_COMPLETE, "committed"))) {
      assertThat(r.code()).isEqualTo(204);
    }
    assertThat(storedWhenHeard).containsExactly(true);
    assertThat(server.progress().timeline(SERIAL_A)).extracting(n -> n.report().type())
        .containsExactly(ProgressType.CONFIG_COMPLETE);
  }

  @Test
  void serialPollingWithoutRecordIsInTheUnclaimedInboxWithItsSource() throws IOException {
    start();
    clock.advance(Duration.ofMinutes(1));
    try (Response r = client().newCall(new Request.Builder()
        .url(server.url() + DEVICES + "NEWSWITCH01")
        .header("Authorization", Credentials.basic("NEWSWITCH01", ""))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(404);
    }
    List<DeviceStatus> inbox = server.progress().unclaimed();
    assertThat(inbox).singleElement().satisfies(s -> {
      assertThat(s.serialNumber()).isEqualTo("NEWSWITCH01");
      assertThat(s.state()).isEqualTo(DeviceState.UNCLAIMED);
      assertThat(s.lastSourceAddress()).isEqualTo("127.0.0.1");
      assertThat(s.lastDialect()).isEqualTo(Dialect.JUNIPER);
      assertThat(s.lastSeenAt()).isEqualTo(Instant.parse("2026-02-01T08:01:00Z"));
    });
    assertThat(server.progress().status("NEWSWITCH01").state()).isEqualTo(DeviceState.UNCLAIMED);
    // A notification from an unclaimed serial is still refused and stores nothing.
    try (Response r = postJuniper("NEWSWITCH01", ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "x"))) {
      assertThat(r.code()).isEqualTo(404);
    }
    assertThat(server.progress().timeline("NEWSWITCH01")).isEmpty();
  }

  @Test
  void bootstrapAnswerDoesNotDependOnTheStoreRecordingTheSighting() throws IOException {
    start();
    store.failing.set(true);
    try (Response r = client().newCall(new Request.Builder()
        .url(server.url() + DEVICES + SERIAL_A)
        .header("Authorization", Credentials.basic(SERIAL_A, RFC_SECRET))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void feedReadsThroughTheServer() throws IOException {
    start();
    try (Response r = postJuniper(SERIAL_A, ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "a"))) {
      assertThat(r.code()).isEqualTo(204);
    }
    FeedPage page = server.progress().feed(FeedCursor.START, 10);
    assertThat(page.events()).singleElement().satisfies(e -> {
      assertThat(e.notification().report().message()).isEqualTo("a");
      assertThat(e.position()).isEqualTo(page.next());
    });
  }

  /** A store that fails every write while {@link #failing} is set, as a database that is down would. */
  static final class FailingStore implements DeviceStore {
    final AtomicBoolean failing = new AtomicBoolean();
    private final DeviceStore delegate;

    FailingStore(DeviceStore delegate) {
      this.delegate = delegate;
    }

    private void check() {
      if (failing.get()) {
        throw new PhcStoreException("database unreachable (test)");
      }
    }

    @Override
    public void recordSighting(Sighting sighting) {
      check();
      delegate.recordSighting(sighting);
    }

    @Override
    public AppendResult append(List<DeviceNotification> notifications, @Nullable String sourceAddress) {
      check();
      return delegate.append(notifications, sourceAddress);
    }

    @Override
    public DeviceStatus status(String serialNumber) {
      return delegate.status(serialNumber);
    }

    @Override
    public List<DeviceStatus> devices() {
      return delegate.devices();
    }

    @Override
    public List<DeviceStatus> unclaimed() {
      return delegate.unclaimed();
    }

    @Override
    public List<DeviceNotification> timeline(String serialNumber) {
      return delegate.timeline(serialNumber);
    }

    @Override
    public List<ReportedMember> members(String serialNumber) {
      return delegate.members(serialNumber);
    }

    @Override
    public FeedPage feed(FeedCursor after, int limit) {
      return delegate.feed(after, limit);
    }
  }
}
