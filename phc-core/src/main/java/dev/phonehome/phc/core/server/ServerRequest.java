package dev.phonehome.phc.core.server;

import java.io.InputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request as the transport-neutral {@link PhoneHomeHandler} sees it. An HTTP stack (the embedded
 * engine, the servlet adapter, a vendor's own) builds one per request.
 *
 * <p>{@link #rawPath()} is the path as it appeared on the request line, still percent-encoded and without the
 * query: the handler decodes the RESTCONF list key itself so that {@code %2F} and {@code ..} tricks are seen
 * and refused (400). The body is read at most up to the handler's body limit; the handler never closes it.
 */
public final class ServerRequest {
  private final String method;
  private final String rawPath;
  private final Map<String, List<String>> headers;
  private final InputStream body;
  private final long contentLength;
  private final List<X509Certificate> peerCertificates;
  private final @Nullable String remoteAddress;
  private final @Nullable String query;

  private ServerRequest(Builder b) {
    this.method = Objects.requireNonNull(b.method, "method");
    this.rawPath = Objects.requireNonNull(b.rawPath, "rawPath");
    @SuppressWarnings("unchecked")
    Map.Entry<String, List<String>>[] h = new Map.Entry[b.headers.size()];
    int i = 0;
    for (Map.Entry<String, List<String>> e : b.headers.entrySet()) {
      h[i++] = Map.entry(e.getKey(), List.copyOf(e.getValue()));
    }
    this.headers = Map.ofEntries(h);
    this.body = b.body;
    this.contentLength = b.contentLength;
    this.peerCertificates = List.copyOf(b.peerCertificates);
    this.remoteAddress = b.remoteAddress;
    this.query = b.query;
  }

  public static Builder builder(String method, String rawPath) {
    return new Builder(method, rawPath);
  }

  /** The HTTP method, upper case. */
  public String method() {
    return method;
  }

  /** The request path, percent-encoded as received, without the query string. */
  public String rawPath() {
    return rawPath;
  }

  /** The query string as received (percent-encoded, without the {@code ?}), or null when there is none. */
  public @Nullable String query() {
    return query;
  }

  /** The first value of header {@code name} (case-insensitive), or null. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every header, names in lower case. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The body; empty for a request without one. */
  public InputStream body() {
    return body;
  }

  /** The declared Content-Length, or -1 when not known (chunked). */
  public long contentLength() {
    return contentLength;
  }

  /** The TLS client certificate chain, leaf first; empty when none was presented. */
  public List<X509Certificate> peerCertificates() {
    return peerCertificates;
  }

  /** The peer's address for logs, or null. */
  public @Nullable String remoteAddress() {
    return remoteAddress;
  }

  @Override
  public String toString() {
    return method + " " + rawPath;
  }

  /** Builds a {@link ServerRequest}. */
  public static final class Builder {
    private final String method;
    private final String rawPath;
    private final Map<String, List<String>> headers = new HashMap<>();
    private InputStream body = InputStream.nullInputStream();
    private long contentLength = -1;
    private List<X509Certificate> peerCertificates = List.of();
    private @Nullable String remoteAddress;
    private @Nullable String query;

    private Builder(String method, String rawPath) {
      this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
      this.rawPath = Objects.requireNonNull(rawPath, "rawPath");
    }

    /** Adds a header value (names are case-insensitive). */
    public Builder addHeader(String name, String value) {
      headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
          .add(Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder body(InputStream body, long contentLength) {
      this.body = Objects.requireNonNull(body, "body");
      this.contentLength = contentLength;
      return this;
    }

    public Builder peerCertificates(List<X509Certificate> chain) {
      this.peerCertificates = Objects.requireNonNull(chain, "chain");
      return this;
    }

    public Builder remoteAddress(@Nullable String remoteAddress) {
      this.remoteAddress = remoteAddress;
      return this;
    }

    /** The query string, percent-encoded, without the {@code ?}; null or empty for none. */
    public Builder query(@Nullable String query) {
      this.query = query == null || query.isEmpty() ? null : query;
      return this;
    }

    public ServerRequest build() {
      return new ServerRequest(this);
    }
  }
}
