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
  private final boolean unauthorizedMeansNotClaimed;
  private final Map<String, OkHttpClient> anchoredClients = new ConcurrentHashMap<>();
  /** Servers that refused XML (sztpd answers 501, or 415): asked in JSON from then on. */
  private final Map<String, Boolean> jsonOnly = new ConcurrentHashMap<>();
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
    this(http, dialect, encoding, serialNumber, password, keyManagers, verifier, clock, limits, provisionalNonces,
        false);
  }

  /**
   * @param unauthorizedMeansNotClaimed when true, HTTP 401 to a bootstrap request is "not claimed yet, keep
   *     polling" ({@link NotClaimedException}), as sztpd answers 401 for a device it does not know
   */
  public HttpBootstrapTransport(OkHttpClient http, Dialect dialect, Encoding encoding, String serialNumber,
      String password, KeyManager @Nullable [] keyManagers, @Nullable ConveyedInformationVerifier verifier,
      Clock clock, CodecLimits limits, @Nullable Random provisionalNonces, boolean unauthorizedMeansNotClaimed) {
    this.unauthorizedMeansNotClaimed = unauthorizedMeansNotClaimed;
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
    // RFC 8572 section 7: signed-data-preferred asks the server for signed data or unsigned redirect
    // information only. A device sends it where it cannot trust the connection; on an authenticated connection
    // it does not, so that a server holding only unsigned onboarding information can answer.
    BootstrapRequest sent = request.signedDataPreferred() == !tlsTrusted ? request
        : new BootstrapRequest(request.serialNumber(), request.hwModel(), request.osName(), request.osVersion(),
            request.nonce(), !tlsTrusted);
    Encoding enc = encodingFor(server);
    Response response = call(client, rfcPost(server.url() + RFC_GET_PATH,
        Rfc8572Codec.encodeBootstrapRequest(sent, enc), enc), tlsTrusted);
    if (enc == Encoding.XML && refusesXml(response)) {
      // sztpd (older versions) answers 501 to XML, some servers 415: ask again in JSON, and from now on.
      response.close();
      jsonOnly.put(server.url(), Boolean.TRUE);
      enc = Encoding.JSON;
      response = call(client, rfcPost(server.url() + RFC_GET_PATH,
          Rfc8572Codec.encodeBootstrapRequest(sent, enc), enc), tlsTrusted);
    }
    Encoding asked = enc;
    try (Response answer = response) {
      checkStatus(server, answer);
      Encoding answered = MediaTypes.encodingOf(answer.header("Content-Type")).orElse(asked);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(answer.body().byteStream(), answered, limits);
      ConveyedDocument document;
      boolean trusted;
      if (verifier != null) {
        ConveyedInformationVerifier.Verified v =
            verifier.verify(data, tlsTrusted, sent.nonce(), serialNumber, clock.instant());
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
      ConveyedInformation info =
          Rfc8572Codec.decodeConveyedInformation(document.document(), document.encoding(), limits, true);
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
      Encoding enc = encodingFor(server);
      r = rfcPost(server.url() + RFC_REPORT_PATH, Rfc8572Codec.encodeReportProgress(report, enc), enc);
    }
    try {
      try (Response first = send(server, r)) {
        if (dialect == Dialect.RFC8572 && encodingFor(server) == Encoding.XML && refusesXml(first)) {
          jsonOnly.put(server.url(), Boolean.TRUE);
        } else {
          return outcomeOf(server, first, report);
        }
      }
      // sztpd (older versions) answers 501 to XML: the same report again, in JSON.
      try (Response again = send(server, rfcPost(server.url() + RFC_REPORT_PATH,
          Rfc8572Codec.encodeReportProgress(report, Encoding.JSON), Encoding.JSON))) {
        return outcomeOf(server, again, report);
      }
    } catch (NotSent e) {
      return e.outcome;
    }
  }

  /** The report could not be sent: the outcome says why (withheld from an untrusted server, or retry). */
  private static final class NotSent extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ReportOutcome outcome;

    NotSent(ReportOutcome outcome) {
      super(null, null, false, false);
      this.outcome = outcome;
    }
  }

  /**
   * Maps the answer to a notification (SPEC 2.1: 200/201/204 taken, 404 not claimed, 5xx retried). RFC 8572
   * section 5.6: a {@code bootstrap-initiated} or {@code bootstrap-complete} report not answered with
   * {@code 204 No Content} is an error, so any other 2xx for those two is {@link ReportOutcome.Refused}, and any
   * refusal of those two (a non-204 2xx, or a 4xx other than 404, 408, 429) {@linkplain
   * ReportOutcome.Refused#endsOnboarding() ends} the use of that server's onboarding information. 404, 408, 429,
   * 5xx and network failures keep the report queued, as for every other report.
   */
  private ReportOutcome outcomeOf(EngineState.Server server, Response response, ProgressReport report) {
    ReportOutcome outcome = plainOutcomeOf(server, response, report);
    if (outcome instanceof ReportOutcome.Refused r && dialect == Dialect.RFC8572
        && MUST_BE_204.contains(report.type())) {
      // RFC 8572 section 5.6: not getting 204 for these two is an error, and "if the device encounters an error
      // at any step, it MUST stop processing the onboarding information and return to the bootstrapping
      // sequence" (the next bootstrap server). The Juniper dialect has no such rule (SPEC 2.1): it only loses
      // the notification.
      return new ReportOutcome.Refused(r.httpStatus(), r.serverMessage(), true);
    }
    return outcome;
  }

  private ReportOutcome plainOutcomeOf(EngineState.Server server, Response response, ProgressReport report) {
    int code = response.code();
    if (dialect == Dialect.RFC8572 && MUST_BE_204.contains(report.type()) && code != 204 && code >= 200
        && code < 300) {
      return new ReportOutcome.Refused(code, "HTTP " + code + " to report-progress '" + report.type()
          + "'; RFC 8572 section 5.6 requires 204 No Content");
    }
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

  /** RFC 8572 section 5.6: the two reports whose answer must be exactly 204. */
  private static final java.util.Set<dev.phonehome.phc.api.model.ProgressType> MUST_BE_204 = java.util.Set.of(
      dev.phonehome.phc.api.model.ProgressType.BOOTSTRAP_INITIATED,
      dev.phonehome.phc.api.model.ProgressType.BOOTSTRAP_COMPLETE);

  private Response send(EngineState.Server server, Request r) {
    try {
      return call(clientFor(server), r, true);
    } catch (HandshakeRefused e) {
      throw new NotSent(new ReportOutcome.Withheld("notifications are only sent to trusted servers; "
          + server.url() + " failed TLS validation: " + e.getCause()));
    } catch (PhcTransportException e) {
      throw new NotSent(new ReportOutcome.Retry(null, e.getMessage()));
    }
  }

  /**
   * An RFC 8572 POST with exactly {@code Content-Type: application/yang-data+json} (or {@code +xml}) and the
   * same string as Accept, no parameters: sztpd compares both headers as exact strings.
   */
  private Request rfcPost(String url, byte[] body, Encoding enc) {
    return new Request.Builder()
        .url(url)
        .header("Authorization", Credentials.basic(serialNumber, password, StandardCharsets.UTF_8))
        .header("Accept", enc.mediaType())
        .post(RequestBody.create(body, MediaType.get(enc.mediaType())))
        .build();
  }

  private Encoding encodingFor(EngineState.Server server) {
    return encoding == Encoding.XML && jsonOnly.containsKey(server.url()) ? Encoding.JSON : encoding;
  }

  /** 501 (operation not implemented) or 415 (media type not supported) to an XML request. */
  private static boolean refusesXml(Response response) {
    return response.code() == 501 || response.code() == 415;
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
    if (code == 401 && unauthorizedMeansNotClaimed) {
      throw new NotClaimedException(server.url() + " answered 401 for serial " + serialNumber
          + ", taken as not claimed yet (unauthorizedMeansNotClaimed)" + detail, 401);
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

  /**
   * The first RESTCONF error of an error answer, also when the server labels it text/plain (sztpd does); a
   * body that is no RESTCONF error is shown as its first line of text.
   */
  private String errorDetail(Response response) {
    byte[] body;
    try (InputStream in = response.body().byteStream()) {
      body = in.readNBytes(64 * 1024);
    } catch (IOException | RuntimeException e) {
      return "";
    }
    Encoding e = MediaTypes.encodingOf(response.header("Content-Type"))
        .or(() -> ConveyedInformationCms.sniff(body)).orElse(null);
    if (e != null) {
      try {
        List<RestconfErrors.RestconfError> errors =
            RestconfErrors.decode(new java.io.ByteArrayInputStream(body), e, limits);
        if (!errors.isEmpty()) {
          RestconfErrors.RestconfError first = errors.get(0);
          return ": " + first.errorTag() + (first.errorMessage() == null ? "" : " (" + first.errorMessage() + ")");
        }
      } catch (RuntimeException ignored) {
        // not a RESTCONF error body: show it as text
      }
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    int nl = text.indexOf('\n');
    text = nl >= 0 ? text.substring(0, nl) : text;
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < text.length() && shown.length() < 200; i++) {
      char c = text.charAt(i);
      shown.append(c >= 0x20 && c != 0x7f ? c : '?');
    }
    return shown.length() == 0 ? "" : ": " + shown;
  }

  private String encodedSerial() {
    return URLEncoder.encode(serialNumber, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
