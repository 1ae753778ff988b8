package dev.phonehome.phc.core.internal.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads at most {@code max} bytes; one more and it throws {@link BodyTooLargeException}. Never closes the source. */
final class BoundedInputStream extends FilterInputStream {
  private final long max;
  private long count;

  BoundedInputStream(InputStream in, long max) {
    super(in);
    this.max = max;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = super.skip(n);
    count(s);
    return s;
  }

  @Override
  public void close() {
    // the transport owns the stream
  }

  private void count(long n) {
    count += n;
    if (count > max) {
      throw new BodyTooLargeException(max);
    }
  }

  /** The body passed the limit while it was read. */
  static final class BodyTooLargeException extends RuntimeException {
    BodyTooLargeException(long max) {
      super("request body is larger than " + max + " bytes", null, false, false);
    }
  }
}
