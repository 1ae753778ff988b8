package dev.phonehome.phc.core.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The bearer token of a server's admin API ({@link PhoneHomeServer.Builder#adminApi}). Read it from a file or an
 * environment variable, so it never shows in a process list; at least 16 characters. Compared in constant
 * time; never printed.
 */
public final class AdminToken {
  /** The shortest token accepted. */
  public static final int MIN_LENGTH = 16;

  private final byte[] token;

  private AdminToken(String token, String from) {
    if (token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("admin token from " + from + " is " + token.length()
          + " characters; use at least " + MIN_LENGTH + " (for example: openssl rand -hex 24)");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException("admin token from " + from
            + " must be printable ASCII without spaces (character " + (i + 1) + " is not)");
      }
    }
    this.token = token.getBytes(StandardCharsets.US_ASCII);
  }

  /** A token you hold in memory (from your own secret store). */
  public static AdminToken of(String token) {
    return new AdminToken(Objects.requireNonNull(token, "token"), "the caller");
  }

  /**
   * The first line of {@code file}, without surrounding whitespace.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read, is empty or too short
   */
  public static AdminToken fromFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("admin token file " + file + " cannot be read: " + e.getMessage(), e);
    }
    String first = lines.isEmpty() ? "" : lines.get(0).strip();
    if (first.isEmpty()) {
      throw new IllegalArgumentException("admin token file " + file + " is empty");
    }
    return new AdminToken(first, "file " + file);
  }

  /**
   * The value of environment variable {@code name}, without surrounding whitespace.
   *
   * @throws IllegalArgumentException naming the variable when it is unset, empty or too short
   */
  public static AdminToken fromEnvironment(String name) {
    return fromEnvironment(name, System.getenv(name));
  }

  static AdminToken fromEnvironment(String name, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("environment variable " + name + " is not set");
    }
    return new AdminToken(value.strip(), "environment variable " + name);
  }

  /** True when {@code presented} is this token (constant time). */
  public boolean matches(@Nullable String presented) {
    return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token);
  }

  /** True when an {@code Authorization} header carries this token as {@code Bearer TOKEN}. */
  public boolean authorizes(@Nullable String authorizationHeader) {
    if (authorizationHeader == null || authorizationHeader.length() < 7
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return matches(authorizationHeader.substring(7).strip());
  }

  @Override
  public String toString() {
    return "AdminToken[***]";
  }
}
