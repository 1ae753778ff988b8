package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.Sleeper;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A content-addressed store of verified boot images in one directory, for agent-push staging: an image is
 * downloaded once per digest and pushed to every device from disk.
 *
 * <ul>
 *   <li><b>Names.</b> An entry is named by the strongest digest the server gave ({@code sha512-<hex>},
 *       {@code sha256-<hex>}, {@code sha1-<hex>} or {@code md5-<hex>}); it only ever holds bytes that matched
 *       every digest given when it was downloaded. A push re-verifies every digest of its own request while the
 *       bytes flow, so an entry that rotted on disk is detected, removed and fetched again.
 *   <li><b>Writes are atomic.</b> A download goes to {@code .tmp-<key>-<random>} in the same directory, is
 *       forced to disk, then renamed over the entry's name: a reader sees a whole verified file or none.
 *   <li><b>One download per digest.</b> Threads of one JVM wait on a lock per key; processes sharing the
 *       directory wait on an exclusive file lock on {@code <key>.lock}. Whoever gets the lock first looks again
 *       (another may have just finished) before downloading.
 *   <li><b>Bounded disk.</b> After every new entry and every released one, the least recently used entries go
 *       until the total is at most the bound, except entries this JVM is reading (an open file survives its
 *       removal on POSIX systems, so another process's reader is not disturbed either). An image larger than the
 *       bound is still pushed, and removed once no push reads it. Temporary files older than a day (a crashed
 *       download) are removed when the store opens.
 * </ul>
 *
 * Thread-safe.
 */
public final class ImageStore {
  private static final Logger log = LoggerFactory.getLogger(ImageStore.class);
  private static final Pattern ENTRY = Pattern.compile("(sha512|sha256|sha1|md5)-[0-9a-f]{32,128}");
  private static final String TMP = ".tmp-";
  private static final Duration STALE_TMP = Duration.ofDays(1);
  private static final long LOCK_POLL_MILLIS = 50;

  private final Path directory;
  private final long maxBytes;
  private final Clock clock;
  private final ConcurrentHashMap<String, ReentrantLock> keyLocks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> readers = new ConcurrentHashMap<>();
  private final Object evictionLock = new Object();
  private final LongAdder hits = new LongAdder();
  private final LongAdder downloads = new LongAdder();
  private final LongAdder bytesDownloaded = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder corrupt = new LongAdder();

  private ImageStore(Path directory, long maxBytes, Clock clock) {
    this.directory = directory;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  /**
   * Opens (creating it when needed) the store in {@code directory}, holding at most {@code maxBytes}.
   *
   * @throws UncheckedIOException when the directory cannot be created or read
   */
  public static ImageStore open(Path directory, long maxBytes, Clock clock) {
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
    }
    try {
      Files.createDirectories(directory);
      ImageStore store = new ImageStore(directory.toRealPath(), maxBytes, clock);
      store.removeStaleTemporaryFiles();
      store.evict();
      return store;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the image cache in " + directory + ": " + e.getMessage(), e);
    }
  }

  public Path directory() {
    return directory;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * The key of an image: its strongest digest, e.g. {@code sha256-<hex>}; empty when it has none (such an image
   * cannot be addressed by its content and is not cached).
   */
  public static Optional<String> keyOf(List<ImageVerification> verifications) {
    ImageVerification best = null;
    for (ImageVerification v : verifications) {
      if (best == null || strength(v.algorithm()) > strength(best.algorithm())) {
        best = v;
      }
    }
    return best == null ? Optional.empty()
        : Optional.of(best.algorithm().juniperElement().toLowerCase(Locale.ROOT) + "-" + best.value().hex());
  }

  private static int strength(HashAlgorithm a) {
    return switch (a) {
      case SHA_512 -> 4;
      case SHA_256 -> 3;
      case SHA_1 -> 2;
      case MD5 -> 1;
    };
  }

  /** Fills an entry: called with an upload destination for each download attempt (see {@link #getOrLoad}). */
  @FunctionalInterface
  public interface Loader {
    /**
     * Downloads the image into uploads made by {@code destinations}, verifying every digest while the bytes flow,
     * and completes the upload only when all match.
     */
    void load(Destinations destinations) throws InterruptedException;
  }

  /** Where a {@link Loader} writes: every call begins a new temporary file for the entry. */
  @FunctionalInterface
  public interface Destinations {
    ImageUpload begin();
  }

  /** The entry of {@code key}, or null when there is none. Close it when done reading. */
  public @Nullable Entry lookup(String key) {
    checkKey(key);
    Path path = directory.resolve(key);
    RandomAccessFile file;
    try {
      file = new RandomAccessFile(path.toFile(), "r");
    } catch (FileNotFoundException e) {
      if (!Files.exists(path)) {
        return null;
      }
      log.warn("cannot read the cached image {}: {}", path, e.toString());
      return null;
    } catch (RuntimeException e) {
      log.warn("cannot read the cached image {}: {}", path, e.toString());
      return null;
    }
    try {
      Files.setLastModifiedTime(path, FileTime.from(clock.instant()));
    } catch (IOException e) {
      // removed meanwhile (the open channel still reads it) or a read-only store: recency is best effort
      log.debug("cannot touch {}: {}", path, e.toString());
    }
    readers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return new Entry(key, path, file);
  }

  /**
   * The entry of {@code key}, downloading it first with {@code loader} when it is not there. One download per
   * key at a time in this JVM and, through a lock file, across processes sharing the directory; the others wait
   * and then read what it stored.
   *
   * @param deadlineCheck runs while waiting for another downloader; throws when the caller's time is up
   * @throws InterruptedException when interrupted while waiting
   * @throws PhcDeviceException (operation {@code image-cache}) when the cache's directory cannot be locked
   */
  public Entry getOrLoad(String key, Loader loader, Sleeper sleeper, Runnable deadlineCheck)
      throws InterruptedException {
    Entry hit = lookup(key);
    if (hit != null) {
      hits.increment();
      return hit;
    }
    ReentrantLock lock = keyLocks.computeIfAbsent(key, k -> new ReentrantLock());
    while (!lock.tryLock(LOCK_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      deadlineCheck.run();
    }
    try {
      try (FileChannel lockFile = FileChannel.open(directory.resolve(key + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock processLock;
        while ((processLock = lockFile.tryLock()) == null) {
          deadlineCheck.run();
          sleeper.sleep(Duration.ofMillis(LOCK_POLL_MILLIS));
        }
        try {
          hit = lookup(key);
          if (hit != null) {
            hits.increment();
            return hit;
          }
          java.util.concurrent.atomic.AtomicReference<Entry> stored = new java.util.concurrent.atomic.AtomicReference<>();
          loader.load(() -> new Writer(key, stored));
          // The entry as stored, opened before it was renamed into place: another process that removes it at
          // once (an image larger than the bound) cannot take it from this reader.
          Entry loaded = stored.get();
          if (loaded == null) {
            throw new IllegalStateException("the loader of " + key + " returned without storing it");
          }
          return loaded;
        } finally {
          processLock.release();
        }
      } catch (IOException e) {
        throw cacheFailure("cannot lock " + key + " in the image cache " + directory, e);
      }
    } finally {
      lock.unlock();
      evict();
    }
  }

  /** The bytes of every entry now in the directory. */
  public long size() {
    long total = 0;
    for (Candidate c : entries()) {
      total += c.size;
    }
    return total;
  }

  public long hits() {
    return hits.sum();
  }

  public long downloads() {
    return downloads.sum();
  }

  public long bytesDownloaded() {
    return bytesDownloaded.sum();
  }

  public long evictions() {
    return evictions.sum();
  }

  public long corruptEntries() {
    return corrupt.sum();
  }

  /**
   * Removes least recently used entries until the total is within the bound; entries being read stay. Best
   * effort: a directory that cannot be listed is logged and tried again next time.
   */
  void evict() {
    synchronized (evictionLock) {
      List<Candidate> all;
      try {
        all = entries();
      } catch (UncheckedIOException e) {
        log.warn("image cache {}: cannot look for images to remove: {}", directory, e.getMessage());
        return;
      }
      long total = 0;
      for (Candidate c : all) {
        total += c.size;
      }
      if (total <= maxBytes) {
        return;
      }
      all.sort(Comparator.comparing((Candidate c) -> c.lastUsed).thenComparing(c -> c.key));
      for (Candidate c : all) {
        if (total <= maxBytes) {
          break;
        }
        AtomicInteger r = readers.get(c.key);
        if (r != null && r.get() > 0) {
          continue;
        }
        try {
          if (Files.deleteIfExists(directory.resolve(c.key))) {
            evictions.increment();
            log.info("image cache {} over {} bytes: removed {} ({} bytes, last used {})", directory, maxBytes,
                c.key, c.size, c.lastUsed);
          }
          total -= c.size;
        } catch (IOException e) {
          log.warn("cannot remove {} from the image cache: {}", c.key, e.toString());
        }
      }
    }
  }

  private List<Candidate> entries() {
    List<Candidate> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!ENTRY.matcher(name).matches()) {
          continue;
        }
        try {
          out.add(new Candidate(name, Files.size(p), Files.getLastModifiedTime(p)));
        } catch (NoSuchFileException e) {
          // removed meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the image cache " + directory + ": " + e, e);
    }
    return out;
  }

  private void removeStaleTemporaryFiles() throws IOException {
    FileTime before = FileTime.from(clock.instant().minus(STALE_TMP));
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, TMP + "*")) {
      for (Path p : ds) {
        try {
          if (Files.getLastModifiedTime(p).compareTo(before) < 0) {
            Files.deleteIfExists(p);
            log.info("removed {} from the image cache: left by a download that did not finish", p.getFileName());
          }
        } catch (IOException e) {
          log.debug("cannot remove {}: {}", p, e.toString());
        }
      }
    }
  }

  private static void checkKey(String key) {
    if (!ENTRY.matcher(key).matches()) {
      throw new IllegalArgumentException("not an image cache key: " + key);
    }
  }

  private record Candidate(String key, long size, FileTime lastUsed) {}

  /** A cached image, open for reading: it stays on disk (for this JVM) until closed. */
  public final class Entry implements AutoCloseable {
    private final String key;
    private final Path path;
    private final RandomAccessFile file;
    private boolean closed;

    private Entry(String key, Path path, RandomAccessFile file) {
      this.key = key;
      this.path = path;
      this.file = file;
    }

    public String key() {
      return key;
    }

    public Path path() {
      return path;
    }

    public long size() throws IOException {
      return file.length();
    }

    /**
     * The bytes from the start, read through the file opened at lookup (so that removing the entry meanwhile
     * cannot take them away). One reader at a time; closing the stream leaves the entry open.
     */
    public InputStream open() throws IOException {
      file.seek(0);
      return new InputStream() {
        @Override
        public int read() throws IOException {
          return file.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return file.read(b, off, len);
        }
      };
    }

    /** The bytes did not verify: removes the entry (from disk at once) so that the next request downloads it. */
    public void invalidate() {
      corrupt.increment();
      try {
        Files.deleteIfExists(path);
        log.warn("removed {} from the image cache {}: its bytes no longer match their digest", key, directory);
      } catch (IOException e) {
        log.warn("cannot remove the corrupt cached image {}: {}", path, e.toString());
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        file.close();
      } catch (IOException e) {
        log.debug("closing {}: {}", path, e.toString());
      }
      readers.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
      evict();
    }
  }

  /**
   * One download attempt's temporary file; {@link #complete()} forces it to disk and renames it into place. A
   * failure of the cache's disk is a {@link PhcDeviceException} (operation {@code image-cache}): the stager
   * then starts the download over, as when writing to a device fails.
   */
  private final class Writer implements ImageUpload {
    private final String key;
    private final Path tmp;
    private final FileOutputStream file;
    private final OutputStream out;
    private boolean finished;

    private final java.util.concurrent.atomic.AtomicReference<Entry> stored;

    Writer(String key, java.util.concurrent.atomic.AtomicReference<Entry> stored) {
      this.key = key;
      this.stored = stored;
      try {
        this.tmp = Files.createTempFile(directory, TMP + key + "-", "");
        this.file = new FileOutputStream(tmp.toFile());
      } catch (IOException e) {
        throw cacheFailure("cannot write to the image cache " + directory, e);
      }
      this.out = new OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          try {
            file.write(b, off, len);
          } catch (IOException e) {
            throw cacheFailure("writing " + tmp + " failed", e);
          }
        }
      };
    }

    @Override
    public OutputStream stream() {
      return out;
    }

    @Override
    public StagedImage complete() {
      if (finished) {
        throw new IllegalStateException("already finished");
      }
      finished = true;
      Path target = directory.resolve(key);
      try {
        file.getFD().sync();
        file.close();
        long size = Files.size(tmp);
        // Opened before the rename (POSIX: the same file afterwards, whoever removes the name); where an open
        // file cannot be renamed (Windows), renamed first and opened after.
        RandomAccessFile reader = new RandomAccessFile(tmp.toFile(), "r");
        try {
          moveIntoPlace(tmp, target);
        } catch (IOException e) {
          reader.close();
          moveIntoPlace(tmp, target);
          reader = new RandomAccessFile(target.toFile(), "r");
        }
        try {
          Files.setLastModifiedTime(target, FileTime.from(clock.instant())); // used now, on the store's clock
        } catch (IOException e) {
          log.debug("cannot touch {}: {}", target, e.toString());
        }
        readers.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        Entry previous = stored.getAndSet(new Entry(key, target, reader));
        if (previous != null) {
          previous.close();
        }
        downloads.increment();
        bytesDownloaded.add(size);
        log.info("image cache {}: stored {} ({} bytes)", directory, key, size);
        return new StagedImage(target.toString(), size);
      } catch (IOException e) {
        deleteTmp();
        throw cacheFailure("cannot store " + key + " in the image cache " + directory, e);
      }
    }

    private void moveIntoPlace(Path from, Path to) throws IOException {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    @Override
    public void abort() {
      if (!finished) {
        finished = true;
        deleteTmp();
      }
    }

    private void deleteTmp() {
      try {
        file.close();
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        log.debug("cannot remove {}: {}", tmp, e.toString());
      }
    }

    @Override
    public void close() {
      abort();
    }
  }

  private static PhcDeviceException cacheFailure(String message, IOException e) {
    return new PhcDeviceException("image-cache", null, message + ": " + e, false, e);
  }
}
