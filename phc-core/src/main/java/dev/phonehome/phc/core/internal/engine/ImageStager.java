package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageFetch;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.core.client.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage the boot image on the device (SPEC 4.2 step 2): download once, verifying every digest while the bytes
 * flow, retrying with backoff and jitter until it succeeds, rotating through the download URIs as mirrors.
 * {@link ImageStaging#AGENT_PUSHES}: streamed with OkHttp into the device's {@link ImageUpload}; an interrupted
 * transfer resumes with an HTTP range when the server honours it, else restarts. {@link ImageStaging#DEVICE_FETCHES}:
 * the device fetches and checks ({@link DeviceOperations#fetchImage}), one call per attempt.
 */
public final class ImageStager {
  private static final Logger log = LoggerFactory.getLogger(ImageStager.class);

  private final DeviceOperations device;
  private final @Nullable OkHttpClient http;
  private final RetryPolicy retry;
  private final Sleeper sleeper;
  private final Random random;
  private final PhoneHomeEventListener listener;
  private final Duration fetchTimeout;
  private final int maxAttempts;
  private final Runnable deadlineCheck;
  private @Nullable ImageStore cache;

  /** Makes a stager bound to the engine's deadline check. */
  @FunctionalInterface
  public interface Factory {
    ImageStager create(Runnable deadlineCheck);
  }

  /**
   * @param maxAttempts download attempts from one phone-home server's image URIs before {@link #stage} gives up
   *     with {@link AttemptsExhaustedException} (the engine then tries the next server)
   */
  public ImageStager(DeviceOperations device, @Nullable OkHttpClient http, RetryPolicy retry, Sleeper sleeper,
      Random random, PhoneHomeEventListener listener, Duration fetchTimeout, int maxAttempts, Runnable deadlineCheck) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.device = device;
    this.http = http;
    this.retry = retry;
    this.sleeper = sleeper;
    this.random = random;
    this.listener = listener;
    this.fetchTimeout = fetchTimeout;
    this.deadlineCheck = deadlineCheck;
  }

  /** Every attempt failed: the message names how many and the last real cause. */
  public static final class AttemptsExhaustedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AttemptsExhaustedException(String message) {
      super(message);
    }
  }

  /**
   * Stages {@code image}; returns once it is on the device and verified.
   *
   * @param warning receives a line for every failed attempt (the engine reports boot-image-warning)
   * @throws AttemptsExhaustedException after {@code maxAttempts} failed attempts, naming the last cause
   * @throws dev.phonehome.phc.core.client.BootstrapFailedException via the deadline check when time is up
   */
  public StagedImage stage(BootImage image, Consumer<String> warning) throws InterruptedException {
    List<String> uris = image.downloadUris();
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("boot-image has no download URI");
    }
    if (device.imageStaging() == ImageStaging.DEVICE_FETCHES) {
      return deviceFetches(image, uris, warning);
    }
    java.util.Optional<String> cacheKey = cache == null ? java.util.Optional.empty()
        : ImageStore.keyOf(image.verifications());
    if (cacheKey.isPresent()) {
      // Downloaded once per digest into the cache, then pushed from disk (CachedImagePush).
      return new CachedImagePush(device, cache, cacheKey.get(), retry, sleeper, random, listener, maxAttempts,
          deadlineCheck, (target, events) -> new ImageStager(target, http, retry, sleeper, random, events,
              fetchTimeout, maxAttempts, deadlineCheck)).stage(image, warning);
    }
    return agentPushes(image, uris, warning);
  }

  /** Agent-push staging through this image cache (null: straight from the server to the device). */
  public ImageStager withCache(@Nullable ImageStore cache) {
    this.cache = cache;
    return this;
  }

  private StagedImage deviceFetches(BootImage image, List<String> uris, Consumer<String> warning)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      deadlineCheck.run();
      String uri = uris.get((attempt - 1) % uris.size());
      listener.imageDownloadStarted(uri, attempt, 0);
      try {
        StagedImage staged = device.fetchImage(new ImageFetch(uri, image.fileName(), image.verifications(), fetchTimeout));
        listener.imageStaged(staged.path(), staged.size());
        return staged;
      } catch (PhcDeviceException e) {
        failed(uri, attempt, e.getMessage(), warning);
      }
    }
  }



  private StagedImage agentPushes(BootImage image, List<String> uris, Consumer<String> warning)
      throws InterruptedException {
    if (http == null) {
      throw new IllegalStateException("AGENT_PUSHES needs an OkHttpClient");
    }
    MultiDigest digest = new MultiDigest(image.verifications());
    ImageUpload upload = null;
    long written = 0;
    int uriIndex = 0;
    try {
      for (int attempt = 1; ; attempt++) {
        deadlineCheck.run();
        String uri = uris.get(uriIndex % uris.size());
        if (upload == null) {
          try {
            upload = device.beginImageUpload(image.fileName());
          } catch (PhcDeviceException e) {
            failed(uri, attempt, "the device cannot take the image: " + e.getMessage(), warning);
            continue;
          }
          digest.reset();
          written = 0;
        }
        listener.imageDownloadStarted(uri, attempt, written);
        Request.Builder rb = new Request.Builder().url(uri);
        if (written > 0) {
          rb.header("Range", "bytes=" + written + "-");
        }
        String failure;
        boolean keepPartial = false;
        try (Response response = http.newCall(rb.build()).execute()) {
          int code = response.code();
          boolean resumed = written > 0 && code == 206 && rangeStartsAt(response.header("Content-Range"), written);
          if (written > 0 && !resumed) {
            if (code == 200) {
              log.info("{} ignored the range request: restarting the download", uri);
              upload.abort();
              upload = device.beginImageUpload(image.fileName());
              digest.reset();
              written = 0;
            }
          }
          if (code != 200 && !resumed) {
            failure = "HTTP " + code + " from " + uri;
          } else {
            OutputStream out = upload.stream();
            // Digested and written on a second thread while the next chunk is read (DigestingCopy).
            DigestingCopy copy = new DigestingCopy(out, digest);
            try (InputStream in = response.body().byteStream()) {
              copy.from(in);
              out.flush();
            } catch (InterruptedIOException e) {
              if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("image download interrupted");
              }
              throw e;
            } finally {
              written += copy.written();
            }
            List<String> mismatches = digest.finishAndCompare();
            if (mismatches.isEmpty()) {
              StagedImage staged = upload.complete();
              upload = null;
              listener.imageStaged(staged.path(), staged.size());
              return staged;
            }
            failure = "checksum mismatch for " + uri + ": " + String.join("; ", mismatches) + " (file discarded)";
            upload.abort();
            upload = null;
            written = 0;
          }
        } catch (IOException e) {
          failure = written > 0
              ? "transfer from " + uri + " interrupted after " + written + " bytes: " + rootCause(e)
              : "could not fetch " + uri + ": " + rootCause(e);
          keepPartial = written > 0;
        } catch (PhcDeviceException e) {
          // Writing to the device failed (e.g. the SFTP session broke): start over with a new upload.
          failure = "writing the image to the device failed: " + e.getMessage();
          if (upload != null) {
            upload.abort();
            upload = null;
          }
          written = 0;
        }
        if (!keepPartial) {
          // Next attempt starts over, possibly from a mirror.
          uriIndex++;
          if (upload != null && written > 0) {
            upload.abort();
            upload = null;
          }
        }
        failed(uri, attempt, failure, warning);
      }
    } finally {
      if (upload != null) {
        upload.abort();
      }
    }
  }

  private void failed(String uri, int attempt, String reason, Consumer<String> warning) throws InterruptedException {
    log.warn("image download attempt {} of {} from {} failed: {}", attempt, maxAttempts, uri, reason);
    listener.imageDownloadFailed(uri, attempt, reason);
    if (attempt >= maxAttempts) {
      throw new AttemptsExhaustedException("image download failed " + attempt + " time(s); last: " + reason);
    }
    warning.accept(reason);
    sleeper.sleep(retry.delay(attempt, random));
  }

  /** The innermost cause, as {@code class: message} (an UnknownHostException, a refused connection...). */
  static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? t.toString() : t.toString() + " (cause: " + root + ")";
  }

  private static boolean rangeStartsAt(@Nullable String contentRange, long start) {
    // Content-Range: bytes 100-999/1000
    if (contentRange == null) {
      return false;
    }
    String t = contentRange.strip();
    if (!t.startsWith("bytes ")) {
      return false;
    }
    int dash = t.indexOf('-');
    if (dash < 0) {
      return false;
    }
    try {
      return Long.parseLong(t.substring(6, dash).strip()) == start;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
