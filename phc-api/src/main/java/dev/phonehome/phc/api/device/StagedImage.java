package dev.phonehome.phc.api.device;

import java.util.Objects;

/**
 * An image on the device, downloaded and verified, ready to install.
 *
 * @param path where it is on the device, for example {@code /var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz}
 * @param size its size in bytes, or -1 when not known
 */
public record StagedImage(String path, long size) {
  public StagedImage {
    Objects.requireNonNull(path, "path");
  }
}
