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
}
