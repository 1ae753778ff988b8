package dev.phonehome.phc.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.server.FakeServerProfile;
import dev.phonehome.phc.testkit.server.RecordedRequest;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * phc's client against sztpd as it behaves on the wire ({@link FakeServerProfile#SZTPD}): exact Content-Type
 * and Accept strings, the activation code as Basic password, 401 for a device sztpd does not know, 501 to XML,
 * never signed data. Real HTTPS, the real engine driving a fake Virtual Chassis.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SztpdInteropTest {
  private static final String SERIAL = "PE0";
  private static final String CODE = "sztpd-activation-code";
  private static final OnboardingInformation ONBOARDING = OnboardingInformation.builder()
      .configurationHandling(ConfigurationHandling.MERGE)
      .configuration(Bytes.utf8("<configuration><system><host-name>from-sztpd</host-name></system></configuration>"))
      .build();
  private final VirtualClock clock = new VirtualClock();
  private FakePhoneHomeServer sztpd;
  private VirtualChassisModel vc;

  @BeforeEach
  void start() {
    sztpd = FakePhoneHomeServer.create().profile(FakeServerProfile.SZTPD).clock(clock).start();
    vc = VirtualChassisModel.builder().clock(clock).member(0, SERIAL, "ex4300-48p", "21.4R3.15").build();
  }

  @AfterEach
  void stop() {
    sztpd.close();
  }

  private PhoneHomeClient.Builder client() {
    return PhoneHomeClient.builder().bootstrapServers(sztpd.url().toString()).dialect(Dialect.RFC8572)
        .sslContext(sztpd.clientSslContext(), sztpd.clientTrustManager())
        .deviceOperations(FakeVirtualChassis.of(vc)).clock(clock).sleeper(clock).maxRounds(1)
        .notificationDrainTimeout(Duration.ofSeconds(30));
  }

  private List<RecordedRequest> requests() throws InterruptedException {
    List<RecordedRequest> out = new java.util.ArrayList<>();
    RecordedRequest r;
    while ((r = sztpd.takeRequest(Duration.ofMillis(200))) != null) {
      out.add(r);
    }
    return out;
  }

  @Test
  void clientProvisionsFromSztpdWithItsActivationCodeAsBasicPassword() throws Exception {
    sztpd.addRecord(SERIAL, ONBOARDING).activationCode(SERIAL, CODE);
    PhoneHomeResult result;
    try (PhoneHomeClient client = client().activationCode(CODE).build()) {
      result = client.run();
    }
    assertThat(result.failedMembers()).isEmpty();
    assertThat(sztpd.distinctNotifications()).extracting(n -> n.report().type()).contains(
        ProgressType.BOOTSTRAP_INITIATED, ProgressType.CONFIG_COMPLETE, ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(requests()).allSatisfy(r ->
        assertThat(r.header("Authorization")).isEqualTo(Credentials.basic(SERIAL, CODE)));
  }

  @Test
  void contentTypeAndAcceptAreExactlyTheStringsSztpdComparesWith() throws Exception {
    sztpd.addRecord(SERIAL, ONBOARDING).activationCode(SERIAL, CODE);
    try (PhoneHomeClient client = client().activationCode(CODE).build()) {
      client.run();
    }
    List<RecordedRequest> all = requests();
    assertThat(all).isNotEmpty().allSatisfy(r -> {
      assertThat(r.header("Content-Type")).as(r.path()).isEqualTo("application/yang-data+json");
      assertThat(r.header("Accept")).as(r.path()).isEqualTo("application/yang-data+json");
    });
    assertThat(all).anySatisfy(r -> assertThat(r.kind()).isEqualTo(RecordedRequest.Kind.BOOTSTRAP));
    assertThat(all).anySatisfy(r -> assertThat(r.kind()).isEqualTo(RecordedRequest.Kind.NOTIFICATION));
  }

  @Test
  void xmlClientFallsBackToJsonWhenSztpdAnswers501() throws Exception {
    sztpd.addRecord(SERIAL, ONBOARDING).activationCode(SERIAL, CODE);
    PhoneHomeResult result;
    try (PhoneHomeClient client = client().activationCode(CODE).encoding(Encoding.XML).build()) {
      result = client.run();
    }
    assertThat(result.failedMembers()).isEmpty();
    List<RecordedRequest> all = requests();
    assertThat(all.get(0).header("Content-Type")).isEqualTo("application/yang-data+xml");
    assertThat(all.get(1).header("Content-Type")).isEqualTo("application/yang-data+json");
    assertThat(all.get(1).kind()).isEqualTo(RecordedRequest.Kind.BOOTSTRAP);
    assertThat(all.subList(2, all.size())).allSatisfy(r ->
        assertThat(r.header("Content-Type")).isEqualTo("application/yang-data+json"));
    assertThat(sztpd.distinctNotifications()).extracting(n -> n.report().type())
        .contains(ProgressType.BOOTSTRAP_COMPLETE);
  }

  @Test
  void unknownDeviceIs401AndTheClientKeepsPollingWhenToldThatMeansNotClaimed() throws Exception {
    RetryPolicy twoPolls = new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), 2.0, 0.2, 2);
    try (PhoneHomeClient client = client().activationCode(CODE).unauthorizedMeansNotClaimed(true)
        .retryPolicy(twoPolls).build()) {
      assertThatThrownBy(client::run).isInstanceOf(BootstrapFailedException.class)
          .hasMessageContaining("answered 401").hasMessageContaining("taken as not claimed yet");
    }
    assertThat(requests()).filteredOn(r -> r.kind() == RecordedRequest.Kind.BOOTSTRAP).hasSize(3);
  }

  @Test
  void withoutTheOption401IsARefusalAndTheServerIsNotPolled() throws Exception {
    try (PhoneHomeClient client = client().activationCode(CODE).retryPolicy(new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), 2.0, 0.2, 2))
        .build()) {
      assertThatThrownBy(client::run).isInstanceOf(BootstrapFailedException.class)
          .hasMessageContaining("refused the device's credentials (HTTP 401)");
    }
    assertThat(requests()).filteredOn(r -> r.kind() == RecordedRequest.Kind.BOOTSTRAP).hasSize(1);
  }

  @Test
  void sztpdCheckWrongActivationCodeIs401() throws Exception {
    sztpd.addRecord(SERIAL, ONBOARDING).activationCode(SERIAL, CODE);
    try (PhoneHomeClient client = client().activationCode("not-the-code").build()) {
      assertThatThrownBy(client::run).isInstanceOf(BootstrapFailedException.class).hasMessageContaining("401");
    }
  }

  @Test
  void sztpdEmulationComparesHeadersAsExactStrings() throws Exception {
    sztpd.addRecord(SERIAL, ONBOARDING);
    OkHttpClient http = new OkHttpClient.Builder()
        .sslSocketFactory(sztpd.clientSslSocketFactory(), sztpd.clientTrustManager()).build();
    String url = sztpd.url() + "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
    byte[] input = "{\"ietf-sztp-bootstrap-server:input\":{}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (Response r = http.newCall(new Request.Builder().url(url).header("Authorization", Credentials.basic(SERIAL, ""))
        .header("Accept", "application/yang-data+json")
        .post(RequestBody.create(input, okhttp3.MediaType.get("application/yang-data+json; charset=utf-8")))
        .build()).execute()) {
      assertThat(r.code()).isEqualTo(415);
    }
    try (Response r = http.newCall(new Request.Builder().url(url).header("Authorization", Credentials.basic(SERIAL, ""))
        .header("Accept", "application/yang-data+json, application/yang-data+xml")
        .post(RequestBody.create(input, okhttp3.MediaType.get("application/yang-data+json"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(406);
    }
    try (Response r = http.newCall(new Request.Builder().url(url).header("Authorization", Credentials.basic(SERIAL, ""))
        .post(RequestBody.create(new byte[0], null)).build()).execute()) {
      assertThat(r.code()).as("no Accept and no body: sztpd cannot pick an encoding").isEqualTo(500);
    }
    try (Response r = http.newCall(new Request.Builder().url(url).header("Authorization", Credentials.basic(SERIAL, ""))
        .header("Accept", "application/yang-data+json")
        .post(RequestBody.create(input, okhttp3.MediaType.get("application/yang-data+json"))).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo("application/yang-data+json; charset=utf-8");
      String body = r.body().string();
      assertThat(body).startsWith("{\n    \"ietf-sztp-bootstrap-server:output\": {\n        \"conveyed-information\"")
          .doesNotContain("reporting-level").doesNotContain("owner-certificate");
    }
    http.dispatcher().executorService().shutdown();
  }
}
