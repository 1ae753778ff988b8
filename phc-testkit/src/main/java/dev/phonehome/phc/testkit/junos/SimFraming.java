package dev.phonehome.phc.testkit.junos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The device side of NETCONF framing (]]>]]> and RFC 6242 chunks); incremental, independent of phc-junos. */
final class SimFraming {
  private static final byte[] EOM = "]]>]]>".getBytes(StandardCharsets.US_ASCII);
  private final int maxMessage;
  private boolean chunked;
  private final Buf message = new Buf();
  private final StringBuilder header = new StringBuilder();
  private long remaining = -1;

  SimFraming(int maxMessage) {
    this.maxMessage = maxMessage;
  }

  void chunked(boolean on) {
    this.chunked = on;
  }

  boolean chunked() {
    return chunked;
  }

  static byte[] frame(String xml, boolean chunked) {
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (chunked) {
      // Junos sends one chunk per reply; split big replies to exercise multi-chunk messages
      int off = 0;
      while (off < body.length) {
        int n = Math.min(4096, body.length - off);
        out.writeBytes(("\n#" + n + "\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, off, n);
        off += n;
      }
      out.writeBytes("\n##\n".getBytes(StandardCharsets.US_ASCII));
    } else {
      out.writeBytes(body);
      out.writeBytes(EOM);
    }
    return out.toByteArray();
  }

  /** Feeds bytes; returns completed messages. The framing mode may change after a message (the hello). */
  List<String> feed(byte[] b, int off, int len) throws IOException {
    List<String> out = new ArrayList<>();
    int i = off;
    int end = off + len;
    while (i < end) {
      if (!chunked) {
        message.write(b[i++]);
        if (message.size() > maxMessage) {
          throw new IOException("message too large");
        }
        if (message.endsWithEom()) {
          out.add(message.prefix(message.size() - EOM.length));
          message.reset();
          if (first && isHello(out.get(0))) {
            first = false;
            // the caller switches framing after the hello; stop so the rest is read in the new mode
            int rest = end - i;
            if (rest > 0) {
              pending = new byte[rest];
              System.arraycopy(b, i, pending, 0, rest);
            }
            return out;
          }
        }
      } else if (remaining > 0) {
        int n = (int) Math.min(remaining, end - i);
        message.write(b, i, n);
        i += n;
        remaining -= n;
        if (message.size() > maxMessage) {
          throw new IOException("message too large");
        }
      } else {
        char c = (char) (b[i++] & 0xff);
        header.append(c);
        String h = header.toString();
        if (h.equals("\n##\n")) {
          out.add(message.toString(StandardCharsets.UTF_8));
          message.reset();
          header.setLength(0);
        } else if (h.length() > 2 && h.startsWith("\n#") && c == '\n' && !h.startsWith("\n##")) {
          remaining = Long.parseLong(h.substring(2, h.length() - 1));
          header.setLength(0);
          if (remaining <= 0) {
            throw new IOException("bad chunk size " + remaining);
          }
        } else if (!("\n#".startsWith(h) || "\n##\n".startsWith(h) || h.matches("\n#[1-9][0-9]{0,9}"))) {
          throw new IOException("bad chunk header " + h.replace("\n", "\\n"));
        }
      }
    }
    return out;
  }

  private byte[] pending;
  private boolean first = true;

  /** Bytes read past the hello, to be fed again once the framing is switched. */
  byte[] takePending() {
    byte[] p = pending;
    pending = null;
    return p == null ? new byte[0] : p;
  }

  private static boolean isHello(String xml) {
    return xml.contains("<hello") || xml.contains(":hello");
  }

  private static final class Buf extends ByteArrayOutputStream {
    boolean endsWithEom() {
      if (count < EOM.length) {
        return false;
      }
      for (int k = 0; k < EOM.length; k++) {
        if (buf[count - EOM.length + k] != EOM[k]) {
          return false;
        }
      }
      return true;
    }

    String prefix(int n) {
      return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
  }
}
