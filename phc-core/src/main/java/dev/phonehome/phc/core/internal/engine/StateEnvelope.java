package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The persisted form of one saved engine state: a one-line header, then the state document.
 *
 * <pre>
 * phc-state 2 generation=17 length=2048 sha256=9f86d0...\n
 * {"format":2,"step":"INSTALL_BACKUP",...}
 * </pre>
 *
 * <p>{@code generation} counts saves (the copy with the highest generation that verifies wins when the primary
 * and the backup hold different ones); {@code length} and {@code sha256} cover the document, so a truncated or
 * damaged file is recognised as such and never half-read. A file that starts with <code>&#123;</code> is a state of the
 * first format (no header): it is accepted as generation 0.
 */
public final class StateEnvelope {
  static final String MAGIC = "phc-state";
  static final int VERSION = 2;
  private static final Pattern HEADER =
      Pattern.compile("phc-state (\\d+) generation=(\\d{1,18}) length=(\\d{1,10}) sha256=([0-9a-f]{64})");
  private static final int MAX_HEADER = 200;

  private StateEnvelope() {}

  /** A state that verified: its generation and document. */
  public record Opened(long generation, Bytes document) {}

  /** The state does not verify: the message says why (truncated, checksum, not a state file...). */
  public static final class CorruptStateException extends Exception {
    private static final long serialVersionUID = 1L;

    public CorruptStateException(String message) {
      super(message);
    }
  }

  /** Wraps a state document for saving. */
  public static Bytes seal(long generation, Bytes document) {
    byte[] doc = document.toByteArray();
    String header = MAGIC + " " + VERSION + " generation=" + generation + " length=" + doc.length + " sha256="
        + HexFormat.of().formatHex(sha256(doc)) + "\n";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(h, h.length + doc.length);
    System.arraycopy(doc, 0, out, h.length, doc.length);
    return Bytes.of(out);
  }

  /**
   * Checks a saved state and returns its document.
   *
   * @throws CorruptStateException naming what is wrong: empty, not a phc state, another version, truncated,
   *     longer than its header says, checksum mismatch
   */
  public static Opened open(Bytes saved) throws CorruptStateException {
    byte[] b = saved.toByteArray();
    if (b.length == 0) {
      throw new CorruptStateException("the state file is empty");
    }
    if (b[0] == '{') {
      return new Opened(0, saved); // format 1: a bare JSON document from before the envelope
    }
    int nl = -1;
    for (int i = 0; i < Math.min(b.length, MAX_HEADER); i++) {
      if (b[i] == '\n') {
        nl = i;
        break;
      }
    }
    if (nl < 0) {
      throw new CorruptStateException(b.length < MAX_HEADER && startsWithMagic(b)
          ? "the state file is truncated within its header (" + b.length + " bytes)"
          : "not a phc state file (no '" + MAGIC + "' header)");
    }
    String header = new String(b, 0, nl, StandardCharsets.US_ASCII);
    if (!header.startsWith(MAGIC + " ")) {
      throw new CorruptStateException("not a phc state file (no '" + MAGIC + "' header)");
    }
    Matcher m = HEADER.matcher(header);
    if (!m.matches()) {
      throw new CorruptStateException("unreadable state header '" + abbreviate(header) + "'");
    }
    int version = Integer.parseInt(m.group(1));
    if (version != VERSION) {
      throw new CorruptStateException("state file version " + version + " (this engine reads " + VERSION + ")");
    }
    long generation = Long.parseLong(m.group(2));
    long length = Long.parseLong(m.group(3));
    int have = b.length - nl - 1;
    if (have < length) {
      throw new CorruptStateException("the state file is truncated: " + have + " of " + length + " bytes");
    }
    if (have > length) {
      throw new CorruptStateException("the state file has " + (have - length) + " bytes more than its header says");
    }
    byte[] doc = Arrays.copyOfRange(b, nl + 1, b.length);
    String actual = HexFormat.of().formatHex(sha256(doc));
    if (!actual.equals(m.group(4))) {
      throw new CorruptStateException("the state file's checksum does not match (sha256 " + actual.substring(0, 12)
          + "..., header says " + m.group(4).substring(0, 12) + "...)");
    }
    return new Opened(generation, Bytes.of(doc));
  }

  private static boolean startsWithMagic(byte[] b) {
    byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
    int n = Math.min(b.length, magic.length);
    return Arrays.equals(b, 0, n, magic, 0, n);
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
