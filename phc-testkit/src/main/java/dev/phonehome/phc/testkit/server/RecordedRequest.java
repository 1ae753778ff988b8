package dev.phonehome.phc.testkit.server;

import dev.phonehome.phc.api.Dialect;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request as {@link FakePhoneHomeServer} received it.
 *
 * @param kind what the request asks for
 * @param dialect the dialect its path belongs to, or null for an unknown path
 * @param serialNumber the serial from the URL (Juniper) or the Basic username (RFC 8572), or null
 * @param method the HTTP method
 * @param path the raw request path
 * @param headers every header, names in lower case
 * @param body the body bytes
 * @param receivedAt the server's clock when it arrived
 * @param sequenceNumber 0 for the first request this server received, then 1, 2, ...
 */
public record RecordedRequest(
    Kind kind,
    @Nullable Dialect dialect,
    @Nullable String serialNumber,
    String method,
    String path,
    Map<String, List<String>> headers,
    byte[] body,
    Instant receivedAt,
    int sequenceNumber) {
  /** What a request asks for. */
  public enum Kind {
    /** Juniper {@code GET device=<serial>} or RFC 8572 {@code get-bootstrapping-data}. */
    BOOTSTRAP,
    /** Juniper {@code POST .../notification} or RFC 8572 {@code report-progress}. */
    NOTIFICATION,
    /** Anything else. */
    OTHER
  }

  public RecordedRequest {
    headers = Map.copyOf(headers);
    body = body.clone();
  }

  /** The first value of header {@code name}, case-insensitive, or null. */
  public @Nullable String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** A copy of the body. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RecordedRequest{#" + sequenceNumber + " " + method + " " + path + ", " + kind + ", serial=" + serialNumber
        + ", " + body.length + " bytes}";
  }
}
