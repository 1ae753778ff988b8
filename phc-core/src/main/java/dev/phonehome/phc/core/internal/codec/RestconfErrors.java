package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * RESTCONF {@code ietf-restconf:errors} bodies (RFC 8040 section 7.1). JSON is
 * {@code {"ietf-restconf:errors":{"error":[...]}}}, XML is {@code <errors xmlns="urn:ietf:params:xml:ns:yang:ietf-restconf">};
 * leaves in RFC 8040 order (error-type, error-tag, error-path, error-message).
 */
public final class RestconfErrors {
  /** XML namespace of {@code ietf-restconf}. */
  public static final String NAMESPACE = "urn:ietf:params:xml:ns:yang:ietf-restconf";
  private static final Set<String> ERROR_TYPES = Set.of("transport", "rpc", "protocol", "application");

  private RestconfErrors() {}

  /**
   * One {@code error}: type (transport, rpc, protocol, application), tag, message, path. The path is a YANG
   * instance-identifier; in XML its node names are prefixed, and {@code pathPrefix} is declared to
   * {@code pathNamespace} on the {@code error-path} element (RFC 8040 section 7.1, RFC 7950 section 9.13).
   */
  public record RestconfError(String errorType, String errorTag, @Nullable String errorMessage,
      @Nullable String errorPath, @Nullable String pathPrefix, @Nullable String pathNamespace) {
    public RestconfError {
      Objects.requireNonNull(errorType, "errorType");
      Objects.requireNonNull(errorTag, "errorTag");
    }

    /** An error whose path (if any) needs no namespace declaration (JSON, or none). */
    public RestconfError(String errorType, String errorTag, @Nullable String errorMessage, @Nullable String errorPath) {
      this(errorType, errorTag, errorMessage, errorPath, null, null);
    }
  }

  public static byte[] encode(List<RestconfError> errors, Encoding encoding) {
    if (encoding == Encoding.JSON) {
      return Rfc8572Codec.json(w -> {
        w.beginObject().name("ietf-restconf:errors").beginObject().name("error").beginArray();
        for (RestconfError e : errors) {
          w.beginObject();
          w.name("error-type").value(e.errorType());
          w.name("error-tag").value(e.errorTag());
          if (e.errorPath() != null) {
            w.name("error-path").value(e.errorPath());
          }
          if (e.errorMessage() != null) {
            w.name("error-message").value(e.errorMessage());
          }
          w.endObject();
        }
        w.endArray().endObject().endObject();
      });
    }
    return Rfc8572Codec.xml(x -> {
      x.start("errors", NAMESPACE);
      for (RestconfError e : errors) {
        x.start("error");
        x.leaf("error-type", e.errorType());
        x.leaf("error-tag", e.errorTag());
        if (e.errorPath() != null && e.pathPrefix() != null && e.pathNamespace() != null) {
          x.leafWithPrefix("error-path", e.errorPath(), e.pathPrefix(), e.pathNamespace());
        } else {
          x.leaf("error-path", e.errorPath());
        }
        x.leaf("error-message", e.errorMessage());
        x.end();
      }
      x.end();
    });
  }

  /** @throws PhcProtocolException naming the path and value that were wrong */
  public static List<RestconfError> decode(InputStream in, Encoding encoding, CodecLimits limits) {
    SafeXml.BoundedInputStream body = SafeXml.bounded(in, limits.maxDocumentBytes());
    List<RestconfError> errors = new ArrayList<>();
    if (encoding == Encoding.JSON) {
      JsonIn.open(body).read(r -> {
        r.beginObject();
        boolean seen = false;
        while (r.r.hasNext()) {
          String top = r.r.nextName();
          if (!top.equals("ietf-restconf:errors")) {
            throw r.error("unexpected member " + Texts.quote(top) + ", expected ietf-restconf:errors");
          }
          seen = true;
          r.beginObject();
          while (r.r.hasNext()) {
            if (!JsonIn.local(r.r.nextName()).equals("error")) {
              r.r.skipValue();
              continue;
            }
            r.beginArray();
            while (r.r.hasNext()) {
              String p = r.path();
              String[] f = new String[4];
              r.beginObject();
              while (r.r.hasNext()) {
                switch (JsonIn.local(r.r.nextName())) {
                  case "error-type" -> f[0] = r.string(RestconfErrors::errorType);
                  case "error-tag" -> f[1] = r.string();
                  case "error-message" -> f[2] = r.string();
                  case "error-path" -> f[3] = r.string();
                  default -> r.r.skipValue();
                }
              }
              r.r.endObject();
              errors.add(error(f, p));
            }
            r.r.endArray();
          }
          r.r.endObject();
        }
        r.r.endObject();
        if (!seen) {
          throw new PhcProtocolException("missing ietf-restconf:errors", "$");
        }
        return null;
      });
      return List.copyOf(errors);
    }
    XmlIn x = XmlIn.open(body, Set.of("error")).root();
    if (!x.name().equals("errors")) {
      throw x.error("expected root element <errors> but found <" + x.name() + ">");
    }
    while (x.nextChild()) {
      if (!x.name().equals("error")) {
        x.skip();
        continue;
      }
      String p = x.path();
      String[] f = new String[4];
      while (x.nextChild()) {
        switch (x.name()) {
          case "error-type" -> f[0] = x.leaf(RestconfErrors::errorType);
          case "error-tag" -> f[1] = x.leaf();
          case "error-message" -> f[2] = x.text();
          case "error-path" -> f[3] = x.leaf();
          default -> x.skip();
        }
      }
      errors.add(error(f, p));
    }
    x.finish();
    return List.copyOf(errors);
  }

  private static String errorType(String s) {
    if (!ERROR_TYPES.contains(s)) {
      throw new IllegalArgumentException("not transport, rpc, protocol or application");
    }
    return s;
  }

  private static RestconfError error(String[] f, String path) {
    if (f[0] == null) {
      throw new PhcProtocolException("missing error-type", path);
    }
    if (f[1] == null) {
      throw new PhcProtocolException("missing error-tag", path);
    }
    return new RestconfError(f[0], f[1], f[2], f[3]);
  }
}
