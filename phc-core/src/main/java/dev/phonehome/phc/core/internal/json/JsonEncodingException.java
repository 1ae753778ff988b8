package dev.phonehome.phc.core.internal.json;

import java.io.IOException;

/**
 * JSON that is not well-formed (RFC 8259): a syntax error, a bad escape, a raw control character in a string,
 * bytes that are not UTF-8. The message ends with {@code at path $.a.b[0]}. A document that ends early is a
 * {@link java.io.EOFException} instead.
 */
public final class JsonEncodingException extends IOException {
  private static final long serialVersionUID = 1L;

  public JsonEncodingException(String message) {
    super(message);
  }

  public JsonEncodingException(String message, Throwable cause) {
    super(message, cause);
  }
}
