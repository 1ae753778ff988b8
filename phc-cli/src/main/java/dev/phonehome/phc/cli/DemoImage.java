package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo's fake Junos image: {@code size} deterministic pseudo-random bytes (generated while streamed, never
 * held in memory) and their real digests (SHA-256, plus MD5 and SHA-1 for the Juniper dialect).
 */
final class DemoImage {
  static final String FILE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  static final String VERSION = "21.4R3.15";
  private static final int CHUNK = 64 * 1024;

  private final long size;
  private final long seed;
  private final Map<HashAlgorithm, Bytes> digests;

  /** An image of {@code size} bytes from {@code seed}, with the digests of {@code algorithms} (SHA-256 always). */
  DemoImage(long size, long seed, java.util.Set<HashAlgorithm> algorithms) {
    this.size = size;
    this.seed = seed;
    Map<HashAlgorithm, MessageDigest> mds = new EnumMap<>(HashAlgorithm.class);
    try {
      mds.put(HashAlgorithm.SHA_256, MessageDigest.getInstance(HashAlgorithm.SHA_256.jcaName()));
      for (HashAlgorithm a : algorithms) {
        mds.put(a, MessageDigest.getInstance(a.jcaName()));
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    generate((b, n) -> mds.values().forEach(md -> md.update(b, 0, n)));
    Map<HashAlgorithm, Bytes> d = new EnumMap<>(HashAlgorithm.class);
    mds.forEach((a, md) -> d.put(a, Bytes.of(md.digest())));
    this.digests = Map.copyOf(d);
  }

  long size() {
    return size;
  }

  ImageVerification verification(HashAlgorithm algorithm) {
    return new ImageVerification(algorithm, digests.get(algorithm));
  }

  Bytes digest(HashAlgorithm algorithm) {
    return digests.get(algorithm);
  }

  /** Writes the image to {@code out}, calling {@code progress} with the bytes written so far. */
  void writeTo(OutputStream out, java.util.function.LongConsumer progress) throws IOException {
    long[] sent = {0};
    try {
      generate((b, n) -> {
        try {
          out.write(b, 0, n);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        sent[0] += n;
        progress.accept(sent[0]);
      });
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private interface Sink {
    void accept(byte[] buf, int n);
  }

  private void generate(Sink sink) {
    SplittableRandom r = new SplittableRandom(seed);
    byte[] buf = new byte[CHUNK];
    long left = size;
    while (left > 0) {
      int n = (int) Math.min(CHUNK, left);
      for (int i = 0; i < n; i += 8) {
        long v = r.nextLong();
        for (int j = 0; j < 8 && i + j < n; j++) {
          buf[i + j] = (byte) (v >>> (8 * j));
        }
      }
      sink.accept(buf, n);
      left -= n;
    }
  }
}
