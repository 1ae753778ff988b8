package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static dev.phonehome.phc.testkit.engine.Harness.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.core.client.ImageCache;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent provisioning a fleet: clients built from one builder, run at once on their own threads against the
 * real PhoneHomeServer over HTTPS, share one image download (the image cache) and a few kept-alive connections
 * (the per-server request limit), and every VC ends on the new software with its notifications stored.
 */
@Timeout(120)
class FleetOfClientsTest {
  private static final int VCS = 8;

  @Test
  void vcsBuiltFromOneBuilderShareOneImageDownloadAndAFewConnections(@TempDir Path cacheDir) throws Exception {
    TestPki pki = TestPki.create();
    AtomicInteger imageRequests = new AtomicInteger();
    AtomicInteger tlsConnections = new AtomicInteger();
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    try (MockWebServer images = new MockWebServer();
        PhoneHomeServer phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext())
            .bind("127.0.0.1", 0).build().start()) {
      images.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          imageRequests.incrementAndGet();
          return new MockResponse.Builder().body(new Buffer().write(IMAGE)).build();
        }
      });
      images.start(java.net.InetAddress.getLoopbackAddress(), 0);
      BootImage image = BootImage.builder().name(Harness.IMAGE_NAME)
          .addDownloadUri(images.url("/images/" + Harness.IMAGE_NAME).toString())
          .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Harness.digest("SHA-256", IMAGE))).build();
      OkHttpClient http = new OkHttpClient.Builder().eventListener(new EventListener() {
        @Override
        public void secureConnectStart(Call call) {
          tlsConnections.incrementAndGet();
        }
      }).build();
      ImageCache cache = ImageCache.open(cacheDir, 1L << 30);
      PhoneHomeClient.Builder fleet = PhoneHomeClient.builder()
          .bootstrapServers(phs.url().toString())
          .sslContext(pki.clientSslContext(null), pki.clientTrustManager())
          .okHttpClient(http)
          .imageCache(cache)
          .maxRequestsPerServer(2);

      List<FakeVirtualChassis> devices = new ArrayList<>();
      List<PhoneHomeClient> clients = new ArrayList<>();
      for (int vc = 0; vc < VCS; vc++) {
        String prefix = "VC" + vc + "M";
        records.put(prefix + "0", OnboardingInformation.builder().bootImage(image)
            .configuration(Harness.CONFIG)
            .topology(Harness.full(ProvisioningMode.DEFAULT, prefix + "0", prefix + "1", prefix + "2")).build());
        VirtualClock clock = new VirtualClock(); // each VC on its own time: one VC's waits do not age another's
        VirtualChassisModel model = VirtualChassisModel.builder().clock(clock)
            .member(0, prefix + "0", "ex4300-48p", Harness.OLD).member(1, prefix + "1", "ex4300-48p", Harness.OLD)
            .member(2, prefix + "2", "ex4300-48p", Harness.OLD).primary(0).backup(1).build();
        FakeVirtualChassis device = FakeVirtualChassis.of(model);
        devices.add(device);
        clients.add(fleet.deviceOperations(device).clock(clock).sleeper(clock).maxRounds(3).build());
      }
      ExecutorService threads = Executors.newFixedThreadPool(VCS);
      List<Future<PhoneHomeResult>> results = new ArrayList<>();
      try {
        for (PhoneHomeClient client : clients) {
          results.add(threads.submit(() -> {
            try (client) {
              return client.run();
            }
          }));
        }
        for (Future<PhoneHomeResult> r : results) {
          PhoneHomeResult result = r.get(90, TimeUnit.SECONDS);
          assertThat(result.members()).extracting(MemberOutcome::status).containsOnly(MemberOutcome.Status.UPGRADED);
          assertThat(result.allNotificationsDelivered()).isTrue();
        }
      } finally {
        threads.shutdownNow();
      }

      for (int vc = 0; vc < VCS; vc++) {
        assertThat(devices.get(vc).model().members()).extracting(VcMember::version).containsOnly(NEW);
        assertThat(devices.get(vc).model().file("/var/tmp/" + Harness.IMAGE_NAME)).hasValueSatisfying(
            f -> assertThat(f.digest(HashAlgorithm.SHA_256)).isEqualTo(Harness.digest("SHA-256", IMAGE)));
        assertThat(phs.progress().status("VC" + vc + "M0").state()).isEqualTo(DeviceState.COMPLETE);
      }
      assertThat(imageRequests.get()).isEqualTo(1);
      assertThat(cache.stats().downloads()).isEqualTo(1);
      assertThat(cache.stats().hits()).isEqualTo(VCS - 1);
      assertThat(cache.stats().bytesDownloaded()).isEqualTo(IMAGE.length);
      // Eight clients, about twenty requests each, at most two at a time: a handful of TLS connections, not one
      // (or more) per client. (A pooled connection the server closed while idle is replaced, hence the margin.)
      assertThat(tlsConnections.get()).isBetween(1, 4);
    }
  }
}
