package dev.phonehome.phc.api.device;

import dev.phonehome.phc.api.model.ImageVerification;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** A request to the device to fetch an image itself. */
public record ImageFetch(String sourceUri, String fileName, List<ImageVerification> verifications, Duration timeout) {
  public ImageFetch {
    Objects.requireNonNull(sourceUri, "sourceUri");
    Objects.requireNonNull(fileName, "fileName");
    verifications = List.copyOf(verifications);
    Objects.requireNonNull(timeout, "timeout");
  }
}
