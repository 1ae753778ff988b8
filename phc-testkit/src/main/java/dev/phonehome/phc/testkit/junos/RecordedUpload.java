package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import java.time.Instant;
import java.util.Objects;

/**
 * A file the simulated device received over SFTP or SCP (an agent pushing an image).
 *
 * @param at virtual time the transfer ended
 * @param protocol {@code sftp} or {@code scp}
 * @param path where it landed on the device, for example {@code /var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz}
 * @param bytes how many bytes arrived
 * @param sha256 their SHA-256 (the device keeps digests, not bytes: memory stays flat)
 * @param complete false when the transfer broke off (the partial file is on the device, as on Junos)
 */
public record RecordedUpload(Instant at, String protocol, String path, long bytes, Bytes sha256, boolean complete) {
  public RecordedUpload {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(sha256, "sha256");
  }
}
