package dev.phonehome.phc.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import dev.phonehome.phc.core.server.ClientAuth;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Raw HTTPS requests to a real {@link PhoneHomeServer} on loopback, with every header under the test's
 * control (OkHttp adds none of its own that matter here: no Content-Type unless a body type is given).
 */
final class Wire implements AutoCloseable {
  static final String GET_DATA = "restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
  static final String REPORT = "restconf/operations/ietf-sztp-bootstrap-server:report-progress";
  static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  static final String JSON = "application/yang-data+json";
  static final String XML = "application/yang-data+xml";

  final TestPki pki;
  final PhoneHomeServer server;
  private final Map<String, OkHttpClient> clients = new LinkedHashMap<>();

  private Wire(TestPki pki, PhoneHomeServer server) {
    this.pki = pki;
    this.server = server;
  }

  /** A started server over {@code records}, TLS from {@code pki}, client certificates wanted. */
  static Wire start(TestPki pki, InMemoryProvisioningRecords records, PhoneHomeServer.Builder b) {
    PhoneHomeServer s = b.records(records).sslContext(pki.serverSslContext()).clientAuth(ClientAuth.WANT)
        .build().start();
    return new Wire(pki, s);
  }

  OkHttpClient client(@Nullable String deviceCertificate) {
    return clients.computeIfAbsent(String.valueOf(deviceCertificate), k -> {
      SSLContext ctx = pki.clientSslContext(deviceCertificate);
      return new OkHttpClient.Builder().sslSocketFactory(ctx.getSocketFactory(), pki.clientTrustManager())
          .callTimeout(Duration.ofSeconds(20)).retryOnConnectionFailure(false).build();
    });
  }

  /** A request: method, path under the server URL, headers (exact), body (null: none). */
  Answer send(String method, String path, Map<String, String> headers, byte @Nullable [] body,
      @Nullable String deviceCertificate) throws IOException {
    Request.Builder b = new Request.Builder().url(server.url() + path);
    headers.forEach(b::header);
    RequestBody rb = null;
    if (body != null) {
      String ct = headers.get("Content-Type");
      rb = RequestBody.create(body, ct == null ? null : MediaType.get(ct));
    } else if (method.equals("POST") || method.equals("PUT")) {
      rb = RequestBody.create(new byte[0], null);
    }
    b.method(method, rb);
    try (Response r = client(deviceCertificate).newCall(b.build()).execute()) {
      return new Answer(r.code(), r.headers(), r.body().bytes());
    }
  }

  /** POST {@code body} as {@code contentType} with Accept {@code accept} (null: header not sent). */
  Answer post(String path, @Nullable String contentType, @Nullable String accept, @Nullable String body,
      @Nullable String user, @Nullable String password) throws IOException {
    Map<String, String> h = new LinkedHashMap<>();
    if (contentType != null) {
      h.put("Content-Type", contentType);
    }
    if (accept != null) {
      h.put("Accept", accept);
    }
    if (user != null) {
      h.put("Authorization", okhttp3.Credentials.basic(user, password == null ? "" : password));
    }
    return send("POST", path, h, body == null ? null : body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Override
  public void close() {
    server.close();
    clients.values().forEach(c -> c.dispatcher().executorService().shutdown());
  }

  /** What came back. */
  record Answer(int status, Headers headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Nullable String header(String name) {
      return headers.get(name);
    }

    /** The RESTCONF errors of the body, decoded in the encoding its Content-Type names. */
    List<RestconfErrors.RestconfError> errors() {
      String ct = header("Content-Type");
      assertThat(ct).as("Content-Type of an error answer").isIn(JSON, XML);
      return RestconfErrors.decode(new ByteArrayInputStream(body), ct.equals(JSON) ? Encoding.JSON : Encoding.XML,
          CodecLimits.DEFAULT);
    }

    RestconfErrors.RestconfError error() {
      List<RestconfErrors.RestconfError> e = errors();
      assertThat(e).hasSize(1);
      return e.get(0);
    }

    @Override
    public String toString() {
      return status + " " + headers + text();
    }
  }
}
