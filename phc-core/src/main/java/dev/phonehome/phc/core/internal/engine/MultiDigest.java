package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ImageVerification;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** Computes every expected digest of an image in one pass as its bytes flow. Not thread-safe. */
public final class MultiDigest {
  private final List<ImageVerification> expected;
  private final List<MessageDigest> digests = new ArrayList<>();
  private long size;

  public MultiDigest(List<ImageVerification> expected) {
    this.expected = List.copyOf(expected);
    for (ImageVerification v : this.expected) {
      try {
        digests.add(MessageDigest.getInstance(v.algorithm().jcaName()));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks " + v.algorithm().jcaName(), e);
      }
    }
  }

  public void update(byte[] buffer, int offset, int length) {
    for (MessageDigest d : digests) {
      d.update(buffer, offset, length);
    }
    size += length;
  }

  public long size() {
    return size;
  }

  public void reset() {
    digests.forEach(MessageDigest::reset);
    size = 0;
  }

  /**
   * Finishes the digests and compares them with the expected values; resets.
   *
   * @return one line per mismatch, e.g. {@code SHA-256 expected ab..., was cd...}; empty when all match
   */
  public List<String> finishAndCompare() {
    List<String> mismatches = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      Bytes actual = Bytes.of(digests.get(i).digest());
      ImageVerification v = expected.get(i);
      if (!actual.equals(v.value())) {
        mismatches.add(v.algorithm().jcaName() + " expected " + v.value().hex() + ", was " + actual.hex());
      }
    }
    size = 0;
    return mismatches;
  }
}
