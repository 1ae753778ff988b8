package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.PhcProtocolException;
import org.jspecify.annotations.Nullable;

/**
 * A document that parses but breaks a YANG rule: a value outside its type (enumeration, identity, range,
 * length, pattern), a {@code when} or {@code must} condition, a duplicate list key, or a missing mandatory node.
 * A server answers it with the RESTCONF {@link #errorTag() error-tag} it carries ({@code invalid-value} or
 * {@code missing-element}, RFC 8040 section 7); syntax errors stay plain {@link PhcProtocolException}s
 * ({@code malformed-message}).
 */
public final class ConstraintViolation extends PhcProtocolException {
  private static final long serialVersionUID = 1L;

  /** RFC 8040 / RFC 6241 error-tag of a value that breaks its type or a constraint. */
  public static final String INVALID_VALUE = "invalid-value";
  /** RFC 6241 error-tag of a missing mandatory node. */
  public static final String MISSING_ELEMENT = "missing-element";

  private final String errorTag;

  private ConstraintViolation(String errorTag, String message, @Nullable String path) {
    super(message, path);
    this.errorTag = errorTag;
  }

  /** A value outside its type or breaking a when/must/unique/key rule. */
  public static ConstraintViolation invalidValue(String message, @Nullable String path) {
    return new ConstraintViolation(INVALID_VALUE, message, path);
  }

  /** A mandatory node that is not there. */
  public static ConstraintViolation missingElement(String message, @Nullable String path) {
    return new ConstraintViolation(MISSING_ELEMENT, message, path);
  }

  /** The RESTCONF error-tag for this violation. */
  public String errorTag() {
    return errorTag;
  }
}
