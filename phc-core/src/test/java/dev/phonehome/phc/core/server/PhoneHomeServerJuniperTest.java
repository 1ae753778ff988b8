package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.REDIRECTED;
import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static dev.phonehome.phc.core.server.Fixtures.SERIAL_B;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Juniper dialect end to end over real HTTPS on loopback, with OkHttp. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PhoneHomeServerJuniperTest {
  private static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  private final TestTls tls = new TestTls();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<DeviceNotification> heard = new CopyOnWriteArrayList<>();
  private PhoneHomeServer server;

  @BeforeEach
  void start() {
    server = PhoneHomeServer.builder()
        .records(Fixtures.records())
        .sslContext(tls.serverContext())
        .clientAuth(ClientAuth.WANT)
        .clock(clock)
        .addProgressListener(heard::add)
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OkHttpClient client(SSLContext ctx) {
    return new OkHttpClient.Builder()
        .sslSocketFactory(ctx.getSocketFactory(), tls.trustManager())
        .callTimeout(Duration.ofSeconds(20))
        .build();
  }

  private Response get(OkHttpClient client, String serial, String user, String password) throws IOException {
    return client.newCall(new Request.Builder()
        .url(server.url() + DEVICES + serial)
        .header("Accept", "application/yang-data+xml")
        .header("Authorization", Credentials.basic(user, password))
        .build()).execute();
  }

  @Test
  void deviceGetsItsOwnRecordAsDeviceDocument() throws IOException {
    try (Response r = get(client(tls.clientContext()), SERIAL_A, SERIAL_A, "")) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/yang-data+xml");
      JuniperDevice device = JuniperXmlCodec.decodeDevice(r.body().byteStream(), CodecLimits.DEFAULT);
      assertThat(device.uniqueId()).isEqualTo(SERIAL_A);
      // What the codec makes of the record (it normalises the configuration's XML serialisation).
      JuniperDevice expected = JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(
          JuniperXmlCodec.encodeDevice(new JuniperDevice(SERIAL_A, Fixtures.onboarding("sw-a")))), CodecLimits.DEFAULT);
      assertThat(device).isEqualTo(expected);
      assertThat(((dev.phonehome.phc.api.model.OnboardingInformation) device.conveyedInformation()).configuration()
          .utf8()).contains("<host-name>sw-a</host-name>");
    }
    assertThat(server.progress().status(SERIAL_A).state()).isEqualTo(DeviceState.REQUESTED);
    assertThat(server.progress().status(SERIAL_B).state()).isEqualTo(DeviceState.NEVER_SEEN);
  }

  @Test
  void legacyAcceptSpellingIsAnsweredInTheSameSpelling() throws IOException {
    try (Response r = client(tls.clientContext()).newCall(new Request.Builder()
        .url(server.url() + DEVICES + SERIAL_A)
        .header("Accept", "application/yang.data+xml")
        .header("Authorization", Credentials.basic(SERIAL_A, ""))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/yang.data+xml");
    }
  }

  @Test
  void redirectRecordIsAnsweredAsRedirectServer() throws IOException {
    try (Response r = get(client(tls.clientContext()), REDIRECTED, REDIRECTED, "")) {
      assertThat(r.code()).isEqualTo(200);
      JuniperDevice device = JuniperXmlCodec.decodeDevice(r.body().byteStream(), CodecLimits.DEFAULT);
      assertThat(device.conveyedInformation()).isInstanceOf(RedirectInformation.class);
      assertThat(((RedirectInformation) device.conveyedInformation()).bootstrapServers())
          .extracting(s -> s.address()).containsExactly("phs1.example.net", "phs2.example.net");
    }
  }

  @Test
  void unknownSerialIs404WithRestconfErrorBody() throws IOException {
    try (Response r = get(client(tls.clientContext()), "XX0000000000", "XX0000000000", "")) {
      assertThat(r.code()).isEqualTo(404);
      String body = r.body().string();
      assertThat(body).contains("ietf-restconf").contains("<error-tag>invalid-value</error-tag>")
          .contains("XX0000000000").contains("not claimed");
    }
  }

  @Test
  void deviceAskingForAnotherSerialIs403AndNeverGetsData() throws IOException {
    try (Response r = get(client(tls.clientContext()), SERIAL_B, SERIAL_A, "")) {
      assertThat(r.code()).isEqualTo(403);
      String body = r.body().string();
      assertThat(body).contains("access-denied").doesNotContain("sw-b").doesNotContain("boot-image");
    }
    // Asking for an unclaimed serial with someone else's name is 403 too: no probing for claimed serials.
    try (Response r = get(client(tls.clientContext()), "XX0000000000", SERIAL_A, "")) {
      assertThat(r.code()).isEqualTo(403);
    }
  }

  @Test
  void wrongPasswordIs401WithChallenge() throws IOException {
    try (Response r = get(client(tls.clientContext()), SERIAL_A, SERIAL_A, "guess")) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.header("WWW-Authenticate")).startsWith("Basic");
      assertThat(r.body().string()).contains("access-denied").contains("wrong password");
    }
  }

  @Test
  void missingCredentialsIs401() throws IOException {
    try (Response r = client(tls.clientContext()).newCall(new Request.Builder()
        .url(server.url() + DEVICES + SERIAL_A).build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("no credentials");
    }
  }

  @Test
  void clientCertificateSerialDifferentFromBasicUsernameIs403() throws IOException {
    try (Response r = get(client(tls.deviceContext(SERIAL_B)), SERIAL_A, SERIAL_A, "")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("client certificate serial number '" + SERIAL_B + "'")
          .doesNotContain("sw-a");
    }
  }

  @Test
  void clientCertificateWithTheSameSerialIsAccepted() throws IOException {
    try (Response r = get(client(tls.deviceContext(SERIAL_A)), SERIAL_A, SERIAL_A, "")) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void clientCertificateWithoutSerialNumberIs403() throws IOException {
    try (Response r = get(client(tls.deviceContext(null)), SERIAL_A, SERIAL_A, "")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).contains("no subject serialNumber");
    }
  }

  @Test
  void notificationsAreStoredWithTimestampAndMembersAndHeardByListeners() throws IOException {
    OkHttpClient client = client(tls.clientContext());
    MemberRef member1 = new MemberRef(1, SERIAL_B, MemberRole.BACKUP);
    ProgressReport installed = ProgressReport.builder(ProgressType.VC_MEMBER_IMAGE_INSTALLED)
        .message(member1.describe() + ": Successfully installed downloaded image. Initiating member reboot.")
        .member(member1).build();
    assertThat(post(client, SERIAL_A, ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "starting"))).isEqualTo(204);
    clock.advance(Duration.ofSeconds(5));
    assertThat(post(client, SERIAL_A, installed)).isEqualTo(204);

    List<DeviceNotification> timeline = server.progress().timeline(SERIAL_A);
    assertThat(timeline).extracting(n -> n.report().type())
        .containsExactly(ProgressType.BOOTSTRAP_INITIATED, ProgressType.VC_MEMBER_IMAGE_INSTALLED);
    assertThat(timeline.get(1).receivedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:05Z"));
    assertThat(timeline.get(1).dialect()).isEqualTo(Dialect.JUNIPER);
    assertThat(timeline.get(1).report().member()).isEqualTo(member1);
    assertThat(heard).isEqualTo(timeline);

    DeviceStatus status = server.progress().status(SERIAL_A);
    assertThat(status.state()).isEqualTo(DeviceState.IN_PROGRESS);
    assertThat(status.phase()).isEqualTo(ProgressType.VC_MEMBER_IMAGE_INSTALLED);
    assertThat(server.progress().members(SERIAL_A)).singleElement().satisfies(m -> {
      assertThat(m.memberId()).isEqualTo(1);
      assertThat(m.serialNumber()).isEqualTo(SERIAL_B);
      assertThat(m.role()).isEqualTo(MemberRole.BACKUP);
      assertThat(m.lastType()).isEqualTo(ProgressType.VC_MEMBER_IMAGE_INSTALLED);
    });

    assertThat(post(client, SERIAL_A, ProgressReport.of(ProgressType.BOOTSTRAP_COMPLETE, "done"))).isEqualTo(204);
    assertThat(server.progress().status(SERIAL_A).state()).isEqualTo(DeviceState.COMPLETE);
  }

  @Test
  void notificationForAnotherSerialIs403AndNotStored() throws IOException {
    OkHttpClient client = client(tls.clientContext());
    byte[] body = JuniperXmlCodec.encodeNotification(ProgressReport.of(ProgressType.BOOTSTRAP_ERROR, "fake"));
    try (Response r = client.newCall(new Request.Builder()
        .url(server.url() + DEVICES + SERIAL_B + "/notification")
        .header("Authorization", Credentials.basic(SERIAL_A, ""))
        .post(RequestBody.create(body, MediaType.get("application/yang-data+xml")))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
    }
    assertThat(server.progress().timeline(SERIAL_B)).isEmpty();
    assertThat(server.progress().timeline(SERIAL_A)).isEmpty();
  }

  @Test
  void notificationWithSeveralTypesUnderAnyRootStoresEachOne() throws IOException {
    String xml = "<notifications><notification><notification-type>bootstrap-initiated</notification-type>"
        + "<message>a</message></notification><notification><notification-type>config-complete"
        + "</notification-type><message>b</message></notification></notifications>";
    try (Response r = client(tls.clientContext()).newCall(new Request.Builder()
        .url(server.url() + DEVICES + SERIAL_A + "/notification")
        .header("Authorization", Credentials.basic(SERIAL_A, ""))
        .post(RequestBody.create(xml, MediaType.get("application/yang-data+xml")))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(204);
    }
    assertThat(server.progress().timeline(SERIAL_A)).extracting(n -> n.report().message())
        .containsExactly("a", "b");
  }

  private int post(OkHttpClient client, String serial, ProgressReport report) throws IOException {
    byte[] body = JuniperXmlCodec.encodeNotification(report);
    assertThat(JuniperXmlCodec.decodeNotifications(new ByteArrayInputStream(body), CodecLimits.DEFAULT))
        .containsExactly(report);
    try (Response r = client.newCall(new Request.Builder()
        .url(server.url() + DEVICES + serial + "/notification")
        .header("Authorization", Credentials.basic(serial, ""))
        .post(RequestBody.create(body, MediaType.get("application/yang-data+xml")))
        .build()).execute()) {
      return r.code();
    }
  }
}
