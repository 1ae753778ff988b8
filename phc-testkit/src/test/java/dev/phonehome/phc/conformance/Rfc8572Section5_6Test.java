package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Wire.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.internal.codec.ConstraintViolation;
import dev.phonehome.phc.core.internal.engine.BootstrapTransport.ReportOutcome;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8572 section 5.6, processing onboarding information, as phc's client does it against a server that is
 * not phc (the JDK's HTTPS server answering what each test scripts).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section5_6Test {
  private static final TestPki PKI = TestPki.create();
  private static final String SHA256 = Records.SHA256_HEX;
  private ScriptedHttpsServer server;
  private Device device;

  @BeforeEach
  void start() throws IOException {
    server = new ScriptedHttpsServer(PKI.serverSslContext());
    device = Device.builder(PKI).build();
  }

  @AfterEach
  void stop() {
    device.close();
    server.close();
  }

  private void reportAnswered(int status) {
    server.script(r -> Reply.empty(status));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201})
  void bootstrapInitiatedAnsweredOtherThan204IsAnError(int status) {
    reportAnswered(status);
    ReportOutcome o = device.report(server.url(), ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "m"));
    assertThat(o).isInstanceOfSatisfying(ReportOutcome.Refused.class, r -> {
      assertThat(r.httpStatus()).isEqualTo(status);
      assertThat(r.serverMessage()).contains("bootstrap-initiated")
          .contains("RFC 8572 section 5.6 requires 204 No Content");
    });
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201})
  void bootstrapCompleteAnsweredOtherThan204IsAnError(int status) {
    reportAnswered(status);
    assertThat(device.report(server.url(), ProgressReport.of(ProgressType.BOOTSTRAP_COMPLETE, "m")))
        .isInstanceOf(ReportOutcome.Refused.class);
  }

  @Test
  void bootstrapInitiatedAndCompleteAnswered204AreDelivered() throws InterruptedException {
    reportAnswered(204);
    assertThat(device.report(server.url(), ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "m")))
        .isInstanceOf(ReportOutcome.Delivered.class);
    assertThat(device.report(server.url(), ProgressReport.of(ProgressType.BOOTSTRAP_COMPLETE, "m")))
        .isInstanceOf(ReportOutcome.Delivered.class);
    assertThat(server.take().text()).contains("\"progress-type\": \"bootstrap-initiated\"");
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 204})
  void otherReportsAreDeliveredOnAny2xxOfRestconf(int status) {
    reportAnswered(status);
    assertThat(device.report(server.url(), ProgressReport.of(ProgressType.CONFIG_COMPLETE, "m")))
        .isInstanceOf(ReportOutcome.Delivered.class);
  }

  @Test
  void unknownHashAlgorithmIsSkippedWhenAKnownOneRemains() {
    server.script(r -> Reply.of(200, JSON, Device.onboardingJson("\"boot-image\":{\"download-uri\":[\"https://x/i\"],"
        + "\"image-verification\":[{\"hash-algorithm\":\"vendor-hashes:blake3\",\"hash-value\":\"01:02\"},"
        + "{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" + SHA256 + "\"}]}")));
    OnboardingInformation info = (OnboardingInformation) device.fetch(server.url()).information();
    assertThat(info.bootImage().verifications())
        .containsExactly(ImageVerification.ofHex(HashAlgorithm.SHA_256, SHA256.replace(":", "")));
  }

  @Test
  void noUsableHashAlgorithmLeftIsAnError() {
    server.script(r -> Reply.of(200, JSON, Device.onboardingJson("\"boot-image\":{\"download-uri\":[\"https://x/i\"],"
        + "\"image-verification\":[{\"hash-algorithm\":\"vendor-hashes:blake3\",\"hash-value\":\"01:02\"},"
        + "{\"hash-algorithm\":\"vendor-hashes:sha3-256\",\"hash-value\":\"03:04\"}]}")));
    assertThatThrownBy(() -> device.fetch(server.url()))
        .isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.path())
            .isEqualTo("$.ietf-sztp-conveyed-info:onboarding-information.boot-image.image-verification"))
        .hasMessageContaining("no usable image-verification")
        .hasMessageContaining("'vendor-hashes:blake3', 'vendor-hashes:sha3-256'");
  }

  @Test
  void sha256FromAnotherModuleIsNotTheRfcIdentity() {
    server.script(r -> Reply.of(200, JSON, Device.onboardingJson("\"boot-image\":{\"download-uri\":[\"https://x/i\"],"
        + "\"image-verification\":[{\"hash-algorithm\":\"vendor-hashes:sha-256\",\"hash-value\":\"" + SHA256
        + "\"}]}")));
    assertThatThrownBy(() -> device.fetch(server.url())).isInstanceOf(ConstraintViolation.class)
        .hasMessageContaining("no usable image-verification");
  }

  @Test
  void imageVerificationIsKeyedByHashAlgorithmDuplicatesAreRefused() {
    server.script(r -> Reply.of(200, JSON, Device.onboardingJson("\"boot-image\":{\"download-uri\":[\"https://x/i\"],"
        + "\"image-verification\":[{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\""
        + SHA256 + "\"},{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" + SHA256
        + "\"}]}")));
    assertThatThrownBy(() -> device.fetch(server.url()))
        .isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.path())
            .isEqualTo("$.ietf-sztp-conveyed-info:onboarding-information.boot-image.image-verification[1]"))
        .hasMessageContaining("duplicate image-verification for hash-algorithm 'ietf-sztp-conveyed-info:sha-256'");
  }
}
