package dev.phonehome.phc.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * An immutable sequence of bytes with value semantics (equals, hashCode), used for every binary leaf on the
 * wire: configuration, scripts, trust anchors, CMS structures, hash values and nonces.
 */
public final class Bytes {
  private static final Bytes EMPTY = new Bytes(new byte[0]);
  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  public static Bytes empty() {
    return EMPTY;
  }

  /** Copies {@code data}. */
  public static Bytes of(byte... data) {
    return data.length == 0 ? EMPTY : new Bytes(data.clone());
  }

  public static Bytes utf8(String text) {
    return new Bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes standard base64 (RFC 4648 section 4, padding required, no line breaks; surrounding whitespace
   * is ignored).
   *
   * @throws IllegalArgumentException when {@code base64} is not base64
   */
  public static Bytes fromBase64(String base64) {
    String trimmed = base64.strip();
    // MIME decoder would silently skip garbage; the basic decoder is strict.
    return new Bytes(Base64.getDecoder().decode(trimmed.replace("\n", "").replace("\r", "")));
  }

  /**
   * Decodes hex, with or without colons between octets ({@code "ab:cd"} or {@code "abcd"}), any case.
   *
   * @throws IllegalArgumentException when {@code hex} is not hex
   */
  public static Bytes fromHex(String hex) {
    String s = hex.strip();
    if (s.indexOf(':') >= 0) {
      String[] parts = s.split(":", -1);
      byte[] out = new byte[parts.length];
      for (int i = 0; i < parts.length; i++) {
        if (parts[i].length() != 2) {
          throw new IllegalArgumentException("not colon-separated hex octets: " + abbreviate(hex));
        }
        out[i] = (byte) Integer.parseInt(checkHex(parts[i], hex), 16);
      }
      return new Bytes(out);
    }
    if (s.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits: " + abbreviate(hex));
    }
    return new Bytes(HexFormat.of().parseHex(checkHex(s, hex)));
  }

  private static String checkHex(String s, String whole) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0) {
        throw new IllegalArgumentException("not hex: " + abbreviate(whole));
      }
    }
    return s;
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }

  public int size() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return data.clone();
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(data);
  }

  /** Lower-case hex without separators. */
  public String hex() {
    return HexFormat.of().formatHex(data);
  }

  /** Lower-case hex with colons between octets, the YANG {@code yang:hex-string} form. */
  public String colonHex() {
    return HexFormat.ofDelimiter(":").formatHex(data).toLowerCase(Locale.ROOT);
  }

  public String utf8() {
    return new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(data, b.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return data.length <= 32 ? "Bytes[" + hex() + "]" : "Bytes[size=" + data.length + " " + HexFormat.of().formatHex(data, 0, 16) + "...]";
  }
}
