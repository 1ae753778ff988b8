package dev.phonehome.phc.testkit.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Sleeper;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import okhttp3.OkHttpClient;

/**
 * One agent process of {@link ImageCacheAcrossProcessesTest}: stages one image through the shared cache directory
 * onto its own simulated device and prints what the device got.
 *
 * <p>Usage: {@code ImageCacheWorker <cache-dir> <url> <sha256-hex>}
 */
public final class ImageCacheWorker {
  public static void main(String[] args) throws Exception {
    ImageStore store = ImageStore.open(Path.of(args[0]), 1L << 30, Clock.systemUTC());
    BootImage image = BootImage.builder().name(Harness.IMAGE_NAME).addDownloadUri(args[1])
        .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.fromHex(args[2]))).build();
    VirtualClock clock = new VirtualClock();
    FakeVirtualChassis device = FakeVirtualChassis.of(VirtualChassisModel.builder().clock(clock)
        .member(0, "PE0", "ex4300-48p", Harness.OLD).build());
    OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(30)).build();
    System.out.println("STARTED");
    System.out.flush();
    StagedImage staged = new ImageStager(device, http, RetryPolicy.DEFAULT, Sleeper.system(), new Random(),
        PhoneHomeEventListener.NONE, Duration.ofMinutes(1), 3, () -> {}).withCache(store)
        .stage(image, w -> System.out.println("WARNING " + w));
    VirtualChassisModel.StoredFile f = device.model().file(staged.path()).orElseThrow();
    System.out.println("STAGED " + f.size() + " " + f.digest(HashAlgorithm.SHA_256).hex() + " downloads="
        + store.downloads() + " hits=" + store.hits());
    System.out.flush();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private ImageCacheWorker() {}
}
