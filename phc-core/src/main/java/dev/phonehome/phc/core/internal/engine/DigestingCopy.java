package dev.phonehome.phc.core.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Copies an image to its destination while every digest is computed, on two threads: while one chunk is
 * digested and written, the next one is read (as {@code curl | sha256sum} reads and hashes in two processes).
 * Reading a body through OkHttp costs about twice the CPU per byte of SHA-256, so with a core to spare the
 * digests cost no time. An image that fits in one chunk is copied on the calling thread alone.
 *
 * <p>{@link #written()} counts only bytes the destination took, also when reading fails half-way (what a range
 * request resumes from). A failure of the destination is a {@link WriteFailed}, of the source any other
 * exception. The second thread is a virtual thread where the JVM has them (Java 21+), else a
 * platform daemon thread; it lives for one copy. Not thread-safe: one copy, one caller.
 */
final class DigestingCopy {
  static final int CHUNK = 128 * 1024;
  private static final @Nullable MethodHandle START_VIRTUAL = virtualThreadStarter();

  private final OutputStream out;
  private final MultiDigest digest;
  private long written;

  DigestingCopy(OutputStream out, MultiDigest digest) {
    this.out = out;
    this.digest = digest;
  }

  /** Bytes written to the destination (and digested) so far. */
  long written() {
    return written;
  }

  /**
   * Copies {@code in} to its end.
   *
   * @throws IOException what reading or writing threw (what was written before it is counted)
   * @throws InterruptedException when the calling thread is interrupted
   */
  void from(InputStream in) throws IOException, InterruptedException {
    byte[] first = new byte[CHUNK];
    int n = fill(in, first);
    if (n < CHUNK) {
      if (n > 0) {
        consume(first, n);
      }
      return;
    }
    Worker worker = new Worker();
    start(worker);
    try {
      byte[] spare = new byte[CHUNK];
      worker.submit(first, n);
      while (true) {
        int m;
        try {
          m = fill(in, spare);
        } catch (IOException | RuntimeException e) {
          worker.await(); // what was read before the failure is written and counted first
          throw e;
        }
        byte[] done = worker.await();
        if (m > 0) {
          worker.submit(spare, m);
        }
        if (m < CHUNK) {
          worker.await();
          return;
        }
        spare = done;
      }
    } finally {
      worker.stop();
    }
  }

  private void consume(byte[] b, int n) throws IOException {
    try {
      out.write(b, 0, n);
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
    digest.update(b, 0, n);
    written += n;
  }

  /** The destination failed (not the source): e.g. a cached image read fine but the device did not take it. */
  static final class WriteFailed extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailed(IOException cause) {
      super("writing the image failed: " + cause.getMessage(), cause);
    }
  }

  /** Reads until the buffer is full or the stream ends; returns the bytes read (less than full: the end). */
  private static int fill(InputStream in, byte[] b) throws IOException {
    int n = 0;
    while (n < b.length) {
      int k = in.read(b, n, b.length - n);
      if (k < 0) {
        break;
      }
      n += k;
    }
    return n;
  }

  /** Digests and writes the chunks handed to it, one at a time, in order. */
  private final class Worker implements Runnable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private byte @Nullable [] chunk;
    private int length;
    private boolean busy;
    private boolean stopped;
    private @Nullable Throwable failure;

    void submit(byte[] b, int n) {
      lock.lock();
      try {
        chunk = b;
        length = n;
        busy = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /** Waits until the chunk handed over is written; returns its buffer for reuse, or throws what failed. */
    byte[] await() throws IOException, InterruptedException {
      lock.lock();
      try {
        boolean interrupted = false;
        while (busy) {
          try {
            changed.await(1, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            // The chunk being written finishes first: the destination is never written by two threads at once.
            interrupted = true;
          }
        }
        if (interrupted) {
          throw new InterruptedException("image copy interrupted");
        }
        Throwable f = failure;
        if (f != null) {
          failure = null;
          if (f instanceof IOException io) {
            throw io;
          }
          if (f instanceof RuntimeException r) {
            throw r;
          }
          throw (Error) f;
        }
        byte[] b = chunk;
        return b == null ? new byte[CHUNK] : b;
      } finally {
        lock.unlock();
      }
    }

    void stop() {
      lock.lock();
      try {
        stopped = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void run() {
      while (true) {
        byte[] b;
        int n;
        lock.lock();
        try {
          while (!busy && !stopped) {
            changed.awaitUninterruptibly();
          }
          if (!busy) {
            return;
          }
          b = chunk;
          n = length;
        } finally {
          lock.unlock();
        }
        Throwable f = null;
        try {
          consume(b, n);
        } catch (Throwable t) {
          f = t;
        }
        lock.lock();
        try {
          failure = f;
          busy = false;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  private static void start(Runnable r) {
    if (START_VIRTUAL != null) {
      try {
        START_VIRTUAL.invoke(r);
        return;
      } catch (Throwable e) {
        // fall through to a platform thread
      }
    }
    Thread t = new Thread(r, "phc-image-digest");
    t.setDaemon(true);
    t.start();
  }

  /** {@code Thread.startVirtualThread(Runnable)} on Java 21 and later, looked up so that the build stays Java 17. */
  private static @Nullable MethodHandle virtualThreadStarter() {
    try {
      return MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
          MethodType.methodType(Thread.class, Runnable.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** Whether the second thread is a virtual thread on this JVM. */
  static boolean usesVirtualThreads() {
    return START_VIRTUAL != null;
  }
}
