package dev.phonehome.phc.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.client.RefusedNotification;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.server.FakeAnswer;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.server.RecordedRequest;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8572 section 5.6, processing onboarding information: "It is an error if the device does not receive back
 * the '204 No Content' HTTP status line" to {@code bootstrap-initiated} (and likewise to {@code
 * bootstrap-complete}), and "if the device encounters an error at any step, it MUST stop processing the
 * onboarding information and return to the bootstrapping sequence". Over real HTTPS, against the test kit's
 * {@link FakePhoneHomeServer} (the real server core) refusing one of those reports. The Juniper dialect has no
 * such rule (SPEC 2.1): a refused notification is recorded and the process goes on.
 */
@Timeout(60)
class Rfc8572Section5_6RefusedReportTest {
  private static final String SERIAL = "PE3714100218";
  private static final Bytes CONFIG_A = Bytes.utf8("<configuration><system><host-name>from-a</host-name></system></configuration>");
  private static final Bytes CONFIG_B = Bytes.utf8("<configuration><system><host-name>from-b</host-name></system></configuration>");

  private final VirtualClock clock = new VirtualClock();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<PhcException> serverFailures = new CopyOnWriteArrayList<>();
  private VirtualChassisModel model;
  private FakeVirtualChassis device;
  private FakePhoneHomeServer a;
  private FakePhoneHomeServer b;

  @BeforeEach
  void start() {
    model = VirtualChassisModel.builder().clock(clock).member(0, SERIAL, "ex4300-48p", "21.4R3.15").build();
    device = FakeVirtualChassis.of(model);
    a = FakePhoneHomeServer.create().start().addRecord(SERIAL, onboarding(CONFIG_A));
    b = FakePhoneHomeServer.create().start().addRecord(SERIAL, onboarding(CONFIG_B));
  }

  @AfterEach
  void stop() {
    a.close();
    b.close();
  }

  private static OnboardingInformation onboarding(Bytes config) {
    return OnboardingInformation.builder().configurationHandling(ConfigurationHandling.MERGE).configuration(config)
        .build();
  }

  /** Server {@code s} answers {@code status} to every report of {@code type}; everything else as usual. */
  private static void refuse(FakePhoneHomeServer s, ProgressType type, int status) {
    s.dispatcher(r -> r.kind() == RecordedRequest.Kind.NOTIFICATION
        && r.bodyText().contains("\"" + type.name() + "\"") ? FakeAnswer.httpError(status) : null);
  }

  private PhoneHomeClient.Builder client(Dialect dialect, FakePhoneHomeServer... servers) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    for (int i = 0; i < servers.length; i++) {
      anchors.setCertificateEntry("phs" + i, servers[i].rootCertificate());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(anchors);
    X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {tm}, null);
    List<String> urls = new ArrayList<>();
    for (FakePhoneHomeServer s : servers) {
      urls.add(s.url().toString());
    }
    return PhoneHomeClient.builder().bootstrapServers(urls.toArray(String[]::new)).dialect(dialect)
        .encoding(dev.phonehome.phc.api.Encoding.JSON).sslContext(ssl, tm).deviceOperations(device)
        .clock(clock).sleeper(clock).random(new Random(7))
        .eventListener(new PhoneHomeEventListener() {
          @Override
          public void serverFailed(String serverUrl, PhcException error) {
            events.add("serverFailed " + serverUrl);
            serverFailures.add(error);
          }

          @Override
          public void onboardingReceived(String serverUrl) {
            events.add("onboardingReceived " + serverUrl);
          }
        });
  }

  private static String url(FakePhoneHomeServer s) {
    return s.url().toString().replaceAll("/$", "");
  }

  private static List<ProgressType> stored(FakePhoneHomeServer s) {
    return s.notifications().stream().map(DeviceNotification::report).map(ProgressReport::type).toList();
  }

  private static List<String> notificationsAsked(FakePhoneHomeServer s) {
    List<String> out = new ArrayList<>();
    RecordedRequest r;
    try {
      while ((r = s.takeRequest(java.time.Duration.ZERO)) != null) {
        if (r.kind() == RecordedRequest.Kind.NOTIFICATION) {
          out.add(r.bodyText().replaceAll("(?s).*\"progress-type\": \"([a-z-]+)\".*", "$1"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {403, 400})
  void refusedBootstrapInitiatedMovesOnToTheNextServerWhichCompletes(int status) throws Exception {
    refuse(a, ProgressType.BOOTSTRAP_INITIATED, status);

    PhoneHomeResult result;
    try (PhoneHomeClient client = client(Dialect.RFC8572, a, b).maxRounds(1).build()) {
      result = client.run();
    }

    // A's onboarding information was received, then abandoned before anything was done with it.
    assertThat(result.provisioningServer()).isEqualTo(url(b));
    assertThat(model.committedConfiguration()).containsExactly(CONFIG_B);
    assertThat(events).containsExactly("onboardingReceived " + url(a), "serverFailed " + url(a),
        "onboardingReceived " + url(b));
    // A was told nothing after the refusal; B got the whole process.
    assertThat(notificationsAsked(a)).containsExactly("bootstrap-initiated");
    assertThat(stored(a)).isEmpty();
    assertThat(stored(b)).startsWith(ProgressType.BOOTSTRAP_INITIATED).endsWith(ProgressType.BOOTSTRAP_COMPLETE);
    // The cause per server, in the result and as the listener heard it.
    assertThat(result.lastErrors()).containsOnlyKeys(url(a));
    assertThat(result.lastErrors().get(url(a)))
        .contains(url(a) + " refused report-progress 'bootstrap-initiated' with HTTP " + status)
        .contains("RFC 8572 section 5.6");
    assertThat(serverFailures).singleElement().isInstanceOfSatisfying(PhcProtocolException.class,
        e -> assertThat(e.httpStatus()).isEqualTo(status));
    // Every report of the abandoned attempt is accounted for: the refused one, and those never sent after it.
    assertThat(result.notificationsRefused()).first().satisfies(r -> {
      assertThat(r.report().type()).isEqualTo(ProgressType.BOOTSTRAP_INITIATED);
      assertThat(r.server()).isEqualTo(url(a));
      assertThat(r.httpStatus()).isEqualTo(status);
    });
    assertThat(result.notificationsRefused().subList(1, result.notificationsRefused().size())).isNotEmpty()
        .allSatisfy(r -> {
      assertThat(r.server()).isEqualTo(url(a));
      assertThat(r.httpStatus()).isEqualTo(RefusedNotification.WITHHELD);
      assertThat(r.serverMessage()).contains("bootstrap-initiated was refused (RFC 8572 section 5.6)");
    });
    assertThat(result.notificationsQueued()).isEmpty();
  }

  @Test
  void aSingleServerRefusingBootstrapInitiatedFailsNamingTheRefusal() throws Exception {
    refuse(a, ProgressType.BOOTSTRAP_INITIATED, 403);

    try (PhoneHomeClient client = client(Dialect.RFC8572, a).maxRounds(1).build()) {
      assertThatThrownBy(client::run).isInstanceOfSatisfying(BootstrapFailedException.class, e -> {
        assertThat(e.lastErrors()).containsOnlyKeys(url(a));
        assertThat(e.lastErrors().get(url(a))).contains("refused report-progress 'bootstrap-initiated' with HTTP 403");
      }).hasMessageContaining("refused report-progress 'bootstrap-initiated' with HTTP 403")
          .hasMessageContaining("RFC 8572 section 5.6");
    }
    assertThat(model.committedConfiguration()).isEmpty();
    assertThat(notificationsAsked(a)).containsExactly("bootstrap-initiated");
  }

  @Test
  void refusedBootstrapCompleteIsAnErrorTooAndTheNextServerCompletes() throws Exception {
    refuse(a, ProgressType.BOOTSTRAP_COMPLETE, 403);

    PhoneHomeResult result;
    try (PhoneHomeClient client = client(Dialect.RFC8572, a, b).maxRounds(1).build()) {
      result = client.run();
    }

    // A's information was processed to the end; the refused completion sends the device on to B, which completes.
    assertThat(result.provisioningServer()).isEqualTo(url(b));
    assertThat(model.committedConfiguration()).containsExactly(CONFIG_A, CONFIG_B);
    assertThat(stored(a)).startsWith(ProgressType.BOOTSTRAP_INITIATED).doesNotContain(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(stored(b)).startsWith(ProgressType.BOOTSTRAP_INITIATED).endsWith(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(result.lastErrors().get(url(a)))
        .contains("refused report-progress 'bootstrap-complete' with HTTP 403").contains("RFC 8572 section 5.6");
    assertThat(result.notificationsRefused()).singleElement().satisfies(r -> {
      assertThat(r.report().type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
      assertThat(r.httpStatus()).isEqualTo(403);
    });
  }

  @Test
  void theJuniperDialectRecordsARefusedBootstrapInitiatedAndGoesOn() throws Exception {
    // The Juniper notification is XML: <notification-type>bootstrap-initiated</notification-type>
    a.dispatcher(r -> r.kind() == RecordedRequest.Kind.NOTIFICATION
        && r.bodyText().contains(">bootstrap-initiated<") ? FakeAnswer.httpError(403) : null);

    PhoneHomeResult result;
    try (PhoneHomeClient client = client(Dialect.JUNIPER, a, b).maxRounds(1).build()) {
      result = client.run();
    }

    assertThat(result.provisioningServer()).isEqualTo(url(a));
    assertThat(model.committedConfiguration()).containsExactly(CONFIG_A);
    assertThat(result.lastErrors()).isEmpty();
    assertThat(result.notificationsRefused()).singleElement().satisfies(r -> {
      assertThat(r.report().type()).isEqualTo(ProgressType.BOOTSTRAP_INITIATED);
      assertThat(r.httpStatus()).isEqualTo(403);
    });
    assertThat(stored(a)).endsWith(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(b.requestCount()).isZero();
  }
}
