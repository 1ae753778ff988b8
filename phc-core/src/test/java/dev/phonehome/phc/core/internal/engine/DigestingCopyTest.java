package dev.phonehome.phc.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The two-thread copy of image staging: the destination gets exactly the source's bytes in order, every digest
 * is over exactly those bytes, and after a failure (of the source or the destination) the count says what the
 * destination took, which is what a range request resumes from.
 */
@Timeout(60)
class DigestingCopyTest {

  private static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static Bytes sha256(byte[] b, int off, int len) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(b, off, len);
    return Bytes.of(d.digest());
  }

  private static MultiDigest digestExpecting(byte[] b) throws Exception {
    return new MultiDigest(List.of(new ImageVerification(HashAlgorithm.SHA_256, sha256(b, 0, b.length)),
        new ImageVerification(HashAlgorithm.MD5, Bytes.of(MessageDigest.getInstance("MD5").digest(b)))));
  }

  /** A source that hands out at most {@code step} bytes per read (as a socket does). */
  private static InputStream trickle(byte[] b, int step) {
    return new ByteArrayInputStream(b) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        return super.read(buf, off, Math.min(len, step));
      }
    };
  }

  @Test
  void sizesAroundTheChunkBoundaryCopyExactly() throws Exception {
    int c = DigestingCopy.CHUNK;
    for (int size : new int[] {0, 1, c - 1, c, c + 1, 2 * c, 2 * c + 1, 5 * c + 17}) {
      byte[] image = bytes(size, 7);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MultiDigest digest = digestExpecting(image);
      DigestingCopy copy = new DigestingCopy(out, digest);
      copy.from(new ByteArrayInputStream(image));
      assertThat(out.toByteArray()).as("size %d", size).isEqualTo(image);
      assertThat(digest.finishAndCompare()).as("size %d", size).isEmpty();
    }
  }

  @Test
  void whenTheSourceFailsHalfWayTheCountIsWhatTheDestinationTookAndItIsAPrefix() throws Exception {
    byte[] image = bytes(5 * DigestingCopy.CHUNK + 1000, 3);
    int failAt = 3 * DigestingCopy.CHUNK + 500;
    InputStream source = new ByteArrayInputStream(image) {
      @Override
      public synchronized int read(byte[] buf, int off, int len) {
        if (pos >= failAt) {
          throw new java.io.UncheckedIOException(new IOException("connection reset"));
        }
        return super.read(buf, off, Math.min(len, Math.min(8192, failAt - pos)));
      }
    };
    InputStream failing = new InputStream() {
      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return source.read(b, off, len);
        } catch (java.io.UncheckedIOException e) {
          throw e.getCause();
        }
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DigestingCopy copy = new DigestingCopy(out, new MultiDigest(List.of()));

    assertThatThrownBy(() -> copy.from(failing)).isInstanceOf(IOException.class).hasMessage("connection reset");

    assertThat(copy.written()).isEqualTo(out.size()).isLessThanOrEqualTo(failAt).isPositive();
    assertThat(out.toByteArray()).isEqualTo(Arrays.copyOf(image, out.size()));
  }

  @Test
  void aFailingDestinationIsAWriteFailedAndTheCountStopsBeforeIt() throws Exception {
    byte[] image = bytes(4 * DigestingCopy.CHUNK, 5);
    AtomicInteger writes = new AtomicInteger();
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    OutputStream device = new OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (writes.incrementAndGet() == 3) {
          throw new IOException("sftp: no space left on device");
        }
        kept.write(b, off, len);
      }
    };
    DigestingCopy copy = new DigestingCopy(device, new MultiDigest(List.of()));

    assertThatThrownBy(() -> copy.from(new ByteArrayInputStream(image)))
        .isInstanceOf(DigestingCopy.WriteFailed.class).hasMessageContaining("no space left on device");
    assertThat(copy.written()).isEqualTo(2L * DigestingCopy.CHUNK).isEqualTo(kept.size());
  }

  @Test
  void theDestinationIsNeverWrittenByTwoThreadsAtOnceNorAfterAnInterruptedCopyReturns() throws Exception {
    byte[] image = bytes(20 * DigestingCopy.CHUNK, 9);
    AtomicInteger inWrite = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger writesAfterReturn = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean returned = new java.util.concurrent.atomic.AtomicBoolean();
    CountDownLatch writing = new CountDownLatch(3);
    OutputStream slow = new OutputStream() {
      @Override
      public void write(int b) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] b, int off, int len) {
        if (returned.get()) {
          writesAfterReturn.incrementAndGet();
        }
        if (inWrite.incrementAndGet() > 1) {
          overlaps.incrementAndGet();
        }
        writing.countDown();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        while (System.nanoTime() < until) {
          Thread.onSpinWait(); // a slow device
        }
        inWrite.decrementAndGet();
      }
    };
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        new DigestingCopy(slow, new MultiDigest(List.of())).from(new ByteArrayInputStream(image));
      } catch (Throwable t) {
        outcome.set(t);
      } finally {
        returned.set(true);
      }
    });
    caller.start();
    assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(20_000);

    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    long settle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    while (System.nanoTime() < settle) {
      Thread.onSpinWait();
    }
    assertThat(writesAfterReturn.get()).isZero();
    assertThat(overlaps.get()).isZero();
  }
}
