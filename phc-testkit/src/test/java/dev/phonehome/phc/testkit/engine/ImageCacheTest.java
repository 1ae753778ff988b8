package dev.phonehome.phc.testkit.engine;

import static dev.phonehome.phc.testkit.engine.Harness.IMAGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.core.client.RetryPolicy;
import dev.phonehome.phc.core.internal.engine.ImageStager;
import dev.phonehome.phc.core.internal.engine.ImageStore;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The image cache of agent-push staging: one download per digest however many clients ask at once, every push
 * verified while it flows (a corrupt cached copy is detected, removed and fetched again, and never completes an
 * upload), atomic entries, and the disk bound.
 */
@Timeout(60)
class ImageCacheTest {
  private final VirtualClock clock = new VirtualClock();
  private final MockWebServer server = new MockWebServer();
  private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  private final Map<String, byte[]> images = new ConcurrentHashMap<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch holdDownloads = new CountDownLatch(0);
  private volatile boolean cutFirstTransfer;
  private final OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(20)).build();
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    images.put("/images/a.tgz", IMAGE);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        String path = request.getUrl().encodedPath();
        byte[] body = images.get(path);
        if (body == null) {
          return new MockResponse.Builder().code(404).build();
        }
        int n = served.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        holdDownloads.await(20, TimeUnit.SECONDS);
        String range = request.getHeaders().get("Range");
        if (range != null) {
          int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
          return new MockResponse.Builder().code(206)
              .setHeader("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length)
              .body(new Buffer().write(Arrays.copyOfRange(body, from, body.length))).build();
        }
        MockResponse.Builder b = new MockResponse.Builder().body(new Buffer().write(body));
        if (cutFirstTransfer && n == 1) {
          b.onResponseBody(SocketEffect.ShutdownConnection.INSTANCE);
        }
        return b.build();
      }
    });
    server.start(java.net.InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.close();
    http.dispatcher().executorService().shutdown();
  }

  private BootImage image(String path, byte[] bytes) {
    return BootImage.builder().name(Harness.IMAGE_NAME)
        .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Harness.digest("SHA-256", bytes)))
        .addVerification(new ImageVerification(HashAlgorithm.MD5, Harness.digest("MD5", bytes)))
        .addDownloadUri(server.url(path).toString()).build();
  }

  private static FakeVirtualChassis device(VirtualClock clock, String serial) {
    return FakeVirtualChassis.of(VirtualChassisModel.builder().clock(clock)
        .member(0, serial, "ex4300-48p", Harness.OLD).build());
  }

  private StagedImage stage(ImageStore store, FakeVirtualChassis device, BootImage image) throws InterruptedException {
    return new ImageStager(device, http, RetryPolicy.DEFAULT, clock, new Random(3), PhoneHomeEventListener.NONE,
        Duration.ofMinutes(5), 10, () -> {}).withCache(store).stage(image, warnings::add);
  }

  private static void assertIntact(FakeVirtualChassis device, StagedImage staged, byte[] bytes) {
    VirtualChassisModel.StoredFile f = device.model().file(staged.path()).orElseThrow();
    assertThat(f.size()).isEqualTo(bytes.length);
    assertThat(f.digest(HashAlgorithm.SHA_256)).isEqualTo(Harness.digest("SHA-256", bytes));
  }

  private ImageStore store(long maxBytes) {
    return ImageStore.open(dir, maxBytes, Clock.systemUTC());
  }

  private int served(String path) {
    AtomicInteger n = served.get(path);
    return n == null ? 0 : n.get();
  }

  @Test
  void twentyClientsStagingOneImageAtOnceDownloadItOnceAndEachDeviceGetsVerifiedBytes() throws Exception {
    ImageStore store = store(10L << 20);
    BootImage image = image("/images/a.tgz", IMAGE);
    holdDownloads = new CountDownLatch(1); // the first download waits until every client has asked
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch asked = new CountDownLatch(20);
    ExecutorService threads = Executors.newFixedThreadPool(20);
    List<FakeVirtualChassis> devices = new ArrayList<>();
    List<Future<StagedImage>> staged = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        FakeVirtualChassis d = device(new VirtualClock(), "PE" + i);
        devices.add(d);
        staged.add(threads.submit(() -> {
          go.await();
          asked.countDown();
          return stage(store, d, image);
        }));
      }
      go.countDown();
      assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (served("/images/a.tgz") < 1 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      holdDownloads.countDown();
      for (int i = 0; i < 20; i++) {
        assertIntact(devices.get(i), staged.get(i).get(30, TimeUnit.SECONDS), IMAGE);
      }
    } finally {
      holdDownloads.countDown();
      threads.shutdownNow();
    }
    assertThat(served("/images/a.tgz")).isEqualTo(1);
    assertThat(store.downloads()).isEqualTo(1);
    assertThat(store.hits()).isEqualTo(19);
    assertThat(store.bytesDownloaded()).isEqualTo(IMAGE.length);
    assertThat(warnings).isEmpty();
    String key = ImageStore.keyOf(image.verifications()).orElseThrow();
    assertThat(key).isEqualTo("sha256-" + Harness.digest("SHA-256", IMAGE).hex());
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(key, key + ".lock");
    }
  }

  @Test
  void aCorruptCachedCopyIsDetectedWhileItIsPushedRemovedAndFetchedAgain() throws Exception {
    ImageStore store = store(10L << 20);
    BootImage image = image("/images/a.tgz", IMAGE);
    FakeVirtualChassis first = device(clock, "PE0");
    assertIntact(first, stage(store, first, image), IMAGE);
    Path entry = dir.resolve(ImageStore.keyOf(image.verifications()).orElseThrow());
    try (RandomAccessFile f = new RandomAccessFile(entry.toFile(), "rw")) {
      f.seek(IMAGE.length / 2);
      f.write(~IMAGE[IMAGE.length / 2]); // one byte rots on disk; the size is unchanged
    }

    FakeVirtualChassis second = device(clock, "PE1");
    StagedImage staged = stage(store, second, image);

    assertIntact(second, staged, IMAGE);
    // The upload of the corrupt copy was aborted, never completed: the device only ever kept good bytes.
    assertThat(second.callSummaries("begin-image-upload", "image-upload-abort", "image-upload-complete"))
        .containsExactly("begin-image-upload file=" + Harness.IMAGE_NAME,
            "image-upload-abort path=/var/tmp/" + Harness.IMAGE_NAME,
            "begin-image-upload file=" + Harness.IMAGE_NAME,
            "image-upload-complete path=/var/tmp/" + Harness.IMAGE_NAME + " bytes=" + IMAGE.length);
    assertThat(served("/images/a.tgz")).isEqualTo(2);
    assertThat(store.corruptEntries()).isEqualTo(1);
    assertThat(warnings).singleElement().asString().contains("does not verify").contains("SHA-256 expected")
        .contains("downloading it again");
    assertThat(Bytes.of(Files.readAllBytes(entry))).isEqualTo(Bytes.of(IMAGE));
  }

  @Test
  void aCachedCopyThatLostItsTailIsDetectedToo() throws Exception {
    ImageStore store = store(10L << 20);
    BootImage image = image("/images/a.tgz", IMAGE);
    stage(store, device(clock, "PE0"), image);
    Path entry = dir.resolve(ImageStore.keyOf(image.verifications()).orElseThrow());
    try (RandomAccessFile f = new RandomAccessFile(entry.toFile(), "rw")) {
      f.setLength(IMAGE.length - 1000);
    }

    FakeVirtualChassis second = device(clock, "PE1");
    assertIntact(second, stage(store, second, image), IMAGE);
    assertThat(served("/images/a.tgz")).isEqualTo(2);
  }

  @Test
  void anInterruptedDownloadResumesIntoTheSameTemporaryFileAndNeverShowsAHalfEntry() throws Exception {
    cutFirstTransfer = true;
    ImageStore store = store(10L << 20);
    BootImage image = image("/images/a.tgz", IMAGE);

    FakeVirtualChassis d = device(clock, "PE0");
    assertIntact(d, stage(store, d, image), IMAGE);

    assertThat(served("/images/a.tgz")).isEqualTo(2);
    assertThat(warnings).singleElement().asString().contains("interrupted after");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".tmp-"));
    }
    assertThat(store.bytesDownloaded()).isEqualTo(IMAGE.length);
  }

  @Test
  void leastRecentlyUsedImagesGoBeyondTheBoundButNeverOneBeingRead() throws Exception {
    byte[][] bytes = new byte[4][];
    for (int i = 0; i < 4; i++) {
      bytes[i] = Harness.image(100_000 + i);
      new Random(i).nextBytes(bytes[i]);
      images.put("/images/" + i + ".tgz", bytes[i]);
    }
    MutableClock files = new MutableClock();
    ImageStore store = ImageStore.open(dir, 250_000, files); // room for two images
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      keys.add(ImageStore.keyOf(image("/images/" + i + ".tgz", bytes[i]).verifications()).orElseThrow());
    }
    stage(store, device(clock, "PE0"), image("/images/0.tgz", bytes[0]));
    files.plus(Duration.ofSeconds(10));
    stage(store, device(clock, "PE1"), image("/images/1.tgz", bytes[1]));
    files.plus(Duration.ofSeconds(10));
    // Image 0 is used again (now the most recent); image 1 is the least recently used.
    stage(store, device(clock, "PE2"), image("/images/0.tgz", bytes[0]));
    files.plus(Duration.ofSeconds(10));

    stage(store, device(clock, "PE3"), image("/images/2.tgz", bytes[2]));

    assertThat(Files.exists(dir.resolve(keys.get(1)))).isFalse();
    assertThat(Files.exists(dir.resolve(keys.get(0)))).isTrue();
    assertThat(Files.exists(dir.resolve(keys.get(2)))).isTrue();
    assertThat(store.size()).isLessThanOrEqualTo(250_000);
    assertThat(store.evictions()).isEqualTo(1);

    // An entry being read survives even when it is the oldest; it goes once its reader is done.
    files.plus(Duration.ofSeconds(10));
    try (ImageStore.Entry reading = store.lookup(keys.get(0))) {
      assertThat(reading).isNotNull();
      files.plus(Duration.ofSeconds(10));
      stage(store, device(clock, "PE4"), image("/images/3.tgz", bytes[3])); // 2 is now the oldest unread
      assertThat(Files.exists(dir.resolve(keys.get(0)))).isTrue();
      assertThat(Files.exists(dir.resolve(keys.get(2)))).isFalse();
      assertThat(Files.exists(dir.resolve(keys.get(3)))).isTrue();
    }
    assertThat(store.size()).isLessThanOrEqualTo(250_000);
    assertThat(served("/images/0.tgz")).isEqualTo(1); // its second use was a hit
  }

  @Test
  void anImageLargerThanTheBoundIsPushedAndThenRemoved() throws Exception {
    ImageStore store = store(IMAGE.length / 2);
    FakeVirtualChassis d = device(clock, "PE0");

    assertIntact(d, stage(store, d, image("/images/a.tgz", IMAGE)), IMAGE);

    assertThat(store.size()).isZero();
    assertThat(store.evictions()).isEqualTo(1);
  }

  @Test
  void anImageWithoutDigestBypassesTheCache() throws Exception {
    ImageStore store = store(10L << 20);
    BootImage noDigest = BootImage.builder().name(Harness.IMAGE_NAME)
        .addDownloadUri(server.url("/images/a.tgz").toString()).build();
    FakeVirtualChassis d = device(clock, "PE0");

    assertIntact(d, stage(store, d, noDigest), IMAGE);
    stage(store, device(clock, "PE1"), noDigest);

    assertThat(served("/images/a.tgz")).isEqualTo(2);
    assertThat(store.downloads()).isZero();
    assertThat(store.size()).isZero();
  }

  @Test
  void theStrongestDigestNamesTheEntry() {
    Bytes md5 = Harness.digest("MD5", IMAGE);
    Bytes sha1 = Harness.digest("SHA-1", IMAGE);
    Bytes sha512 = Harness.digest("SHA-512", IMAGE);
    assertThat(ImageStore.keyOf(List.of(new ImageVerification(HashAlgorithm.MD5, md5),
        new ImageVerification(HashAlgorithm.SHA_1, sha1)))).hasValue("sha1-" + sha1.hex());
    assertThat(ImageStore.keyOf(List.of(new ImageVerification(HashAlgorithm.SHA_512, sha512),
        new ImageVerification(HashAlgorithm.MD5, md5)))).hasValue("sha512-" + sha512.hex());
    assertThat(ImageStore.keyOf(List.of(new ImageVerification(HashAlgorithm.MD5, md5)))).hasValue("md5-" + md5.hex());
    assertThat(ImageStore.keyOf(List.of())).isEmpty();
  }

  @Test
  void temporaryFilesOfACrashedDownloadAreRemovedWhenTheCacheOpensOnlyWhenStale() throws Exception {
    Path stale = Files.write(dir.resolve(".tmp-sha256-00-crashed"), new byte[100]);
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path live = Files.write(dir.resolve(".tmp-sha256-00-downloading"), new byte[100]); // another process's

    ImageStore.open(dir, 1 << 20, Clock.systemUTC());

    assertThat(stale).doesNotExist();
    assertThat(live).exists();
  }

  /** A clock for the cache's recency marks that moves only when told. */
  private static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void plus(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
