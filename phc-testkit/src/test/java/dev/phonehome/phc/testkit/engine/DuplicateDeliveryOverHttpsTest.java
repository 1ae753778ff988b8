package dev.phonehome.phc.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.server.DeviceAuthentication;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * At least once on the wire, exactly once stored: over real HTTPS on loopback against the real
 * {@link PhoneHomeServer}, the answers to two notifications are lost after the server took them; the client
 * sends them again with the same notification ids and the server stores each notification once.
 */
@Timeout(60)
class DuplicateDeliveryOverHttpsTest {
  private static final TestPki PKI = TestPki.create();

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void notificationsWhoseAnswerWasLostAreSentAgainAndStoredOnce(Dialect dialect) throws Exception {
    VirtualClock clock = new VirtualClock();
    VirtualChassisModel model = VirtualChassisModel.builder().clock(clock)
        .member(0, "PE0", "ex4300-48p", "21.4R3.15").member(1, "PE1", "ex4300-48p", "21.4R3.15").build();
    AtomicInteger notifications = new AtomicInteger();
    OkHttpClient http = new OkHttpClient.Builder().addNetworkInterceptor(chain -> {
      Response response = chain.proceed(chain.request());
      String path = chain.request().url().encodedPath();
      if (path.endsWith("/notification") || path.endsWith(":report-progress")) {
        int n = notifications.incrementAndGet();
        if (n == 2 || n == 5) {
          response.close();
          throw new IOException("connection reset after the server answered notification " + n + " (injected)");
        }
      }
      return response;
    }).build();
    PhoneHomeServer server = PhoneHomeServer.builder().clock(clock).sslContext(PKI.serverSslContext())
        .authenticator(DeviceAuthentication.builder().deviceSecrets(serial -> Optional.of("code-" + serial)).build())
        .records(new InMemoryProvisioningRecords().put("PE0", OnboardingInformation.builder()
            .topology(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)).build()))
        .bind("127.0.0.1", 0).build().start();
    try (PhoneHomeClient client = PhoneHomeClient.builder()
        .bootstrapServers(server.url().toString())
        .dialect(dialect).encoding(Encoding.JSON)
        .password("code-PE0")
        .okHttpClient(http)
        .sslContext(PKI.clientSslContext(null), PKI.clientTrustManager())
        .deviceOperations(FakeVirtualChassis.builder(model).imageStaging(ImageStaging.DEVICE_FETCHES).build())
        .clock(clock).sleeper(clock).random(new Random(1))
        .build()) {
      PhoneHomeResult result = client.run();

      List<DeviceNotification> stored = server.progress().timeline("PE0");
      List<NotificationId> ids = stored.stream().map(n -> n.report().notificationId()).toList();
      assertThat(new HashSet<>(ids)).hasSize(ids.size());
      assertThat(stored).extracting(DeviceNotification::report)
          .containsExactlyElementsOf(result.notificationsDelivered());
      // Two answers lost: two notifications went over the wire twice, were stored once.
      assertThat(notifications.get()).isEqualTo(stored.size() + 2);
      assertThat(result.allNotificationsDelivered()).isTrue();
      assertThat(result.notificationsDelivered()).extracting(ProgressReport::notificationId).doesNotContainNull();
    } finally {
      server.close();
    }
  }
}
