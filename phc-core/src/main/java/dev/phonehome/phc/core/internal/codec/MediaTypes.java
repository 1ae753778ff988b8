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

  /**
   * RFC 7231 proactive negotiation over an Accept header: each offered encoding gets the quality of the most
   * specific media range that matches it ({@code application/yang-data+json} before {@code application/*}
   * before {@code *}{@code /*}); the best quality above zero wins, {@code preferred} on a tie.
   *
   * @return the encoding to answer in, or empty when the header accepts none of {@code offered} (406)
   */
  public static Optional<Encoding> negotiate(@Nullable String accept, java.util.Set<Encoding> offered,
      Encoding preferred) {
    if (accept == null || accept.isBlank()) {
      return offered.contains(preferred) ? Optional.of(preferred) : offered.stream().findFirst();
    }
    java.util.Map<Encoding, Double> specific = new java.util.EnumMap<>(Encoding.class);
    java.util.Map<Encoding, Integer> order = new java.util.EnumMap<>(Encoding.class);
    double wildcard = -1;
    int position = 0;
    for (String part : accept.split(",")) {
      String[] params = part.split(";");
      String range = params[0].strip().toLowerCase(Locale.ROOT);
      if (range.isEmpty()) {
        continue;
      }
      double q = 1.0;
      for (int i = 1; i < params.length; i++) {
        String p = params[i].strip();
        if (p.regionMatches(true, 0, "q=", 0, 2)) {
          try {
            q = Double.parseDouble(p.substring(2).strip());
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (range.equals("*/*") || range.equals("application/*")) {
        wildcard = Math.max(wildcard, q);
        continue;
      }
      Optional<Encoding> e = encodingOf(range);
      if (e.isPresent()) {
        specific.merge(e.get(), q, Math::max);
        order.putIfAbsent(e.get(), position++);
      }
    }
    Encoding best = null;
    double bestQ = 0;
    for (Encoding e : Encoding.values()) {
      if (!offered.contains(e)) {
        continue;
      }
      double q = specific.containsKey(e) ? specific.get(e) : Math.max(wildcard, 0);
      if (q <= 0) {
        continue;
      }
      boolean better = best == null || q > bestQ
          || (q == bestQ && (e == preferred && best != preferred
              || (best != preferred && order.getOrDefault(e, 99) < order.getOrDefault(best, 99))));
      if (better) {
        best = e;
        bestQ = q;
      }
    }
    return Optional.ofNullable(best);
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
