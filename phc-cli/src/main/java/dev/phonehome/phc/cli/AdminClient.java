package dev.phonehome.phc.cli;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

/**
 * Reads a phone-home server's admin JSON API ({@link AdminApi}): {@code GET /phc/admin/v1/devices} and
 * {@code GET /phc/admin/v1/devices/SERIAL}, with {@code Authorization: Bearer TOKEN}.
 */
final class AdminClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder().build().adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private final URI base;
  private final String token;
  private final HttpClient http;

  AdminClient(URI server, String token, String fingerprint) {
    this.base = server;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
    if (fingerprint != null) {
      SSLContext ctx = PinnedTrust.sslContext(fingerprint);
      b.sslContext(ctx);
    }
    this.http = b.build();
  }

  static final String PREFIX = "/phc/admin/v1";

  /** {@code {"devices":[{...status...}]}}. */
  Map<String, Object> fleet() {
    return get(PREFIX + "/devices");
  }

  /** {@code {"unclaimed":[{...status...}]}}. */
  Map<String, Object> unclaimed() {
    return get(PREFIX + "/unclaimed");
  }

  /** {@code {"device":{...status...},"members":[...],"timeline":[...]}}. */
  Map<String, Object> device(String serial) {
    return get(PREFIX + "/devices/" + URLEncoder.encode(serial, StandardCharsets.UTF_8));
  }

  private Map<String, Object> get(String path) {
    return get(base.resolve(path), path, true);
  }

  private Map<String, Object> get(URI uri, String path, boolean mayFollow) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().header("Accept", "application/json");
    if (token != null) {
      rb.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (SSLHandshakeException e) {
      throw CliException.badInput("--server " + base + ": TLS handshake failed: " + rootMessage(e)
          + " (for a self-signed 'phc serve', pass --insecure-fingerprint with the fingerprint it printed)", e);
    } catch (ConnectException e) {
      throw CliException.badInput("--server " + base + ": cannot connect (" + rootMessage(e)
          + "); is the server running, and started with --admin-token?", e);
    } catch (IOException e) {
      throw CliException.badInput("--server " + base + ": request failed: " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CliException.badInput("interrupted", e);
    }
    switch (resp.statusCode()) {
      case 200:
        break;
      case 307:
      case 308:
        // The device port of a server whose admin API has its own port points token holders there.
        String location = resp.headers().firstValue("Location").orElse(null);
        if (mayFollow && location != null && location.startsWith("https://")) {
          return get(URI.create(location), path, false);
        }
        throw CliException.badInput("--server " + base + ": redirected to " + location + " (not followed)");
      case 401:
      case 403:
        throw CliException.badInput("--server " + base + ": the admin API refused the token ("
            + resp.statusCode() + ")" + (token == null ? "; pass --token" : ""));
      case 404:
        if (path.endsWith("/devices")) {
          throw CliException.badInput("--server " + base + ": no admin API here (404); start the server with"
              + " --admin-token");
        }
        throw CliException.badInput("the server has never heard of serial "
            + path.substring(path.lastIndexOf('/') + 1));
      default:
        throw CliException.badInput("--server " + base + ": the admin API answered " + resp.statusCode() + ": "
            + abbreviate(resp.body()));
    }
    try {
      Map<String, Object> m = JSON.fromJson(resp.body());
      if (m == null) {
        throw new IOException("empty body");
      }
      return m;
    } catch (IOException | RuntimeException e) {
      throw CliException.badInput("--server " + base + ": the admin API's answer is not the expected JSON: "
          + e.getMessage(), e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getMessage() == null ? r.toString() : r.getMessage();
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v instanceof Map<?, ?> mm ? (Map<String, Object>) mm : Map.of();
  }
}
