package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.Objects;

/** An expected image digest (RFC 8572 {@code image-verification}). */
public record ImageVerification(HashAlgorithm algorithm, Bytes value) {
  public ImageVerification {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(value, "value");
    if (value.size() != algorithm.digestLength()) {
      throw new IllegalArgumentException(
          algorithm.jcaName() + " hash-value must be " + algorithm.digestLength() + " bytes, was " + value.size());
    }
  }

  public static ImageVerification ofHex(HashAlgorithm algorithm, String hex) {
    return new ImageVerification(algorithm, Bytes.fromHex(hex));
  }
}
