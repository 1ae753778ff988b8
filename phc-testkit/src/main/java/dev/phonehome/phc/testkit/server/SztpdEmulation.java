package dev.phonehome.phc.testkit.server;

import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.server.AuthResult;
import dev.phonehome.phc.api.server.DeviceAuthenticator;
import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.jspecify.annotations.Nullable;

/**
 * {@link FakeServerProfile#SZTPD} on the RFC 8572 paths: sztpd's checks, in its order, around phc's core (which
 * encodes the answer and stores the notifications). See {@link FakeServerProfile#SZTPD} for the behaviours.
 */
final class SztpdEmulation {
  static final String JSON = "application/yang-data+json";
  static final String XML = "application/yang-data+xml";
  private static final Set<String> ACCEPTS = Set.of("*/*", "application/*", JSON, XML);

  /** The core behind this emulation authenticates nothing: sztpd's own checks ran before it. */
  static final DeviceAuthenticator ALREADY_CHECKED = c -> {
    if (c.basicUsername() != null) {
      return AuthResult.authenticated(c.basicUsername());
    }
    String fromCert = c.clientCertificates().isEmpty() ? null : serialOf(c.clientCertificates().get(0));
    return fromCert != null ? AuthResult.authenticated(fromCert) : AuthResult.rejected(401, "no credentials");
  };

  private final Map<String, ConveyedInformation> records;
  private final Map<String, String> activationCodes;

  SztpdEmulation(Map<String, ConveyedInformation> records, Map<String, String> activationCodes) {
    this.records = records;
    this.activationCodes = activationCodes;
  }

  /**
   * @param serve the core, with {@code enqueued} in force when one was enqueued
   */
  ServerResponse handle(ServerRequest request, byte[] body, @Nullable ConveyedInformation enqueued,
      Function<ServerRequest, ServerResponse> serve) {
    String who = authenticate(request, enqueued);
    if (who == null) {
      // sztpd: web.Response(status=401) with a JSON errors text (aiohttp labels it text/plain)
      return text(401, "{\"ietf-restconf:errors\": {\"error\": [{\"error-type\": \"protocol\", \"error-tag\":"
          + " \"access-denied\"}]}}");
    }
    boolean report = request.rawPath().equals(PhoneHomeHandler.REPORT_PROGRESS_PATH);
    String ct = request.header("Content-Type");
    String accept = request.header("Accept");
    boolean bodyExists = body.length > 0;
    if (report && ct == null) {
      return text(400, "Request missing the \"Content-Type\" header (RFC 8040, 5.2).");
    }
    if (bodyExists && ct == null) {
      return text(400, "Content-Type must be specified when request bodies are passed (auto-sensing not supported).");
    }
    if (ct != null && (bodyExists || report) && !ct.equals(JSON) && !ct.equals(XML)) {
      return text(415, "Content-Type, when specified, must be either \"application/yang-data+json\" or"
          + " \"application/yang-data+xml\".");
    }
    if (accept != null && !ACCEPTS.contains(accept)) {
      return text(406, "\"Accept, when specified, must be \"*/*\", \"application/*\", \"application/yang-data+json\","
          + " or \"application/yang-data+xml\".");
    }
    if (report) {
      if (!bodyExists) {
        return text(400, "Missing \"input\" document");
      }
      ServerResponse stored = serve.apply(request);
      return stored.status() == 204 ? stored : text(stored.status(), stored.bodyText());
    }
    String answerType = accept != null && (accept.equals(JSON) || accept.equals(XML)) ? accept : ct;
    if (answerType == null) {
      // request.headers['Content-Type'] with no such header: an unhandled KeyError
      return text(500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
    if (answerType.equals(XML)) {
      return text(501, "Unhandled exception: XML-based response not implemented yet...");
    }
    if (enqueued == null && !records.containsKey(who)) {
      return text(404, "No responses configured.");
    }
    ServerRequest.Builder json = ServerRequest.builder(request.method(), request.rawPath())
        .body(new java.io.ByteArrayInputStream(body), body.length)
        .peerCertificates(request.peerCertificates()).remoteAddress(request.remoteAddress());
    request.headers().forEach((k, vs) -> {
      if (!k.equals("accept")) {
        vs.forEach(v -> json.addHeader(k, v));
      }
    });
    json.addHeader("Accept", JSON);
    ServerResponse r = serve.apply(json.build());
    if (r.status() != 200) {
      return text(r.status(), r.bodyText());
    }
    // json.dumps(..., indent=4): phc's canonical JSON has two-space indentation, so twice the leading spaces.
    StringBuilder out = new StringBuilder();
    for (String line : r.bodyText().split("\n", -1)) {
      int n = 0;
      while (n < line.length() && line.charAt(n) == ' ') {
        n++;
      }
      out.append(" ".repeat(n * 2)).append(line.substring(n)).append('\n');
    }
    String b = out.toString().strip();
    return ServerResponse.of(200, JSON + "; charset=utf-8", b.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** sztpd's _check_auth: the serial the request names, or null (401). */
  private @Nullable String authenticate(ServerRequest request, @Nullable ConveyedInformation enqueued) {
    Set<String> ids = new HashSet<>();
    if (!request.peerCertificates().isEmpty()) {
      String s = serialOf(request.peerCertificates().get(0));
      if (s != null) {
        ids.add(s);
      }
    }
    String user = null;
    String password = null;
    String authorization = request.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
            StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        user = colon < 0 ? decoded : decoded.substring(0, colon);
        password = colon < 0 ? "" : decoded.substring(colon + 1);
        ids.add(user);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (ids.size() != 1) {
      return null;
    }
    String serial = ids.iterator().next();
    boolean known = enqueued != null || records.containsKey(serial) || activationCodes.containsKey(serial);
    if (!known) {
      return null;
    }
    String code = activationCodes.get(serial);
    if (code != null && (authorization == null || !code.equals(password))) {
      return null;
    }
    return serial;
  }

  private static @Nullable String serialOf(X509Certificate cert) {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    for (RDN rdn : name.getRDNs(BCStyle.SERIALNUMBER)) {
      if (rdn.getFirst() != null && rdn.getFirst().getValue() instanceof ASN1String s) {
        return s.getString();
      }
    }
    return null;
  }

  private static ServerResponse text(int status, String body) {
    return ServerResponse.of(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
