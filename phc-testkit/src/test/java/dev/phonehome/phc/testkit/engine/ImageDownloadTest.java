package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.core.internal.engine.ImageStager;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SPEC 4.2 step 2: download once, verify every digest while the bytes flow, retry, mirrors, range resume. */
@Timeout(30)
class ImageDownloadTest {
  private final VirtualClock clock = new VirtualClock();
  private final MockWebServer server = new MockWebServer();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private Function<RecordedRequest, MockResponse> handler = r -> new MockResponse.Builder().code(404).build();
  private int served;
  private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
  private VirtualChassisModel model;
  private FakeVirtualChassis device;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.add(request);
        synchronized (ImageDownloadTest.this) {
          served++;
        }
        return handler.apply(request);
      }
    });
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
    model = VirtualChassisModel.builder().clock(clock).member(0, "PE0", "ex4300-48p", Harness.OLD).build();
    device = FakeVirtualChassis.of(model);
  }

  @AfterEach
  void stop() {
    server.close();
    http.dispatcher().executorService().shutdown();
  }

  private BootImage image(String... paths) {
    BootImage.Builder b = BootImage.builder().name(Harness.IMAGE_NAME)
        .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Harness.digest("SHA-256", IMAGE)))
        .addVerification(new ImageVerification(HashAlgorithm.SHA_1, Harness.digest("SHA-1", IMAGE)))
        .addVerification(new ImageVerification(HashAlgorithm.MD5, Harness.digest("MD5", IMAGE)));
    for (String p : paths) {
      b.addDownloadUri(server.url(p).toString());
    }
    return b.build();
  }

  private StagedImage stage(BootImage image) throws InterruptedException {
    PhoneHomeEventListener listener = new PhoneHomeEventListener() {
      @Override
      public void imageDownloadStarted(String uri, int attempt, long resumeFrom) {
        events.add("start " + uri.substring(uri.lastIndexOf('/', uri.lastIndexOf('/') - 1)) + " from " + resumeFrom);
      }

      @Override
      public void imageStaged(String path, long size) {
        events.add("staged " + path + " " + size);
      }
    };
    return new ImageStager(device, http, RetryPolicy.DEFAULT, clock, new Random(3), listener, Duration.ofMinutes(5), 10,
        () -> {}).stage(image, warnings::add);
  }

  private static MockResponse full() {
    return new MockResponse.Builder().body(new Buffer().write(IMAGE)).build();
  }

  private void assertStagedIntact(StagedImage staged) {
    VirtualChassisModel.StoredFile f = model.file(staged.path()).orElseThrow();
    assertThat(f.size()).isEqualTo(IMAGE.length);
    assertThat(f.digest(HashAlgorithm.SHA_256)).isEqualTo(Harness.digest("SHA-256", IMAGE));
    assertThat(staged).isEqualTo(new StagedImage("/var/tmp/" + Harness.IMAGE_NAME, IMAGE.length));
  }

  @Test
  void interruptedTransferResumesWithARangeRequest() throws Exception {
    handler = r -> {
      String range = r.getHeaders().get("Range");
      if (range == null) {
        return new MockResponse.Builder().body(new Buffer().write(IMAGE))
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build();
      }
      int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
      return new MockResponse.Builder().code(206)
          .setHeader("Content-Range", "bytes " + from + "-" + (IMAGE.length - 1) + "/" + IMAGE.length)
          .body(new Buffer().write(Arrays.copyOfRange(IMAGE, from, IMAGE.length))).build();
    };

    StagedImage staged = stage(image("/images/a.tgz"));

    assertStagedIntact(staged);
    assertThat(requests).hasSize(2);
    String range = requests.get(1).getHeaders().get("Range");
    assertThat(range).matches("bytes=[1-9][0-9]*-");
    assertThat(events.get(1)).startsWith("start /images/a.tgz from ").doesNotEndWith(" from 0");
    assertThat(warnings).singleElement().asString().contains("interrupted after");
    assertThat(device.callSummaries("begin-image-upload", "image-upload-abort", "image-upload-complete"))
        .containsExactly("begin-image-upload file=" + Harness.IMAGE_NAME,
            "image-upload-complete path=/var/tmp/" + Harness.IMAGE_NAME + " bytes=" + IMAGE.length);
  }

  @Test
  void interruptedTransferRestartsWhenTheServerIgnoresTheRange() throws Exception {
    handler = r -> r.getHeaders().get("Range") == null
        ? new MockResponse.Builder().body(new Buffer().write(IMAGE))
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE).build()
        : full();

    StagedImage staged = stage(image("/images/a.tgz"));

    assertStagedIntact(staged);
    assertThat(device.callSummaries("begin-image-upload", "image-upload-abort", "image-upload-complete"))
        .containsExactly("begin-image-upload file=" + Harness.IMAGE_NAME,
            "image-upload-abort path=/var/tmp/" + Harness.IMAGE_NAME,
            "begin-image-upload file=" + Harness.IMAGE_NAME,
            "image-upload-complete path=/var/tmp/" + Harness.IMAGE_NAME + " bytes=" + IMAGE.length);
  }

  @Test
  void checksumMismatchDiscardsTheFileAndDownloadsAgain() throws Exception {
    byte[] corrupt = IMAGE.clone();
    corrupt[1000] ^= 1;
    handler = r -> {
      synchronized (this) {
        return served == 1 ? new MockResponse.Builder().body(new Buffer().write(corrupt)).build() : full();
      }
    };

    StagedImage staged = stage(image("/images/a.tgz"));

    assertStagedIntact(staged);
    assertThat(warnings).singleElement().asString()
        .startsWith("checksum mismatch for " + server.url("/images/a.tgz") + ": SHA-256 expected "
            + Harness.digest("SHA-256", IMAGE).hex() + ", was " + Harness.digest("SHA-256", corrupt).hex())
        .contains("SHA-1 expected").contains("MD5 expected").endsWith("(file discarded)");
    assertThat(device.callSummaries("image-upload-abort")).hasSize(1);
    assertThat(clock.totalSlept()).isPositive();
  }

  @Test
  void mirrorsAreUsedWhenTheFirstSourceFails() throws Exception {
    handler = r -> r.getUrl().encodedPath().startsWith("/images/")
        ? new MockResponse.Builder().code(503).build()
        : full();

    StagedImage staged = stage(image("/images/a.tgz", "/mirror/a.tgz"));

    assertStagedIntact(staged);
    assertThat(requests).extracting(r -> r.getUrl().encodedPath()).containsExactly("/images/a.tgz", "/mirror/a.tgz");
    assertThat(warnings).containsExactly("HTTP 503 from " + server.url("/images/a.tgz"));
  }

  @Test
  void retriesWithGrowingBackoffUntilTheDownloadSucceeds() throws Exception {
    handler = r -> {
      synchronized (this) {
        return served <= 4 ? new MockResponse.Builder().code(500).build() : full();
      }
    };

    StagedImage staged = stage(image("/images/a.tgz"));

    assertStagedIntact(staged);
    assertThat(requests).hasSize(5);
    // 5 s, 10 s, 20 s, 40 s with 20% jitter.
    assertThat(clock.totalSlept()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(90));
  }

  @Test
  void deviceFetchRetriesFailedAndCorruptDownloadsAcrossMirrors() throws Exception {
    VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock).member(0, "PE0", "ex4300-48p", Harness.OLD)
        .imageSource(uri -> new java.io.ByteArrayInputStream(IMAGE)).build();
    vc.inject(new VcFault.DownloadFails(2));
    vc.inject(new VcFault.CorruptImage(1));
    FakeVirtualChassis fetching = FakeVirtualChassis.builder(vc).imageStaging(ImageStaging.DEVICE_FETCHES).build();
    BootImage img = image("/images/a.tgz", "/mirror/a.tgz");

    StagedImage staged = new ImageStager(fetching, null, RetryPolicy.DEFAULT, clock, new Random(3),
        PhoneHomeEventListener.NONE, Duration.ofMinutes(5), 10, () -> {}).stage(img, warnings::add);

    assertThat(staged.size()).isEqualTo(IMAGE.length);
    assertThat(fetching.callSummaries("fetch-image")).extracting(s -> s.substring(s.lastIndexOf('/', s.lastIndexOf('/') - 1)))
        .containsExactly("/images/a.tgz", "/mirror/a.tgz", "/images/a.tgz", "/mirror/a.tgz");
    assertThat(warnings).hasSize(3);
    assertThat(warnings.get(2)).startsWith("fetch-image: checksum mismatch for /var/tmp/" + Harness.IMAGE_NAME);
    assertThat(vc.file("/var/tmp/" + Harness.IMAGE_NAME)).isPresent();
  }

}
