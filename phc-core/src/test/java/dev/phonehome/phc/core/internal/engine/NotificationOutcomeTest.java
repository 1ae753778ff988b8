package dev.phonehome.phc.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport.ReportOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the HTTPS transport makes of the server's answer to a notification: delivered, refused (with the status
 * and the server's RESTCONF error), not claimed (404), retry later (5xx, 408, 429, network; with Retry-After),
 * or withheld from a server that is not trusted.
 */
@Timeout(30)
class NotificationOutcomeTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final ProgressReport REPORT = ProgressReport.builder(ProgressType.BOOTSTRAP_COMPLETE)
      .message("done").notificationId(new NotificationId("run1", 7)).build();
  private static final String ERRORS = "{\"ietf-restconf:errors\":{\"error\":[{\"error-type\":\"application\","
      + "\"error-tag\":\"invalid-value\",\"error-message\":\"unknown progress-type\"}]}}";

  private final MockWebServer server = new MockWebServer();
  private HttpBootstrapTransport transport;
  private EngineState.Server target;

  @BeforeEach
  void start() throws Exception {
    HeldCertificate root = new HeldCertificate.Builder().certificateAuthority(0).build();
    HeldCertificate leaf = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").signedBy(root).build();
    server.useHttps(new HandshakeCertificates.Builder().heldCertificate(leaf, root.certificate()).build()
        .sslSocketFactory());
    server.start();
    HandshakeCertificates client = new HandshakeCertificates.Builder().addTrustedCertificate(root.certificate()).build();
    OkHttpClient http = new OkHttpClient.Builder().sslSocketFactory(client.sslSocketFactory(), client.trustManager())
        .readTimeout(Duration.ofSeconds(5)).build();
    transport = new HttpBootstrapTransport(http, Dialect.RFC8572, Encoding.JSON, "PE1", "", null, null,
        Clock.fixed(NOW, ZoneOffset.UTC), CodecLimits.DEFAULT);
    target = new EngineState.Server("https://localhost:" + server.getPort(), null);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ReportOutcome answer(MockResponse response) {
    server.enqueue(response);
    return transport.report(target, REPORT);
  }

  @Test
  void twoHundredsAreDelivered() {
    assertThat(answer(new MockResponse.Builder().code(204).build())).isInstanceOf(ReportOutcome.Delivered.class);
    // RFC 8572 section 5.6 wants exactly 204 for bootstrap-initiated and bootstrap-complete (Rfc8572Section5_6Test);
    // any other report is delivered on 200 and 201 too.
    server.enqueue(new MockResponse.Builder().code(201).build());
    assertThat(transport.report(target, ProgressReport.builder(ProgressType.CONFIG_COMPLETE).message("ok").build()))
        .isInstanceOf(ReportOutcome.Delivered.class);
  }

  @Test
  void aBadRequestIsRefusedWithTheStatusAndTheServersRestconfError() {
    ReportOutcome o = answer(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/yang-data+json")
        .body(ERRORS).build());
    // REPORT is bootstrap-complete: RFC 8572 section 5.6 makes its refusal end that server's onboarding
    assertThat(o).isEqualTo(new ReportOutcome.Refused(400, "invalid-value (unknown progress-type)", true));
  }

  @Test
  void unauthorisedAndForbiddenAreRefusedNotDelivered() {
    assertThat(answer(new MockResponse.Builder().code(401).build()))
        .isEqualTo(new ReportOutcome.Refused(401, null, true));
    assertThat(answer(new MockResponse.Builder().code(403).build()))
        .isEqualTo(new ReportOutcome.Refused(403, null, true));
  }

  @Test
  void onlyBootstrapInitiatedAndCompleteRefusedEndTheOnboardingRfc8572Section5_6() {
    server.enqueue(new MockResponse.Builder().code(403).build());
    assertThat(transport.report(target, ProgressReport.of(ProgressType.CONFIG_COMPLETE, "ok")))
        .isEqualTo(new ReportOutcome.Refused(403, null, false));
    server.enqueue(new MockResponse.Builder().code(403).build());
    assertThat(transport.report(target, ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "go")))
        .isEqualTo(new ReportOutcome.Refused(403, null, true));
    // not an answer that refuses: kept queued, the onboarding goes on
    server.enqueue(new MockResponse.Builder().code(503).build());
    assertThat(transport.report(target, ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "go")))
        .isInstanceOf(ReportOutcome.Retry.class);
  }

  @Test
  void aNotFoundIsAnUnclaimedSerialNotATransportFailure() {
    ReportOutcome o = answer(new MockResponse.Builder().code(404).build());
    assertThat(o).isInstanceOf(ReportOutcome.NotClaimed.class);
    assertThat(((ReportOutcome.NotClaimed) o).detail()).contains("does not know serial PE1 (HTTP 404)");
  }

  @Test
  void unavailableWithRetryAfterInSecondsOrAsADateIsRetriedWithThatDelay() {
    ReportOutcome seconds = answer(new MockResponse.Builder().code(503).addHeader("Retry-After", "120").build());
    assertThat(seconds).isInstanceOf(ReportOutcome.Retry.class);
    assertThat(((ReportOutcome.Retry) seconds).retryAfter()).isEqualTo(Duration.ofSeconds(120));
    assertThat(((ReportOutcome.Retry) seconds).reason()).contains("answered HTTP 503");

    ReportOutcome date = answer(new MockResponse.Builder().code(503)
        .addHeader("Retry-After", "Sun, 01 Mar 2026 12:05:00 GMT").build());
    assertThat(((ReportOutcome.Retry) date).retryAfter()).isEqualTo(Duration.ofMinutes(5));

    ReportOutcome none = answer(new MockResponse.Builder().code(429).addHeader("Retry-After", "soon").build());
    assertThat(((ReportOutcome.Retry) none).retryAfter()).isNull();
  }

  @Test
  void aConnectionFailureIsRetriedLater() {
    server.close();
    ReportOutcome o = transport.report(target, REPORT);
    assertThat(o).isInstanceOf(ReportOutcome.Retry.class);
    assertThat(((ReportOutcome.Retry) o).retryAfter()).isNull();
  }

  @Test
  void aServerNotReachedOverHttpsIsNeverSentAReport() {
    ReportOutcome o = transport.report(new EngineState.Server("http://localhost:" + server.getPort(), null), REPORT);
    assertThat(o).isInstanceOf(ReportOutcome.Withheld.class);
    assertThat(server.getRequestCount()).isZero();
  }
}
