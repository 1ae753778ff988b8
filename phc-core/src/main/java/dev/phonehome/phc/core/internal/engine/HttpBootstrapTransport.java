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
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.MediaTypes;
import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.internal.trust.ConveyedInformationVerifier;
import dev.phonehome.phc.core.internal.trust.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManager;
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
  private final Map<String, OkHttpClient> anchoredClients = new ConcurrentHashMap<>();

  public HttpBootstrapTransport(OkHttpClient http, Dialect dialect, Encoding encoding, String serialNumber,
      String password, KeyManager @Nullable [] keyManagers, @Nullable ConveyedInformationVerifier verifier,
      Clock clock, CodecLimits limits) {
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
    boolean tlsTrusted = server.url().startsWith("https://");
    if (dialect == Dialect.JUNIPER) {
      Request r = new Request.Builder()
          .url(server.url() + JUNIPER_DEVICE_PATH + encodedSerial())
          .header("Authorization", Credentials.basic(serialNumber, password, StandardCharsets.UTF_8))
          .header("Accept", JUNIPER_ACCEPT)
          .get()
          .build();
      try (Response response = call(server, r)) {
        checkStatus(server, response);
        JuniperDevice device = JuniperXmlCodec.decodeDevice(response.body().byteStream(), limits);
        ConveyedInformation info = device.conveyedInformation();
        if (info instanceof OnboardingInformation && !device.uniqueId().equals(serialNumber)) {
          throw new PhcProtocolException("unique-id is " + device.uniqueId() + ", expected this device's serial "
              + serialNumber, "/device/unique-id", response.code(), null);
        }
        return accept(info, tlsTrusted, server);
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
    try (Response response = call(server, r)) {
      checkStatus(server, response);
      Encoding answered = MediaTypes.encodingOf(response.header("Content-Type")).orElse(encoding);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(response.body().byteStream(), answered, limits);
      ConveyedInformationCms.Unwrapped document;
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
      return accept(info, trusted, server);
    } catch (java.io.UncheckedIOException e) {
      throw new PhcTransportException("reading the answer of " + server.url() + " failed: " + e.getCause(), e);
    }
  }

  private Answer accept(ConveyedInformation info, boolean trusted, EngineState.Server server) {
    boolean labMode = verifier != null && verifier.labModeInsecure();
    if (info instanceof OnboardingInformation && !trusted && !labMode) {
      throw new PhcTrustException(PhcTrustException.Reason.UNSIGNED_FROM_UNTRUSTED_SERVER,
          "unsigned onboarding information from " + server.url() + ", which is not trusted");
    }
    return new Answer(info, trusted);
  }

  @Override
  public void report(EngineState.Server server, ProgressReport report) {
    if (!server.url().startsWith("https://")) {
      throw new PhcTrustException(PhcTrustException.Reason.SERVER_CERTIFICATE_UNTRUSTED,
          "notifications are only sent to trusted servers, not to " + server.url());
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
    try (Response response = call(server, r)) {
      int code = response.code();
      if (code == 200 || code == 201 || code == 204) {
        return;
      }
      checkStatus(server, response);
      throw new PhcProtocolException("unexpected HTTP " + code + " for a notification", null, code, null);
    }
  }

  private Response call(EngineState.Server server, Request request) {
    try {
      return clientFor(server).newCall(request).execute();
    } catch (IOException e) {
      throw new PhcTransportException(request.method() + " " + request.url() + " failed: " + e, e);
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
