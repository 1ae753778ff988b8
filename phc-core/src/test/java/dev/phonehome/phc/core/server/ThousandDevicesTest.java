package dev.phonehome.phc.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 simulated devices request bootstrap data and report progress at once over HTTPS on loopback: every
 * notification is stored exactly once, in order, under the device that sent it.
 */
class ThousandDevicesTest {
  private static final int DEVICES = 1000;
  private static final int NOTIFICATIONS_EACH = 3;
  private static final String PATH = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyNotificationOfAThousandConcurrentDevicesIsStoredUnderItsDevice() throws Exception {
    TestTls tls = new TestTls();
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    for (int i = 0; i < DEVICES; i++) {
      records.put(serial(i), Fixtures.onboarding("sw-" + i));
    }
    Map<String, AtomicInteger> heardPerDevice = new ConcurrentHashMap<>();
    try (PhoneHomeServer server = PhoneHomeServer.builder()
        .records(records)
        // The shipped default: BoringSSL where it loads (the JDK's TLS otherwise).
        .keyManagerFactory(tls.serverKeyManagerFactory())
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(2048))
        .addProgressListener(n -> heardPerDevice.computeIfAbsent(n.serialNumber(), s -> new AtomicInteger()).incrementAndGet())
        .build()
        .start()) {
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(256);
      dispatcher.setMaxRequestsPerHost(256);
      OkHttpClient client = new OkHttpClient.Builder()
          .sslSocketFactory(tls.clientContext().getSocketFactory(), tls.trustManager())
          .connectionPool(new ConnectionPool(128, 1, TimeUnit.MINUTES))
          .dispatcher(dispatcher)
          .callTimeout(Duration.ofSeconds(60))
          .build();
      ExecutorService pool = Executors.newFixedThreadPool(128);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < DEVICES; i++) {
        String serial = serial(i);
        futures.add(pool.submit(() -> {
          go.await();
          try (Response r = client.newCall(new Request.Builder().url(server.url() + PATH + serial)
              .header("Authorization", Credentials.basic(serial, "")).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).contains("<unique-id>" + serial + "</unique-id>").contains("<host-name>sw-" + Integer.parseInt(serial.substring(2)) + "</host-name>");
          }
          for (int k = 0; k < NOTIFICATIONS_EACH; k++) {
            byte[] body = JuniperXmlCodec.encodeNotification(
                ProgressReport.of(ProgressType.INFORMATIONAL, serial + " step " + k));
            try (Response r = client.newCall(new Request.Builder().url(server.url() + PATH + serial + "/notification")
                .header("Authorization", Credentials.basic(serial, ""))
                .post(RequestBody.create(body, MediaType.get("application/yang-data+xml"))).build()).execute()) {
              assertThat(r.code()).isEqualTo(204);
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get(150, TimeUnit.SECONDS);
      }
      pool.shutdown();

      assertThat(server.progress().devices()).hasSize(DEVICES);
      for (int i = 0; i < DEVICES; i++) {
        String serial = serial(i);
        List<DeviceNotification> timeline = server.progress().timeline(serial);
        assertThat(timeline).extracting(n -> n.report().message())
            .containsExactly(serial + " step 0", serial + " step 1", serial + " step 2");
        assertThat(timeline).allSatisfy(n -> assertThat(n.serialNumber()).isEqualTo(serial));
        assertThat(heardPerDevice.get(serial)).hasValue(NOTIFICATIONS_EACH);
        assertThat(server.progress().status(serial).requests()).isEqualTo(1);
      }
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static String serial(int i) {
    return String.format("SN%06d", i);
  }
}
