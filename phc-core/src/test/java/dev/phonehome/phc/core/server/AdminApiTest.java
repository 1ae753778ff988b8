package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin JSON API of {@link PhoneHomeServer}: opt-in, token only, on the device port or its own listener. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {
  private static final String TOKEN = "0123456789abcdef-admin";
  private static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  private final TestTls tls = new TestTls();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T12:00:00Z"));
  private PhoneHomeServer server;
  @TempDir Path tmp;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private PhoneHomeServer start(PhoneHomeServer.Builder b) {
    server = b.records(Fixtures.records()).sslContext(tls.serverContext()).clock(clock).build().start();
    return server;
  }

  private OkHttpClient http() {
    return new OkHttpClient.Builder().sslSocketFactory(tls.clientContext().getSocketFactory(), tls.trustManager())
        .followRedirects(false).callTimeout(Duration.ofSeconds(20)).build();
  }

  private record Answer(int code, String body, String location) {}

  private Answer get(String url, String token) throws IOException {
    Request.Builder rb = new Request.Builder().url(url);
    if (token != null) {
      rb.header("Authorization", "Bearer " + token);
    }
    try (Response r = http().newCall(rb.build()).execute()) {
      return new Answer(r.code(), r.body().string(), r.header("Location"));
    }
  }

  private void notify(String serial, ProgressReport report) throws IOException {
    try (Response r = http().newCall(new Request.Builder().url(server.url() + DEVICES + serial + "/notification")
        .header("Authorization", Credentials.basic(serial, ""))
        .post(RequestBody.create(JuniperXmlCodec.encodeNotification(report), MediaType.get("application/yang-data+xml")))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(204);
    }
  }

  @Test
  void adminApiIsOffByDefault() throws IOException {
    start(PhoneHomeServer.builder());
    assertThat(server.adminUrl()).isNull();
    assertThat(server.adminHandler()).isNull();
    assertThat(get(server.url() + "phc/admin/v1/devices", TOKEN).code()).isEqualTo(404);
  }

  @Test
  void onTheDevicePortItAnswersOnlyTheTokenWithFleetTimelineInboxAndFeed() throws IOException {
    start(PhoneHomeServer.builder().adminApi(AdminToken.of(TOKEN)));
    String admin = server.adminUrl().toString();
    assertThat(admin).isEqualTo(server.url() + "phc/admin/v1/");
    notify(SERIAL_A, ProgressReport.builder(ProgressType.BOOTSTRAP_INITIATED).message("go \"quoted\"")
        .notificationId(new NotificationId("adm", 1)).build());
    try (Response r = http().newCall(new Request.Builder().url(server.url() + DEVICES + "STRANGER9")
        .header("Authorization", Credentials.basic("STRANGER9", "")).build()).execute()) {
      assertThat(r.code()).isEqualTo(404);
    }

    assertThat(get(admin + "devices", null).code()).isEqualTo(401);
    assertThat(get(admin + "devices", "wrong-token-wrong-token").code()).isEqualTo(401);

    Answer fleet = get(admin + "devices", TOKEN);
    assertThat(fleet.code()).isEqualTo(200);
    assertThat(fleet.body()).contains("\"serial\":\"" + SERIAL_A + "\"", "\"state\":\"in-progress\"",
        "\"phase\":\"bootstrap-initiated\"", "\"source\":\"127.0.0.1\"", "\"dialect\":\"juniper\"",
        "\"message\":\"go \\\"quoted\\\"\"", "\"serial\":\"STRANGER9\"", "\"state\":\"unclaimed\"");

    Answer one = get(admin + "devices/" + SERIAL_A, TOKEN);
    assertThat(one.body()).contains("\"timeline\":[{", "\"notification-id\":\"adm-1\"", "\"members\":[]");
    assertThat(get(admin + "devices/NOBODY", TOKEN).code()).isEqualTo(404);

    Answer inbox = get(admin + "unclaimed", TOKEN);
    assertThat(inbox.body()).startsWith("{\"unclaimed\":[{\"serial\":\"STRANGER9\"").contains("\"first-seen\":\"2026-04-01T12:00:00Z\"");

    Answer feed = get(admin + "feed?after=0&limit=10", TOKEN);
    assertThat(feed.code()).isEqualTo(200);
    assertThat(feed.body()).contains("\"events\":[{\"position\":\"1\"", "\"next\":\"1\"");
    assertThat(get(admin + "feed?after=1", TOKEN).body()).isEqualTo("{\"events\":[],\"next\":\"1\"}");
    Answer badLimit = get(admin + "feed?limit=5000", TOKEN);
    assertThat(badLimit.code()).isEqualTo(400);
    assertThat(badLimit.body()).contains("limit: must be 1 to 1000, was 5000");
    Answer badCursor = get(admin + "feed?after=x.y.z", TOKEN);
    assertThat(badCursor.code()).isEqualTo(400);
    assertThat(badCursor.body()).contains("after: not a cursor of the in-memory store");
  }

  @Test
  void onItsOwnListenerTheDevicePortPointsTokenHoldersThereAndHidesItFromOthers() throws IOException {
    start(PhoneHomeServer.builder().adminApi(AdminToken.of(TOKEN)).adminBind("127.0.0.1", 0));
    String admin = server.adminUrl().toString();
    assertThat(server.adminUrl().getPort()).isNotEqualTo(server.port());
    assertThat(get(admin + "devices", TOKEN).code()).isEqualTo(200);
    Answer redirect = get(server.url() + "phc/admin/v1/devices", TOKEN);
    assertThat(redirect.code()).isEqualTo(307);
    assertThat(redirect.location()).isEqualTo(admin + "devices");
    assertThat(get(server.url() + "phc/admin/v1/devices", null).code()).isEqualTo(404);
    assertThat(get(server.url() + "phc/admin/v1/devices", "wrong-token-wrong-token").code()).isEqualTo(404);
    assertThat(get(admin + "restconf/operations/ietf-sztp-bootstrap-server:report-progress", TOKEN).code())
        .as("devices are not served on the admin listener").isEqualTo(404);
  }

  @Test
  void tokensComeFromAFileOrTheEnvironmentAndAreNeverShort() throws IOException {
    Path file = Files.writeString(tmp.resolve("t"), "  " + TOKEN + "  \nsecond line ignored\n");
    assertThat(AdminToken.fromFile(file).matches(TOKEN)).isTrue();
    assertThat(AdminToken.fromFile(file).toString()).doesNotContain(TOKEN);
    Path shortOne = Files.writeString(tmp.resolve("s"), "short\n");
    assertThatThrownBy(() -> AdminToken.fromFile(shortOne)).hasMessageContaining(shortOne.toString())
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> AdminToken.fromFile(tmp.resolve("missing"))).hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> AdminToken.fromEnvironment("PHC_SURELY_UNSET_VARIABLE_" + System.nanoTime()))
        .hasMessageContaining("is not set");
    assertThat(AdminToken.fromEnvironment("X", TOKEN).authorizes("bearer " + TOKEN)).isTrue();
    assertThat(AdminToken.of(TOKEN).authorizes("Basic " + TOKEN)).isFalse();
  }
}
