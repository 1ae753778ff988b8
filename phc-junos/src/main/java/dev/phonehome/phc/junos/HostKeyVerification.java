package dev.phonehome.phc.junos;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link JunosDeviceOperations} decides whether the SSH host key of the device is the right one. There is
 * no default: choose {@link #knownHosts}, {@link #pinned} or {@link #custom}; {@link #acceptAnyForLabUseOnly()}
 * exists for labs and tests and logs a warning on every connection.
 */
public final class HostKeyVerification {
  private static final Logger log = LoggerFactory.getLogger(HostKeyVerification.class);

  private final ServerKeyVerifier verifier;
  private final String description;

  private HostKeyVerification(ServerKeyVerifier verifier, String description) {
    this.verifier = verifier;
    this.description = description;
  }

  /** Accepts a host key only if an OpenSSH {@code known_hosts} file lists it for the host; unknown keys fail. */
  public static HostKeyVerification knownHosts(Path knownHostsFile) {
    Objects.requireNonNull(knownHostsFile, "knownHostsFile");
    return new HostKeyVerification(
        new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHostsFile),
        "known_hosts " + knownHostsFile);
  }

  /** Accepts exactly these host keys (for example read from the device's inventory record). */
  public static HostKeyVerification pinned(List<PublicKey> keys) {
    List<PublicKey> copy = List.copyOf(keys);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("pinned host keys: at least one key is needed");
    }
    return new HostKeyVerification((session, address, key) -> {
      for (PublicKey k : copy) {
        if (KeyUtils.compareKeys(k, key)) {
          return true;
        }
      }
      log.error("SSH host key of {} is not pinned: {} {}", address, KeyUtils.getKeyType(key),
          KeyUtils.getFingerPrint(key));
      return false;
    }, "pinned " + copy.size() + " key(s)");
  }

  /** Your own decision, as a MINA {@link ServerKeyVerifier}. */
  public static HostKeyVerification custom(ServerKeyVerifier verifier) {
    return new HostKeyVerification(Objects.requireNonNull(verifier, "verifier"), "custom " + verifier);
  }

  /**
   * Accepts ANY host key: a man in the middle could impersonate the device and read the configuration. For
   * labs and tests only; every connection logs a warning.
   */
  public static HostKeyVerification acceptAnyForLabUseOnly() {
    return new HostKeyVerification((session, address, key) -> {
      log.warn("INSECURE: accepting SSH host key {} {} of {} without verification (acceptAnyForLabUseOnly)",
          KeyUtils.getKeyType(key), KeyUtils.getFingerPrint(key), address);
      return true;
    }, "accept-any (INSECURE, lab use only)");
  }

  ServerKeyVerifier verifier() {
    return verifier;
  }


  @Override
  public String toString() {
    return "HostKeyVerification[" + description + "]";
  }
}
