package dev.phonehome.phc.api.model;

import dev.phonehome.phc.api.Bytes;
import java.util.Objects;

/** An SSH host key reported with {@code bootstrap-complete} (RFC 8572 {@code ssh-host-keys}). */
public record SshHostKey(String algorithm, Bytes keyData) {
  public SshHostKey {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(keyData, "keyData");
  }
}
