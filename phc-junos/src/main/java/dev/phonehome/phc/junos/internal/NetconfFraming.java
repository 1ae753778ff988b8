package dev.phonehome.phc.junos.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NETCONF message framing: the {@code ]]>]]>} end-of-message delimiter (RFC 4742, base:1.0) and RFC 6242
 * chunked framing (base:1.1). {@link Decoder} is incremental: bytes may arrive split at any point, including
 * inside a delimiter or a chunk header.
 */
public final class NetconfFraming {
  /** The base:1.0 end-of-message delimiter. */
  public static final String END_OF_MESSAGE = "]]>]]>";

  private static final byte[] EOM = END_OF_MESSAGE.getBytes(StandardCharsets.US_ASCII);
  /** RFC 6242 section 4.2: chunk-size is at most 4294967295. */
  private static final long MAX_CHUNK_SIZE = 4294967295L;

  private NetconfFraming() {}

  /** Which framing a session uses. */
  public enum Mode {
    END_OF_MESSAGE,
    CHUNKED
  }

  /** Frames one message in the given mode. */
  public static byte[] encode(String message, Mode mode) {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
    if (mode == Mode.END_OF_MESSAGE) {
      // RFC 6242 section 4.3: the delimiter cannot be escaped, so a message that holds it (or whose end forms it
      // with the delimiter's start) would desynchronise the session. No well-formed XML does; refuse loudly.
      String delimiter = END_OF_MESSAGE;
      if ((message + delimiter).indexOf(delimiter) < message.length()) {
        throw new IllegalArgumentException("the message holds the NETCONF 1.0 end-of-message delimiter " + delimiter
            + " (or ends with its start); it cannot be framed without NETCONF 1.1 chunked framing");
      }
      out.writeBytes(body);
      out.writeBytes(EOM);
    } else {
      if (body.length > 0) {
        out.writeBytes(("\n#" + body.length + "\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
      }
      out.writeBytes("\n##\n".getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }

  /** Thrown when the peer breaks the framing rules; the session cannot continue. */
  public static final class FramingException extends Exception {
    public FramingException(String message) {
      super(message);
    }
  }

  /**
   * Splits a byte stream into messages. Not thread-safe; one per session direction. The mode may be switched
   * between messages (after the hello exchange).
   */
  public static final class Decoder {
    private final int maxMessageBytes;
    private Mode mode;
    // end-of-message state
    private final Buf message = new Buf();
    // chunked state
    private enum Chunk {
      LF,
      HASH,
      FIRST,
      SIZE,
      END_LF,
      DATA
    }

    private Chunk state = Chunk.LF;
    private long size;
    private long remaining;

    public Decoder(Mode mode, int maxMessageBytes) {
      this.mode = mode;
      this.maxMessageBytes = maxMessageBytes;
    }

    public Mode mode() {
      return mode;
    }

    /** Switches the framing for the next message; only allowed between messages. */
    public void switchTo(Mode newMode) {
      if (message.size() > 0 || state != Chunk.LF) {
        throw new IllegalStateException("cannot switch framing in the middle of a message");
      }
      this.mode = newMode;
    }

    /** Feeds bytes; returns every message completed by them (usually zero or one). */
    public List<String> feed(byte[] data, int off, int len) throws FramingException {
      List<String> out = new ArrayList<>(1);
      int i = off;
      int end = off + len;
      while (i < end) {
        if (mode == Mode.END_OF_MESSAGE) {
          i = feedEom(data, i, end, out);
        } else {
          i = feedChunked(data, i, end, out);
        }
      }
      return out;
    }

    private int feedEom(byte[] data, int i, int end, List<String> out) throws FramingException {
      // append byte by byte until the delimiter completes; a message ends at the first delimiter
      while (i < end) {
        message.write(data[i++]);
        checkSize();
        int n = message.size();
        if (n >= EOM.length && message.endsWith(EOM)) {
          out.add(message.utf8Prefix(n - EOM.length));
          message.reset();
          return i; // the mode may be switched by the caller after this message
        }
      }
      return i;
    }

    private int feedChunked(byte[] data, int i, int end, List<String> out) throws FramingException {
      while (i < end) {
        byte b = data[i];
        switch (state) {
          case LF:
            if (b != '\n') {
              throw new FramingException("chunked framing: expected LF starting a chunk header, got " + describe(b));
            }
            state = Chunk.HASH;
            i++;
            break;
          case HASH:
            if (b != '#') {
              throw new FramingException("chunked framing: expected '#' in a chunk header, got " + describe(b));
            }
            state = Chunk.FIRST;
            i++;
            break;
          case FIRST:
            i++;
            if (b == '#') {
              state = Chunk.END_LF;
            } else if (b >= '1' && b <= '9') {
              size = b - '0';
              state = Chunk.SIZE;
            } else {
              throw new FramingException("chunked framing: bad chunk size start " + describe(b));
            }
            break;
          case SIZE:
            i++;
            if (b >= '0' && b <= '9') {
              size = size * 10 + (b - '0');
              if (size > MAX_CHUNK_SIZE) {
                throw new FramingException("chunked framing: chunk size exceeds 4294967295");
              }
            } else if (b == '\n') {
              if (message.size() + size > maxMessageBytes) {
                throw new FramingException("message exceeds " + maxMessageBytes + " bytes");
              }
              remaining = size;
              state = Chunk.DATA;
            } else {
              throw new FramingException("chunked framing: bad character in chunk size " + describe(b));
            }
            break;
          case DATA:
            int take = (int) Math.min(remaining, end - i);
            message.write(data, i, take);
            i += take;
            remaining -= take;
            if (remaining == 0) {
              state = Chunk.LF;
            }
            break;
          case END_LF:
            if (b != '\n') {
              throw new FramingException("chunked framing: expected LF after '##', got " + describe(b));
            }
            i++;
            state = Chunk.LF;
            out.add(message.utf8Prefix(message.size()));
            message.reset();
            return i;
          default:
            throw new AssertionError(state);
        }
      }
      return i;
    }

    private void checkSize() throws FramingException {
      if (message.size() > maxMessageBytes + EOM.length) {
        throw new FramingException("message exceeds " + maxMessageBytes + " bytes");
      }
    }

    private static String describe(byte b) {
      return (b >= 0x20 && b < 0x7f) ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
    }
  }

  private static final class Buf extends ByteArrayOutputStream {
    boolean endsWith(byte[] suffix) {
      if (count < suffix.length) {
        return false;
      }
      for (int k = 0; k < suffix.length; k++) {
        if (buf[count - suffix.length + k] != suffix[k]) {
          return false;
        }
      }
      return true;
    }

    String utf8Prefix(int length) {
      return new String(buf, 0, length, StandardCharsets.UTF_8);
    }
  }
}
