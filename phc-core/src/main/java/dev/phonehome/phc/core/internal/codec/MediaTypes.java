package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Encoding;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** RESTCONF media types, accepting the legacy {@code yang.data} spelling and parameters. */
public final class MediaTypes {
  private MediaTypes() {}

  /** The encoding a Content-Type or one Accept entry names, or empty. */
  public static Optional<Encoding> encodingOf(@Nullable String mediaType) {
    if (mediaType == null) {
      return Optional.empty();
    }
    String t = mediaType.toLowerCase(Locale.ROOT);
    int semi = t.indexOf(';');
    if (semi >= 0) {
      t = t.substring(0, semi);
    }
    t = t.strip();
    switch (t) {
      case "application/yang-data+json":
      case "application/yang.data+json":
      case "application/json":
        return Optional.of(Encoding.JSON);
      case "application/yang-data+xml":
      case "application/yang.data+xml":
      case "application/xml":
      case "text/xml":
        return Optional.of(Encoding.XML);
      default:
        return Optional.empty();
    }
  }

  /** The first encoding an Accept header lists, or empty (any). */
  public static Optional<Encoding> fromAccept(@Nullable String accept) {
    if (accept == null) {
      return Optional.empty();
    }
    for (String part : accept.split(",")) {
      Optional<Encoding> e = encodingOf(part);
      if (e.isPresent()) {
        return e;
      }
    }
    return Optional.empty();
  }
}
