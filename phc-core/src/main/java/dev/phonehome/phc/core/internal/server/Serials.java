package dev.phonehome.phc.core.internal.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What a serial number may look like on this server: {@code [A-Za-z0-9._:-]}, 1 to 64 characters, not
 * starting with a dot. Anything else in a URL (a slash, {@code ..}, a percent-encoded slash, control
 * characters, a very long key) is refused before it reaches a record store.
 */
public final class Serials {
  public static final int MAX_LENGTH = 64;

  private Serials() {}

  public static boolean isValid(String serial) {
    int n = serial.length();
    if (n == 0 || n > MAX_LENGTH || serial.charAt(0) == '.') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = serial.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-' || c == ':';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Percent-decodes a RESTCONF list key (RFC 8040 section 3.5.3) and validates it; empty when the key is not
   * a valid serial after decoding or is malformed percent-encoding. The raw key is bounded first so a huge
   * key costs nothing.
   */
  public static Optional<String> decodeKey(String rawKey) {
    if (rawKey.isEmpty() || rawKey.length() > MAX_LENGTH * 3) {
      return Optional.empty();
    }
    String decoded;
    if (rawKey.indexOf('%') < 0) {
      decoded = rawKey;
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream(rawKey.length());
      for (int i = 0; i < rawKey.length(); i++) {
        char c = rawKey.charAt(i);
        if (c == '%') {
          if (i + 2 >= rawKey.length()) {
            return Optional.empty();
          }
          int hi = Character.digit(rawKey.charAt(i + 1), 16);
          int lo = Character.digit(rawKey.charAt(i + 2), 16);
          if (hi < 0 || lo < 0) {
            return Optional.empty();
          }
          out.write(hi * 16 + lo);
          i += 2;
        } else if (c > 0x7e) {
          return Optional.empty();
        } else {
          out.write(c);
        }
      }
      decoded = out.toString(StandardCharsets.UTF_8);
    }
    return isValid(decoded) ? Optional.of(decoded) : Optional.empty();
  }

  /** A serial as it may appear in an error message: printable ASCII, at most 80 characters. */
  public static String printable(String raw) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length() && sb.length() < 80; i++) {
      char c = raw.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (raw.length() > 80) {
      sb.append("...(").append(raw.length()).append(" chars)");
    }
    return sb.toString();
  }
}
