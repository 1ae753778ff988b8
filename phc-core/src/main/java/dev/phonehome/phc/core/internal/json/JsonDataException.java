package dev.phonehome.phc.core.internal.json;

/**
 * Well-formed JSON of an unexpected shape: a string where an object was asked for, nesting too deep, a number
 * that does not fit. The message ends with {@code at path $.a.b[0]}.
 */
public final class JsonDataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JsonDataException(String message) {
    super(message);
  }
}
