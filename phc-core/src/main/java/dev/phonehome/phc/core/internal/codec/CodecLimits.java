package dev.phonehome.phc.core.internal.codec;

/**
 * Size limits applied while reading, before a body is buffered whole.
 *
 * @param maxDocumentBytes the largest document (bootstrap data, notification, request) without its
 *     configuration; default 1 MiB
 * @param maxConfigurationBytes the largest configuration (and each script) inside a document; default 16 MiB
 */
public record CodecLimits(long maxDocumentBytes, long maxConfigurationBytes) {
  public static final CodecLimits DEFAULT = new CodecLimits(1L << 20, 16L << 20);

  public CodecLimits {
    if (maxDocumentBytes <= 0 || maxConfigurationBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /**
   * The most bytes a reader takes from a body before failing with "body exceeds N bytes": the document limit
   * plus room for one configuration and two scripts, each base64-encoded (the RFC dialect's worst case). What
   * remains after subtracting those leaves is then checked against {@link #maxDocumentBytes()}.
   */
  public long streamCap() {
    long b64 = (maxConfigurationBytes + 2) / 3 * 4;
    long cap = maxDocumentBytes + 3 * b64;
    return cap < 0 ? Long.MAX_VALUE : cap;
  }
}
