package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.REDIRECTED;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.DEVICES;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.REPORT;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.server.DeviceAuthentication;
import dev.phonehome.phc.core.server.DeviceSecrets;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Abuse limits over real HTTPS: failed authentication is throttled per source and per serial (429 with
 * Retry-After, before credentials are looked at), and no request can flood a device's timeline or memory
 * (notifications per request, message length, notifications per device per minute). Time is virtual.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseLimitsTest {
  private static final TestPki PKI = TestPki.create();
  private final VirtualClock clock = new VirtualClock();
  private final List<DeviceNotification> stored = new CopyOnWriteArrayList<>();
  private Wire wire;

  @AfterEach
  void stop() {
    wire.close();
  }

  private void serve(ServerLimits limits) {
    wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().clock(clock).limits(limits)
        .addProgressListener(stored::add)
        .authenticator(DeviceAuthentication.builder().deviceSecrets(DeviceSecrets.of(Records.SECRETS)).build()));
  }

  private Wire.Answer rfc(String user, String password) throws IOException {
    return wire.post(GET_DATA, null, JSON, null, user, password);
  }

  private Wire.Answer juniperNotification(String body) throws IOException {
    return wire.send("POST", DEVICES + DEVICE + "/notification", Map.of("Authorization",
        Credentials.basic(DEVICE, SECRET), "Content-Type", XML), body.getBytes(StandardCharsets.UTF_8), null);
  }

  private static String notifications(int n, String message) {
    StringBuilder b = new StringBuilder("<notifications xmlns=\"http://juniper.net/zerotouch-bootstrap-server\">");
    for (int i = 0; i < n; i++) {
      b.append("<notification><notification-type>informational</notification-type><message>").append(message)
          .append("</message></notification>");
    }
    return b.append("</notifications>").toString();
  }

  @Test
  void failedAuthenticationsFromOneSourceAreThrottledWith429AndRetryAfter() throws IOException {
    serve(ServerLimits.DEFAULT.withAuthFailuresPerMinutePerSource(3).withAuthFailuresPerMinutePerSerial(100));
    for (int i = 0; i < 3; i++) {
      assertThat(rfc("GUESS" + i, "x").status()).isEqualTo(401);
    }
    // The right secret of another device does not help: the source is throttled before credentials count.
    Wire.Answer blocked = rfc(DEVICE, SECRET);
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.header("Retry-After")).isEqualTo("60");
    assertThat(blocked.error().errorMessage()).startsWith("too many failed authentications from 127.0.0.1");
    clock.advance(Duration.ofSeconds(45));
    assertThat(rfc(DEVICE, SECRET).header("Retry-After")).isEqualTo("15");
    clock.advance(Duration.ofSeconds(15));
    assertThat(rfc(DEVICE, SECRET).status()).isEqualTo(200);
  }

  @Test
  void failedAuthenticationsForOneSerialAreThrottledWhateverTheSource() throws IOException {
    serve(ServerLimits.DEFAULT.withAuthFailuresPerMinutePerSource(100).withAuthFailuresPerMinutePerSerial(3));
    for (int i = 0; i < 3; i++) {
      assertThat(rfc(DEVICE, "guess-" + i).status()).isEqualTo(401);
    }
    Wire.Answer blocked = rfc(DEVICE, SECRET);
    assertThat(blocked.status()).isEqualTo(429);
    assertThat(blocked.error().errorMessage()).startsWith("too many failed authentications for serial 'PE3714100218'");
    // Other devices from the same source are not affected.
    assertThat(rfc(REDIRECTED, Records.REDIRECTED_SECRET).status()).isEqualTo(200);
    // The Juniper dialect names the serial in the URL: the same throttle applies.
    assertThat(wire.send("GET", DEVICES + DEVICE, Map.of("Authorization", Credentials.basic(DEVICE, SECRET)), null,
        null).status()).isEqualTo(429);
    clock.advance(Duration.ofMinutes(1));
    assertThat(rfc(DEVICE, SECRET).status()).isEqualTo(200);
  }

  @Test
  void notificationsPerRequestAreCappedAndNothingOfAnOversizedRequestIsStored() throws IOException {
    serve(ServerLimits.DEFAULT.withMaxNotificationsPerRequest(4));
    Wire.Answer a = juniperNotification(notifications(5, "x"));
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.error().errorTag()).isEqualTo("too-big");
    assertThat(a.error().errorMessage()).isEqualTo("the request carries 5 notifications; at most 4 per request");
    assertThat(stored).isEmpty();
    assertThat(juniperNotification(notifications(4, "x")).status()).isEqualTo(204);
    assertThat(stored).hasSize(4);
  }

  @Test
  void longMessagesAreStoredCutWithAMarkerNotDropped() throws IOException {
    serve(ServerLimits.DEFAULT.withMaxMessageLength(100));
    String message = "m".repeat(500);
    assertThat(wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
        + "\"config-error\",\"message\":\"" + message + "\"}}", DEVICE, SECRET).status()).isEqualTo(204);
    assertThat(stored).singleElement().satisfies(n -> {
      assertThat(n.report().message()).hasSize(100).startsWith("mmm").endsWith(" ...[cut, 500 characters]");
    });
  }

  @Test
  void notificationsPerDeviceAreRateLimitedSoNoDeviceCanFloodItsTimeline() throws IOException {
    serve(ServerLimits.DEFAULT.withNotificationsPerMinute(5));
    assertThat(juniperNotification(notifications(3, "a")).status()).isEqualTo(204);
    Wire.Answer over = juniperNotification(notifications(3, "b"));
    assertThat(over.status()).isEqualTo(429);
    assertThat(over.header("Retry-After")).isEqualTo("60");
    assertThat(stored).hasSize(3);
    // Another device has its own budget.
    assertThat(wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
        + "\"informational\"}}", REDIRECTED, Records.REDIRECTED_SECRET).status()).isEqualTo(204);
    clock.advance(Duration.ofMinutes(1));
    assertThat(juniperNotification(notifications(3, "b")).status()).isEqualTo(204);
    assertThat(stored).hasSize(7);
  }
}
