package dev.phonehome.phc.core.client;

import dev.phonehome.phc.core.internal.engine.ImageStore;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Boot images on the agent's disk, for agent-push staging ({@code ImageStaging.AGENT_PUSHES}): when an agent
 * stages the same image for many VCs, it is downloaded and verified once, then pushed to each device from disk.
 * Give one cache to the builder of every client of a fleet ({@link PhoneHomeClient.Builder#imageCache}).
 *
 * <ul>
 *   <li><b>Content-addressed.</b> An image is cached under the strongest digest its server gave (SHA-512, then
 *       SHA-256, SHA-1, MD5), only after every digest given matched while it downloaded. A push verifies every
 *       digest of its own request again while the bytes flow to the device, and completes the upload only when
 *       all match: a cached copy that rotted on disk is removed and downloaded again (a {@code
 *       boot-image-warning} says so). The cache adds no trust: a copy is used only where a download with the
 *       same digests would have been accepted.
 *   <li><b>One download per image</b>, however many clients (threads) ask at once, and across processes that
 *       share the directory (a lock file per image); downloads are written to a temporary file, forced to disk
 *       and renamed into place, so nobody ever reads half an image.
 *   <li><b>Bounded.</b> Least recently used images are removed beyond {@code maxBytes}; an image being pushed is
 *       never removed under its reader. An image larger than the bound is pushed and then removed.
 * </ul>
 *
 * Images without any digest, and devices that fetch the image themselves ({@code DEVICE_FETCHES}), bypass the
 * cache. Thread-safe.
 */
public final class ImageCache {
  private final ImageStore store;

  private ImageCache(ImageStore store) {
    this.store = store;
  }

  /**
   * Opens the cache in {@code directory} (created when missing; shared safely with other processes), holding at
   * most {@code maxBytes} of images.
   *
   * @throws java.io.UncheckedIOException when the directory cannot be created or read
   * @throws IllegalArgumentException when {@code maxBytes} is not positive
   */
  public static ImageCache open(Path directory, long maxBytes) {
    return new ImageCache(ImageStore.open(directory, maxBytes, Clock.systemUTC()));
  }

  /** Where the images are. */
  public Path directory() {
    return store.directory();
  }

  /** The bound on the bytes kept. */
  public long maxBytes() {
    return store.maxBytes();
  }

  /** The bytes of the images in the directory now. */
  public long size() {
    return store.size();
  }

  /** What this cache did since it was opened, in this JVM. */
  public Stats stats() {
    return new Stats(store.hits(), store.downloads(), store.bytesDownloaded(), store.evictions(),
        store.corruptEntries());
  }

  ImageStore store() {
    return store;
  }

  @Override
  public String toString() {
    return "ImageCache[" + store.directory() + ", max " + store.maxBytes() + " bytes]";
  }

  /**
   * What a cache did since it was opened, in this JVM.
   *
   * @param hits images served from the cache (including to clients that waited for another's download)
   * @param downloads images downloaded into the cache
   * @param bytesDownloaded bytes of the images downloaded into the cache
   * @param evictions images removed to stay within the bound
   * @param corruptEntries cached images that no longer matched their digest when pushed (removed, downloaded again)
   */
  public record Stats(long hits, long downloads, long bytesDownloaded, long evictions, long corruptEntries) {}
}
