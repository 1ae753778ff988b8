package dev.phonehome.phc.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(FakePhoneHomeServerExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakePhoneHomeServerTest {
  private static final String SERIAL = "PE3714100218";
  private static final OnboardingInformation ONBOARDING = OnboardingInformation.builder().build();

  private static OkHttpClient client(FakePhoneHomeServer phs) {
    return new OkHttpClient.Builder()
        .sslSocketFactory(phs.clientSslSocketFactory(), phs.clientTrustManager())
        .readTimeout(Duration.ofSeconds(5))
        .retryOnConnectionFailure(false)
        .build();
  }

  private static Response get(FakePhoneHomeServer phs, OkHttpClient client) throws IOException {
    return client.newCall(new Request.Builder().url(phs.juniperDeviceUrl(SERIAL).toString())
        .header("Authorization", Credentials.basic(SERIAL, "")).build()).execute();
  }

  @Test
  void enqueuedBootstrapIsServedInTheJuniperDialectAndTheRequestRecorded(FakePhoneHomeServer phs) throws Exception {
    RedirectInformation redirect = RedirectInformation.of(new BootstrapServer("phs.example.net", 443, null));
    phs.enqueue(FakeAnswer.bootstrap(redirect));
    try (Response r = get(phs, client(phs))) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(JuniperXmlCodec.decodeDevice(r.body().byteStream(), CodecLimits.DEFAULT).conveyedInformation())
          .isEqualTo(redirect);
    }
    RecordedRequest request = phs.takeRequest();
    assertThat(request.kind()).isEqualTo(RecordedRequest.Kind.BOOTSTRAP);
    assertThat(request.dialect()).isEqualTo(Dialect.JUNIPER);
    assertThat(request.serialNumber()).isEqualTo(SERIAL);
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.sequenceNumber()).isZero();
  }

  @Test
  void withNothingEnqueuedAnUnknownSerialGets404AndARecordIsServed(FakePhoneHomeServer phs) throws Exception {
    OkHttpClient client = client(phs);
    try (Response r = get(phs, client)) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.body().string()).contains("ietf-restconf");
    }
    phs.addRecord(SERIAL, ONBOARDING);
    try (Response r = get(phs, client)) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertThat(phs.requestCount()).isEqualTo(2);
  }

  @Test
  void notificationsAreAnswered204AndCanBeTaken(FakePhoneHomeServer phs) throws Exception {
    byte[] body = JuniperXmlCodec.encodeNotification(ProgressReport.of(ProgressType.BOOTSTRAP_COMPLETE, "done"));
    try (Response r = client(phs).newCall(new Request.Builder()
        .url(phs.juniperDeviceUrl(SERIAL) + "/notification")
        .header("Authorization", Credentials.basic(SERIAL, ""))
        .post(RequestBody.create(body, MediaType.get("application/yang-data+xml"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(204);
    }
    DeviceNotification n = phs.takeNotification();
    assertThat(n.serialNumber()).isEqualTo(SERIAL);
    assertThat(n.report().type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(phs.takeRequest().kind()).isEqualTo(RecordedRequest.Kind.NOTIFICATION);
    assertThat(phs.takeNotification(Duration.ofMillis(50))).isNull();
  }

  @Test
  void aNotificationSentTwiceWithTheSameIdIsOneDistinctNotification(FakePhoneHomeServer phs) throws Exception {
    ProgressReport report = ProgressReport.builder(ProgressType.BOOTSTRAP_COMPLETE).message("done")
        .notificationId(NotificationId.parse("r1-9")).build();
    byte[] body = JuniperXmlCodec.encodeNotification(report);
    byte[] other = JuniperXmlCodec.encodeNotification(report.toBuilder().notificationId(NotificationId.parse("r1-10"))
        .build());
    for (byte[] b : new byte[][] {body, body, other}) {
      try (Response r = client(phs).newCall(new Request.Builder()
          .url(phs.juniperDeviceUrl(SERIAL) + "/notification")
          .header("Authorization", Credentials.basic(SERIAL, ""))
          .post(RequestBody.create(b, MediaType.get("application/yang-data+xml"))).build()).execute()) {
        assertThat(r.code()).isEqualTo(204);
      }
    }
    assertThat(phs.notifications()).hasSize(3);
    assertThat(phs.distinctNotifications()).extracting(n -> n.report().notificationId().toString())
        .containsExactly("r1-9", "r1-10");
  }

  @Test
  void httpErrorAnswersWithThatStatusAndARestconfBody(FakePhoneHomeServer phs) throws Exception {
    phs.enqueue(FakeAnswer.httpError(500));
    try (Response r = get(phs, client(phs))) {
      assertThat(r.code()).isEqualTo(500);
      assertThat(r.body().string()).contains("operation-failed");
    }
  }

  @Test
  void httpErrorCarriesTheErrorTagRfc8040PairsWithItsStatus(FakePhoneHomeServer phs) throws Exception {
    Map<Integer, String> expected = Map.of(400, "invalid-value", 401, "access-denied", 403, "access-denied",
        404, "invalid-value", 405, "operation-not-supported", 409, "resource-denied", 413, "too-big",
        501, "operation-not-supported", 503, "operation-failed");
    for (Map.Entry<Integer, String> e : new java.util.TreeMap<>(expected).entrySet()) {
      phs.enqueue(FakeAnswer.httpError(e.getKey()));
      try (Response r = get(phs, client(phs))) {
        assertThat(r.code()).isEqualTo(e.getKey());
        assertThat(r.body().string()).as("status %s", e.getKey()).contains(e.getValue());
      }
    }
  }

  @Test
  void closeConnectionFailsTheCall(FakePhoneHomeServer phs) throws Exception {
    phs.enqueue(FakeAnswer.closeConnection());
    assertThatThrownBy(() -> get(phs, client(phs)).close()).isInstanceOf(IOException.class);
    assertThat(phs.takeRequest().serialNumber()).isEqualTo(SERIAL);
  }

  @Test
  void stallMakesTheClientTimeOut(FakePhoneHomeServer phs) {
    phs.enqueue(FakeAnswer.stall(Duration.ofSeconds(30)));
    OkHttpClient impatient = client(phs).newBuilder().readTimeout(Duration.ofMillis(300)).build();
    assertThatThrownBy(() -> get(phs, impatient).close()).isInstanceOf(java.net.SocketTimeoutException.class);
  }

  @Test
  void truncatedBodyEndsBeforeItsContentLength(FakePhoneHomeServer phs) throws Exception {
    phs.enqueue(FakeAnswer.truncatedBody(ONBOARDING, 20));
    try (Response r = get(phs, client(phs))) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.body().contentLength()).isGreaterThan(20);
      assertThatThrownBy(() -> r.body().bytes()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void dispatcherDecidesEveryAnswer(FakePhoneHomeServer phs) throws Exception {
    phs.dispatcher(req -> req.serialNumber() != null && req.serialNumber().endsWith("18")
        ? FakeAnswer.bootstrap(ONBOARDING) : FakeAnswer.httpError(403));
    try (Response r = get(phs, client(phs))) {
      assertThat(r.code()).isEqualTo(200);
    }
    try (Response r = client(phs).newCall(new Request.Builder().url(phs.juniperDeviceUrl("OTHER").toString())
        .header("Authorization", Credentials.basic("OTHER", "")).build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
    }
  }

  @Test
  void rfc8572GetBootstrappingDataIsRecordedWithTheBasicUsernameAsSerial(FakePhoneHomeServer phs) throws Exception {
    phs.enqueue(FakeAnswer.httpError(404));
    try (Response r = client(phs).newCall(new Request.Builder()
        .url(phs.url() + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data")
        .header("Authorization", Credentials.basic(SERIAL, ""))
        .header("Accept", "application/yang-data+json")
        .post(RequestBody.create("{}", MediaType.get("application/yang-data+json"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.header("Content-Type")).isEqualTo("application/yang-data+json");
    }
    RecordedRequest req = phs.takeRequest();
    assertThat(req.dialect()).isEqualTo(Dialect.RFC8572);
    assertThat(req.serialNumber()).isEqualTo(SERIAL);
    assertThat(req.bodyText()).isEqualTo("{}");
  }
}
