package dev.phonehome.phc.api;

import org.jspecify.annotations.Nullable;

/**
 * The peer sent something that is not valid: malformed XML or JSON, a missing mandatory leaf, a wrong type,
 * an unknown enum value, a body over the limit. The message names the path (for example
 * {@code $.onboarding-information.boot-image.image-verification[0].hash-value}) and the offending value.
 */
public class PhcProtocolException extends PhcException {
  private final @Nullable String path;
  private final String detail;
  private final int httpStatus;

  public PhcProtocolException(String message) {
    this(message, null, -1, null);
  }

  public PhcProtocolException(String message, @Nullable String path) {
    this(message, path, -1, null);
  }

  public PhcProtocolException(String message, @Nullable String path, int httpStatus, @Nullable Throwable cause) {
    super(path == null ? message : message + " at " + path, cause);
    this.detail = message;
    this.path = path;
    this.httpStatus = httpStatus;
  }

  /** Where in the document the problem is, as a JSON-path-like string, or null when not known. */
  public @Nullable String path() {
    return path;
  }

  /** The message without the " at PATH" suffix that {@link #getMessage()} adds (for a report that shows the path apart). */
  public String detail() {
    return detail;
  }

  /** The HTTP status of the answer that carried the bad document, or -1. */
  public int httpStatus() {
    return httpStatus;
  }
}
