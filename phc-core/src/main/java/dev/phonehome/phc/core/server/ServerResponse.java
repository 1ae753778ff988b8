package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.core.internal.server.CoreHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the {@link PhoneHomeHandler} answers: a status, headers and a small body (bootstrap data and RESTCONF
 * errors are kilobytes; images are never served by this server). Immutable; the body bytes are shared with
 * the handler's cache and never handed out for writing.
 */
public final class ServerResponse {
  private static final byte[] EMPTY = new byte[0];

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  private ServerResponse(int status, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.body = body;
  }

  /** A response with a body of {@code contentType}. The array is kept, not copied: do not change it later. */
  public static ServerResponse of(int status, @Nullable String contentType, byte[] body, Map<String, String> extraHeaders) {
    Map<String, String> h = new LinkedHashMap<>(extraHeaders);
    if (contentType != null) {
      h.put("Content-Type", contentType);
    }
    return new ServerResponse(status, h, Objects.requireNonNull(body, "body"));
  }

  /**
   * A RESTCONF error answer ({@code ietf-restconf:errors}, RFC 8040 section 7.1) as the handler itself
   * writes them: for an HTTP stack around {@link PhoneHomeHandler} that refuses a request before the handler
   * sees it (rate limiting, maintenance), so that devices read the same shape either way.
   *
   * @param status the HTTP status (4xx or 5xx)
   * @param encoding XML or JSON, as the device asked ({@code Accept})
   * @param errorTag the RESTCONF {@code error-tag}, e.g. {@code operation-failed}, {@code access-denied}
   * @param message the {@code error-message}, or null
   */
  public static ServerResponse restconfError(int status, Encoding encoding, String errorTag, @Nullable String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: a RESTCONF error needs 4xx or 5xx, not " + status);
    }
    return CoreHandler.error(status, Objects.requireNonNull(encoding, "encoding"),
        Objects.requireNonNull(errorTag, "errorTag"), message, Map.of());
  }

  /** A response without a body (204, 201). */
  public static ServerResponse empty(int status) {
    return new ServerResponse(status, Map.of(), EMPTY);
  }

  public int status() {
    return status;
  }

  /** Headers to send besides Content-Length, which the transport derives from {@link #bodyLength()}. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The Content-Type header, or null. */
  public @Nullable String contentType() {
    return headers.get("Content-Type");
  }

  public int bodyLength() {
    return body.length;
  }

  /** A copy of the body. */
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text (for tests and logs). */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The body as a read-only buffer, without copying. */
  public java.nio.ByteBuffer bodyBuffer() {
    return java.nio.ByteBuffer.wrap(body).asReadOnlyBuffer();
  }

  /** Writes the body without copying it. */
  public void writeBodyTo(OutputStream out) throws IOException {
    out.write(body);
  }

  @Override
  public String toString() {
    return "ServerResponse{" + status + ", " + headers + ", " + body.length + " bytes}";
  }
}
