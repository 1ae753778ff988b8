package dev.phonehome.phc.agent;

import java.security.KeyPair;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** How an agent logs in to a VC over SSH: a user with a password or a key pair. {@link #toString()} shows no secret. */
public final class SshCredentials {
  private final String username;
  private final @Nullable String password;
  private final @Nullable KeyPair keyPair;

  private SshCredentials(String username, @Nullable String password, @Nullable KeyPair keyPair) {
    this.username = Objects.requireNonNull(username, "username");
    if (username.isBlank()) {
      throw new IllegalArgumentException("username is empty");
    }
    this.password = password;
    this.keyPair = keyPair;
  }

  public static SshCredentials password(String username, String password) {
    return new SshCredentials(username, Objects.requireNonNull(password, "password"), null);
  }

  public static SshCredentials keyPair(String username, KeyPair keyPair) {
    return new SshCredentials(username, null, Objects.requireNonNull(keyPair, "keyPair"));
  }

  public String username() {
    return username;
  }

  /** The password, or null when a key pair is used. */
  public @Nullable String password() {
    return password;
  }

  /** The key pair, or null when a password is used. */
  public @Nullable KeyPair keyPair() {
    return keyPair;
  }

  @Override
  public String toString() {
    return "SshCredentials[" + username + ", " + (password != null ? "password" : "key pair") + "]";
  }
}
