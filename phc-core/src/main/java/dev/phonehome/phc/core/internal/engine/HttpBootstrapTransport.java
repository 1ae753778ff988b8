package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.PhcTransportException;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.MediaTypes;
import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.trust.TrustAnchors;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The HTTPS transport of both dialects (SPEC 2.1 and 2.2) over OkHttp.
 *
 * <p>Trust: a server reached over HTTPS whose certificate the client validated (OkHttp's default validation,
 * the user's trust store, or a trust anchor from trusted redirect information) is trusted; plain HTTP is not.
 * RFC 8572 answers go through the {@link ConveyedInformationVerifier} when one is configured; without one,
 * unsigned onboarding information is accepted only from a trusted server, and signed data is refused (nothing
 * could verify it). Notifications are sent only to trusted servers.
 *
 * <p>Provisional connections (RFC 8572 section 5.3, when enabled): a server whose TLS certificate fails
 * validation against the configured trust (or its learned anchor) is asked again over a connection that does
 * not authenticate it ({@link TrustAnchors#provisionalTrustManager()}), with {@code signed-data-preferred} and
 * a fresh nonce; the answer goes to the verifier with {@code serverTrusted=false}, so only signed data whose
 * voucher and owner chain verify is accepted (and unsigned redirect information, whose anchors the engine then
 * ignores). Notifications always use the authenticating connection, so they never reach such a server.
 */
public final class HttpBootstrapTransport implements BootstrapTransport {
  static final String JUNIPER_DEVICE_PATH = "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  static final String RFC_GET_PATH = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
  static final String RFC_REPORT_PATH = "/restconf/operations/ietf-sztp-bootstrap-server:report-progress";
  static final String JUNIPER_ACCEPT = "application/yang-data+xml, application/yang.data+xml";

  private final OkHttpClient http;
  private final Dialect dialect;
  private final Encoding encoding;
  private final String serialNumber;
  private final String password;
  private final KeyManager @Nullable [] keyManagers;
  private final @Nullable ConveyedInformationVerifier verifier;
  private final Clock clock;
  private final CodecLimits limits;
  private final @Nullable Random provisionalNonces;
  private final Map<String, OkHttpClient> anchoredClients = new ConcurrentHashMap<>();
  private volatile @Nullable OkHttpClient provisionalClient;

  public HttpBootstrapTransport(OkHttpClient http, Dialect dialect, Encoding encoding, String serialNumber,
      String password, KeyManager @Nullable [] keyManagers, @Nullable ConveyedInformationVerifier verifier,
      Clock clock, CodecLimits limits) {
    this(http, dialect, encoding, serialNumber, password, keyManagers, verifier, clock, limits, null);
  }

  /**
   * @param provisionalNonces when not null, provisional connections are enabled (RFC 8572 section 5.3) and
   *     their fresh nonces come from this; a verifier is then required
   */
  public HttpBootstrapTransport(OkHttpClient http, Dialect dialect, Encoding encoding, String serialNumber,
      String password, KeyManager @Nullable [] keyManagers, @Nullable ConveyedInformationVerifier verifier,
      Clock clock, CodecLimits limits, @Nullable Random provisionalNonces) {
    if (provisionalNonces != null && verifier == null) {
      throw new IllegalArgumentException("provisional connections need a ConveyedInformationVerifier");
    }
    this.provisionalNonces = provisionalNonces;
    this.http = Objects.requireNonNull(http, "http");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.encoding = dialect == Dialect.JUNIPER ? Encoding.XML : Objects.requireNonNull(encoding, "encoding");
    this.serialNumber = Objects.requireNonNull(serialNumber, "serialNumber");
    this.password = Objects.requireNonNull(password, "password");
    this.keyManagers = keyManagers;
    this.verifier = verifier;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  @Override
  public Answer fetch(EngineState.Server server, BootstrapRequest request) {
    try {
      return fetch(server, request, clientFor(server), server.url().startsWith("https://"));
    } catch (HandshakeRefused e) {
      // RFC 8572 section 5.3: the device MAY connect provisionally to a server it cannot authenticate.
      byte[] nonce = new byte[16 + Objects.requireNonNull(provisionalNonces).nextInt(17)];
      provisionalNonces.nextBytes(nonce);
      BootstrapRequest fresh = new BootstrapRequest(request.serialNumber(), request.hwModel(), request.osName(),
          request.osVersion(), Bytes.of(nonce), true);
      // Only reached because validation against the configured trust (chain or host name) just failed: the
      // connection is not trusted whatever the server presents now.
      return fetch(server, fresh, provisionalClient(), false);
    }
  }

  private Answer fetch(EngineState.Server server, BootstrapRequest request, OkHttpClient client, boolean tlsTrusted) {
    if (dialect == Dialect.JUNIPER) {
      Request r = new Request.Builder()
          .url(server.url() + JUNIPER_DEVICE_PATH + encodedSerial())
          .header("Authorization", Credentials.basic(serialNumber, password, StandardCharsets.UTF_8))
          .header("Accept", JUNIPER_ACCEPT)
          .get()
          .build();
      try (Response response = call(client, r, tlsTrusted)) {
        checkStatus(server, response);
        JuniperDevice device = JuniperXmlCodec.decodeDevice(response.body().byteStream(), limits);
        ConveyedInformation info = device.conveyedInformation();
        if (info instanceof OnboardingInformation && !device.uniqueId().equals(serialNumber)) {
          throw new PhcProtocolException("unique-id is " + device.uniqueId() + ", expected this device's serial "
              + serialNumber, "/device/unique-id", response.code(), null);
        }
        return accept(info, tlsTrusted, server, null);
      } catch (java.io.UncheckedIOException e) {
        throw new PhcTransportException("reading the answer of " + server.url() + " failed: " + e.getCause(), e);
      }
    }
    byte[] body = Rfc8572Codec.encodeBootstrapRequest(request, encoding);
    Request r = new Request.Builder()
        .url(server.url() + RFC_GET_PATH)
        .header("Authorization", Credentials.basic(serialNumber, password, StandardCharsets.UTF_8))
        .header("Accept", encoding.mediaType())
        .post(RequestBody.create(body, MediaType.get(encoding.mediaType())))
        .build();
    try (Response response = call(client, r, tlsTrusted)) {
      checkStatus(server, response);
      Encoding answered = MediaTypes.encodingOf(response.header("Content-Type")).orElse(encoding);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(response.body().byteStream(), answered, limits);
      ConveyedDocument document;
      boolean trusted;
      if (verifier != null) {
        ConveyedInformationVerifier.Verified v =
            verifier.verify(data, tlsTrusted, request.nonce(), serialNumber, clock.instant());
        document = v.document();
        trusted = v.trusted();
      } else {
        if (data.isSigned()) {
          throw new PhcTrustException(PhcTrustException.Reason.MALFORMED,
              "the server sent signed data, but no trust anchors or vouchers are configured to verify it");
        }
        document = ConveyedInformationCms.unwrap(data.conveyedInformation());
        trusted = tlsTrusted;
      }
      ConveyedInformation info = Rfc8572Codec.decodeConveyedInformation(document.document(), document.encoding(), limits);
      return accept(info, trusted, server, data.reportingLevel());
    } catch (java.io.UncheckedIOException e) {
      throw new PhcTransportException("reading the answer of " + server.url() + " failed: " + e.getCause(), e);
    }
  }

  private Answer accept(ConveyedInformation info, boolean trusted, EngineState.Server server,
      @Nullable ReportingLevel reportingLevel) {
    boolean labMode = verifier != null && verifier.labModeInsecure();
    if (info instanceof OnboardingInformation && !trusted && !labMode) {
      throw new PhcTrustException(PhcTrustException.Reason.UNSIGNED_FROM_UNTRUSTED_SERVER,
          "unsigned onboarding information from " + server.url() + ", which is not trusted");
    }
    return new Answer(info, trusted, reportingLevel);
  }

  @Override
  public ReportOutcome report(EngineState.Server server, ProgressReport report) {
    if (!server.url().startsWith("https://")) {
      return new ReportOutcome.Withheld("notifications are only sent to trusted servers, not to " + server.url());
    }
    Request r;
    if (dialect == Dialect.JUNIPER) {
      r = new Request.Builder()
          .url(server.url() + JUNIPER_DEVICE_PATH + encodedSerial() + "/notification")
          .header("Authorization", Credentials.basic(serialNumber, password, StandardCharsets.UTF_8))
          .post(RequestBody.create(JuniperXmlCodec.encodeNotification(report), MediaType.get(Encoding.XML.mediaType())))
          .build();
    } else {
      r = new Request.Builder()
          .url(server.url() + RFC_REPORT_PATH)
          .header("Authorization", Credentials.basic(serialNumber, password, StandardCharsets.UTF_8))
          .header("Accept", encoding.mediaType())
          .post(RequestBody.create(Rfc8572Codec.encodeReportProgress(report, encoding), MediaType.get(encoding.mediaType())))
          .build();
    }
    Response sent;
    try {
      sent = call(clientFor(server), r, true);
    } catch (HandshakeRefused e) {
      return new ReportOutcome.Withheld("notifications are only sent to trusted servers; " + server.url()
          + " failed TLS validation: " + e.getCause());
    } catch (PhcTransportException e) {
      return new ReportOutcome.Retry(null, e.getMessage());
    }
    try (Response response = sent) {
      return outcomeOf(server, response);
    }
  }

  /** Maps the answer to a notification (SPEC 2.1: 200/201/204 taken, 404 not claimed, 5xx retried). */
  private ReportOutcome outcomeOf(EngineState.Server server, Response response) {
    int code = response.code();
    if (code == 200 || code == 201 || code == 204) {
      return ReportOutcome.delivered();
    }
    String detail = errorDetail(response);
    if (code == 404) {
      return new ReportOutcome.NotClaimed(server.url() + " does not know serial " + serialNumber + " (HTTP 404)"
          + detail);
    }
    if (code >= 500 || code == 408 || code == 429) {
      return new ReportOutcome.Retry(retryAfter(response.header("Retry-After")),
          server.url() + " answered HTTP " + code + detail);
    }
    if (code >= 400) {
      return new ReportOutcome.Refused(code, detail.isEmpty() ? null : detail.substring(2));
    }
    // 1xx/3xx (redirects are not followed for notifications): the server did not take it.
    return new ReportOutcome.Refused(code, "unexpected HTTP " + code + " for a notification");
  }

  /** {@code Retry-After}: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); null when absent or bad. */
  @Nullable Duration retryAfter(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      // an HTTP-date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(clock.instant(), at);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * @param authenticating true on a connection that validates the server: a validation failure there is
   *     {@link HandshakeRefused} when provisional connections are enabled
   */
  private Response call(OkHttpClient client, Request request, boolean authenticating) {
    try {
      return client.newCall(request).execute();
    } catch (SSLHandshakeException | SSLPeerUnverifiedException e) {
      if (authenticating && provisionalNonces != null) {
        throw new HandshakeRefused(e);
      }
      throw new PhcTransportException(request.method() + " " + request.url() + " failed: " + e, e);
    } catch (IOException e) {
      throw new PhcTransportException(request.method() + " " + request.url() + " failed: " + e, e);
    }
  }

  /**
   * The client of provisional connections: the handshake accepts any server certificate and any host name
   * (nothing from this connection is trusted; the verifier decides on signatures alone).
   */
  private OkHttpClient provisionalClient() {
    OkHttpClient p = provisionalClient;
    if (p == null) {
      TrustAnchors none = TrustAnchors.none();
      javax.net.ssl.X509TrustManager tm = none.provisionalTrustManager();
      try {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(keyManagers, new javax.net.ssl.TrustManager[] {tm}, new java.security.SecureRandom());
        p = http.newBuilder().sslSocketFactory(ctx.getSocketFactory(), tm).hostnameVerifier((host, session) -> true)
            .build();
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException("cannot build the provisional TLS context: " + e.getMessage(), e);
      }
      provisionalClient = p;
    }
    return p;
  }

  /** The authenticating handshake failed validation; the caller may retry provisionally. */
  private static final class HandshakeRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HandshakeRefused(IOException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** A server learned from trusted redirect information is authenticated against its own trust anchor. */
  private OkHttpClient clientFor(EngineState.Server server) {
    Bytes anchor = server.trustAnchor();
    if (anchor == null || !server.url().startsWith("https://")) {
      return http;
    }
    return anchoredClients.computeIfAbsent(server.url(), url -> {
      TrustAnchors anchors = TrustAnchors.fromRedirectTrustAnchor(anchor, dialect);
      return http.newBuilder().sslSocketFactory(anchors.sslContext(keyManagers).getSocketFactory(), anchors.trustManager())
          .build();
    });
  }

  private void checkStatus(EngineState.Server server, Response response) {
    int code = response.code();
    if (code == 200) {
      return;
    }
    String detail = errorDetail(response);
    if (code == 404) {
      throw new NotClaimedException(server.url() + " does not know serial " + serialNumber + " (HTTP 404)" + detail);
    }
    if (code >= 500 || code == 408 || code == 429) {
      throw new PhcTransportException(server.url() + " answered HTTP " + code + detail, code, null);
    }
    if (code == 401 || code == 403) {
      throw new PhcProtocolException(server.url() + " refused the device's credentials (HTTP " + code + ")" + detail,
          null, code, null);
    }
    throw new PhcProtocolException(server.url() + " answered HTTP " + code + detail, null, code, null);
  }

  private String errorDetail(Response response) {
    try (InputStream in = response.body().byteStream()) {
      Encoding e = MediaTypes.encodingOf(response.header("Content-Type")).orElse(null);
      if (e == null) {
        return "";
      }
      List<RestconfErrors.RestconfError> errors = RestconfErrors.decode(in, e, limits);
      if (errors.isEmpty()) {
        return "";
      }
      RestconfErrors.RestconfError first = errors.get(0);
      return ": " + first.errorTag() + (first.errorMessage() == null ? "" : " (" + first.errorMessage() + ")");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private String encodedSerial() {
    return URLEncoder.encode(serialNumber, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
