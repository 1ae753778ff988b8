package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceInfo;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.core.client.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Agent-push staging through the image cache ({@link ImageStore}): the image is downloaded once per digest (by
 * whichever client asks first, with the stager's retries, mirrors and range resume, verified while it flows),
 * then every client pushes it to its device from disk, <b>verifying every digest of its own request again while
 * the bytes flow</b>; {@link ImageUpload#complete()} is called only when all match, as without the cache. A
 * cached copy that does not verify (it rotted on disk, or was tampered with) is removed and downloaded again.
 * Failures count against the same attempt budget and backoff as a download.
 */
final class CachedImagePush {
  private static final Logger log = LoggerFactory.getLogger(CachedImagePush.class);

  private final DeviceOperations device;
  private final ImageStore store;
  private final String key;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Random random;
  private final PhoneHomeEventListener listener;
  private final int maxAttempts;
  private final Runnable deadlineCheck;
  /** A stager with the caller's settings that writes to the given device and reports to the given listener. */
  private final BiFunction<DeviceOperations, PhoneHomeEventListener, ImageStager> downloader;

  CachedImagePush(DeviceOperations device, ImageStore store, String key, RetryPolicy retry, Sleeper sleeper,
      Random random, PhoneHomeEventListener listener, int maxAttempts, Runnable deadlineCheck,
      BiFunction<DeviceOperations, PhoneHomeEventListener, ImageStager> downloader) {
    this.device = device;
    this.store = store;
    this.key = key;
    this.retry = retry;
    this.sleeper = sleeper;
    this.random = random;
    this.listener = listener;
    this.maxAttempts = maxAttempts;
    this.deadlineCheck = deadlineCheck;
    this.downloader = downloader;
  }

  StagedImage stage(BootImage image, Consumer<String> warning) throws InterruptedException {
    // The download's own events (started, failed) go to the listener; "staged" is for the device, below.
    PhoneHomeEventListener downloadEvents = new PhoneHomeEventListener() {
      @Override
      public void imageDownloadStarted(String uri, int attempt, long resumeFrom) {
        listener.imageDownloadStarted(uri, attempt, resumeFrom);
      }

      @Override
      public void imageDownloadFailed(String uri, int attempt, String reason) {
        listener.imageDownloadFailed(uri, attempt, reason);
      }
    };
    for (int attempt = 1; ; attempt++) {
      deadlineCheck.run();
      String failure;
      try (ImageStore.Entry entry = store.getOrLoad(key,
          destinations -> downloader.apply(new CacheAsDevice(destinations), downloadEvents).stage(image, warning),
          sleeper, deadlineCheck)) {
        ImageUpload upload = null;
        try {
          upload = device.beginImageUpload(image.fileName());
          MultiDigest digest = new MultiDigest(image.verifications());
          OutputStream out = upload.stream();
          try (InputStream in = entry.open()) {
            new DigestingCopy(out, digest).from(in);
            out.flush();
          }
          List<String> mismatches = digest.finishAndCompare();
          if (mismatches.isEmpty()) {
            StagedImage staged = upload.complete();
            upload = null;
            log.info("{} pushed from the image cache ({})", image.fileName(), entry.path());
            listener.imageStaged(staged.path(), staged.size());
            return staged;
          }
          entry.invalidate();
          failure = "the cached copy of " + image.fileName() + " (" + entry.path() + ") does not verify: "
              + String.join("; ", mismatches) + "; removed from the cache, downloading it again";
        } catch (DigestingCopy.WriteFailed e) {
          failure = "writing the image to the device failed: " + e.getCause();
        } catch (IOException e) {
          entry.invalidate();
          failure = "reading the cached copy of " + image.fileName() + " (" + entry.path() + ") failed: " + e
              + "; removed from the cache, downloading it again";
        } catch (PhcDeviceException e) {
          failure = (upload == null ? "the device cannot take the image: " : "writing the image to the device failed: ")
              + e.getMessage();
        } finally {
          if (upload != null) {
            upload.abort();
          }
        }
      }
      failed(attempt, failure, warning);
    }
  }

  private void failed(int attempt, String reason, Consumer<String> warning) throws InterruptedException {
    log.warn("image push attempt {} of {} from the image cache failed: {}", attempt, maxAttempts, reason);
    listener.imageDownloadFailed("image-cache:" + key, attempt, reason);
    if (attempt >= maxAttempts) {
      throw new ImageStager.AttemptsExhaustedException("image push failed " + attempt + " time(s); last: " + reason);
    }
    warning.accept(reason);
    sleeper.sleep(retry.delay(attempt, random));
  }

  /** The cache seen as a device that takes pushed images: what the stager downloads into. */
  private static final class CacheAsDevice implements DeviceOperations {
    private final ImageStore.Destinations destinations;

    CacheAsDevice(ImageStore.Destinations destinations) {
      this.destinations = destinations;
    }

    @Override
    public ImageStaging imageStaging() {
      return ImageStaging.AGENT_PUSHES;
    }

    @Override
    public ImageUpload beginImageUpload(String fileName) {
      return destinations.begin();
    }

    private static UnsupportedOperationException notADevice() {
      return new UnsupportedOperationException("the image cache only takes image uploads");
    }

    @Override
    public DeviceInfo deviceInfo() {
      throw notADevice();
    }

    @Override
    public List<VcMember> members() {
      throw notADevice();
    }

    @Override
    public StagedImage fetchImage(ImageFetch fetch) {
      throw notADevice();
    }

    @Override
    public void installImage(int memberId, StagedImage image) {
      throw notADevice();
    }

    @Override
    public void reboot(Collection<Integer> memberIds) {
      throw notADevice();
    }

    @Override
    public void pinRoles(int primaryMemberId, int backupMemberId) {
      throw notADevice();
    }

    @Override
    public void unpinRoles() {
      throw notADevice();
    }

    @Override
    public void loadConfiguration(Bytes configuration, ConfigurationHandling handling) {
      throw notADevice();
    }

    @Override
    public void commitConfiguration() {
      throw notADevice();
    }

    @Override
    public ScriptResult runScript(ScriptPhase phase, Bytes script) {
      throw notADevice();
    }

    @Override
    public void syslog(SyslogSeverity severity, String message) {
      throw notADevice();
    }

    @Override
    public void persistState(int memberId, Bytes state) {
      throw notADevice();
    }

    @Override
    public Optional<Bytes> loadState() {
      throw notADevice();
    }

    @Override
    public Optional<Bytes> loadState(int memberId) {
      throw notADevice();
    }

    @Override
    public String moveStateAside(int memberId) {
      throw notADevice();
    }

    @Override
    public void clearState() {
      throw notADevice();
    }

    @Override
    public dev.phonehome.phc.api.device.StartConditions startConditions() {
      throw notADevice();
    }
  }
}
