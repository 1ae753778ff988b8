package dev.phonehome.phc.testkit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcTrustException;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.server.ProvisioningRecord;
import dev.phonehome.phc.core.internal.trust.DeviceIdentity;
import dev.phonehome.phc.core.internal.trust.TrustAnchors;
import dev.phonehome.phc.core.trust.ConveyedInformationSigner;
import dev.phonehome.phc.core.trust.ConveyedInformationVerifier.Verified;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationSigner;
import dev.phonehome.phc.core.trust.DefaultConveyedInformationVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The trust building blocks composed over real HTTPS on loopback, as RFC 8572 appendix B walks them: an
 * untrusted (provisional) request to a redirect server answered with signed redirect information carrying a
 * trust anchor, then a trusted request (client certificate presented and bound to the serial) to the PHS
 * the anchor authenticates. The JSON envelopes are written by hand here so that this test does not depend on
 * the codec; the engines do the same with the real codec.
 */
@Timeout(60)
class Rfc8572TrustFlowOverHttpsTest {
  private static final String PATH = "/restconf/operations/ietf-sztp-bootstrap-server:get-bootstrapping-data";
  private static final String SERIAL = "VJ3724AK0012";

  private final TestPki pki = TestPki.create();
  private final TestPki redirector = TestPki.builder().name("Redirector").build();
  private final List<HttpsServer> servers = new ArrayList<>();
  private final List<String> phsSeenSerials = new CopyOnWriteArrayList<>();
  private final DefaultConveyedInformationVerifier verifier = pki.verifier();
  /** The device knows no TLS anchor at first: the redirect server is reached provisionally. */
  private final TrustAnchors preconfigured = TrustAnchors.none();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private interface Answer {
    BootstrappingData answer(@Nullable byte[] nonce);
  }

  private int serve(TestPki tls, boolean needClientAuth, Answer answer) throws IOException {
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverSslContext()) {
      @Override
      public void configure(HttpsParameters params) {
        javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
        p.setNeedClientAuth(needClientAuth);
        params.setSSLParameters(p);
      }
    });
    server.createContext(PATH, exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (needClientAuth) {
          X509Certificate leaf = (X509Certificate) ((HttpsExchange) exchange).getSSLSession()
              .getPeerCertificates()[0];
          String user = basicUser(exchange.getRequestHeaders().getFirst("Authorization"));
          phsSeenSerials.add(DeviceIdentity.serialNumber(leaf, user));
        }
        String nonce = group("\"nonce\":\"([^\"]+)\"", body);
        BootstrappingData data = answer.answer(nonce == null ? null : Base64.getDecoder().decode(nonce));
        byte[] out = outputJson(data).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/yang-data+json");
        exchange.sendResponseHeaders(200, out.length);
        exchange.getResponseBody().write(out);
      } catch (RuntimeException e) {
        exchange.sendResponseHeaders(500, -1);
      }
    });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  private static @Nullable String basicUser(@Nullable String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return null;
    }
    String decoded = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
    return decoded.substring(0, decoded.indexOf(':'));
  }

  private static String outputJson(BootstrappingData d) {
    StringBuilder sb = new StringBuilder("{\"ietf-sztp-bootstrap-server:output\":{\"conveyed-information\":\"")
        .append(d.conveyedInformation().base64()).append('"');
    if (d.isSigned()) {
      sb.append(",\"owner-certificate\":\"").append(d.ownerCertificate().base64()).append('"');
      sb.append(",\"ownership-voucher\":\"").append(d.ownershipVoucher().base64()).append('"');
    }
    return sb.append("}}").toString();
  }

  private static @Nullable String group(String regex, String text) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private record Response(BootstrappingData data, List<X509Certificate> serverChain) {}

  private static Response post(SSLContext tls, int port, Bytes nonce) throws IOException {
    HttpsURLConnection c = (HttpsURLConnection) new URL("https://127.0.0.1:" + port + PATH).openConnection();
    c.setSSLSocketFactory(tls.getSocketFactory());
    c.setConnectTimeout(10_000);
    c.setReadTimeout(10_000);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setRequestProperty("Content-Type", "application/yang-data+json");
    c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(
        (SERIAL + ":secret").getBytes(StandardCharsets.UTF_8)));
    try (OutputStream out = c.getOutputStream()) {
      out.write(("{\"ietf-sztp-bootstrap-server:input\":{\"signed-data-preferred\":[null],\"nonce\":\""
          + nonce.base64() + "\"}}").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(c.getResponseCode()).isEqualTo(200);
    List<X509Certificate> chain = new ArrayList<>();
    for (Certificate cert : c.getServerCertificates()) {
      chain.add((X509Certificate) cert);
    }
    String body;
    try (InputStream in = c.getInputStream()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    c.disconnect();
    String owner = group("\"owner-certificate\":\"([^\"]+)\"", body);
    String voucher = group("\"ownership-voucher\":\"([^\"]+)\"", body);
    return new Response(new BootstrappingData(null, Bytes.fromBase64(group("\"conveyed-information\":\"([^\"]+)\"",
        body)), owner == null ? null : Bytes.fromBase64(owner), voucher == null ? null : Bytes.fromBase64(voucher)),
        chain);
  }

  private static SSLContext provisional(TrustAnchors anchors) throws Exception {
    return provisional(anchors, null);
  }

  private static SSLContext provisional(TrustAnchors anchors, javax.net.ssl.KeyManager @Nullable [] kms)
      throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kms, new TrustManager[] {anchors.provisionalTrustManager()}, new SecureRandom());
    return ctx;
  }

  private static Bytes nonce() {
    byte[] n = new byte[16];
    new SecureRandom().nextBytes(n);
    return Bytes.of(n);
  }

  private int startPhs() throws IOException {
    ConveyedInformationSigner unsigned = DefaultConveyedInformationSigner.unsigned();
    byte[] onboarding = "{\"ietf-sztp-conveyed-info:onboarding-information\":{\"boot-image\":{}}}"
        .getBytes(StandardCharsets.UTF_8);
    ProvisioningRecord record = new ProvisioningRecord(SERIAL,
        RedirectInformation.of(new BootstrapServer("127.0.0.1", null, null)), "1");
    return serve(pki, true, n -> unsigned.bootstrappingData(record, onboarding, Encoding.JSON, null, n));
  }

  private int startRedirector(int phsPort, boolean signed) throws IOException {
    byte[] redirect = ("{\"ietf-sztp-conveyed-info:redirect-information\":{\"bootstrap-server\":[{\"address\":"
        + "\"127.0.0.1\",\"port\":" + phsPort + ",\"trust-anchor\":\"" + pki.redirectTrustAnchor(Dialect.RFC8572)
        .base64() + "\"}]}}").getBytes(StandardCharsets.UTF_8);
    ProvisioningRecord record = new ProvisioningRecord(SERIAL,
        RedirectInformation.of(new BootstrapServer("127.0.0.1", phsPort, null)), "1");
    ConveyedInformationSigner signer = signed ? pki.signer() : DefaultConveyedInformationSigner.unsigned();
    return serve(redirector, false, n -> signer.bootstrappingData(record, redirect, Encoding.JSON, null, n));
  }

  @Test
  void untrustedRequestSignedRedirectWithAnchorThenTrustedOnboarding() throws Exception {
    int phs = startPhs();
    int redirectPort = startRedirector(phs, true);

    // 1. provisional connection to the redirect server, signed answer bound to our nonce
    Bytes nonce = nonce();
    Response r1 = post(provisional(preconfigured), redirectPort, nonce);
    boolean trusted1 = preconfigured.trusts(r1.serverChain());
    Verified redirect = verifier.verify(r1.data(), trusted1, nonce, SERIAL, Instant.now());
    assertThat(trusted1).isFalse();
    assertThat(redirect.trusted()).isTrue();

    // 2. the redirect is trusted, so its trust anchor is honoured
    String doc = new String(redirect.document().document(), StandardCharsets.UTF_8);
    int port = Integer.parseInt(group("\"port\":(\\d+)", doc));
    TrustAnchors learned = preconfigured.plus(TrustAnchors.fromRedirectTrustAnchor(
        Bytes.fromBase64(group("\"trust-anchor\":\"([^\"]+)\"", doc)), Dialect.RFC8572));

    // 3. strict TLS to the PHS with the device certificate; unsigned onboarding is fine from a trusted server
    Response r2 = post(learned.sslContext(pki.deviceKeyManagers(SERIAL)), port, nonce());
    boolean trusted2 = learned.trusts(r2.serverChain());
    Verified onboarding = verifier.verify(r2.data(), trusted2, null, SERIAL, Instant.now());

    assertThat(trusted2).isTrue();
    assertThat(onboarding.trusted()).isTrue();
    assertThat(new String(onboarding.document().document(), StandardCharsets.UTF_8))
        .startsWith("{\"ietf-sztp-conveyed-info:onboarding-information\"");
    assertThat(phsSeenSerials).containsExactly(SERIAL);
  }

  @Test
  void signedOnboardingDirectlyFromAnUntrustedServer() throws Exception {
    byte[] onboarding = "{\"ietf-sztp-conveyed-info:onboarding-information\":{}}".getBytes(StandardCharsets.UTF_8);
    ProvisioningRecord record = new ProvisioningRecord(SERIAL,
        RedirectInformation.of(new BootstrapServer("127.0.0.1", null, null)), "1");
    ConveyedInformationSigner signer = pki.signer();
    int port = serve(redirector, false, n -> signer.bootstrappingData(record, onboarding, Encoding.JSON, null, n));

    Bytes nonce = nonce();
    Response r = post(provisional(preconfigured), port, nonce);
    Verified v = verifier.verify(r.data(), preconfigured.trusts(r.serverChain()), nonce, SERIAL, Instant.now());

    assertThat(v.trusted()).isTrue();
    assertThat(v.document().document()).isEqualTo(onboarding);
  }

  @Test
  void unsignedRedirectIsFollowedButItsAnchorIsNotHonoured() throws Exception {
    int phs = startPhs();
    int redirectPort = startRedirector(phs, false);

    Response r1 = post(provisional(preconfigured), redirectPort, nonce());
    Verified redirect = verifier.verify(r1.data(), preconfigured.trusts(r1.serverChain()), null, SERIAL,
        Instant.now());
    assertThat(redirect.trusted()).isFalse();

    // the anchor is ignored: a strict connection with the preconfigured anchors fails...
    assertThatThrownBy(() -> post(preconfigured.sslContext(pki.deviceKeyManagers(SERIAL)), phs, nonce()))
        .isInstanceOf(SSLHandshakeException.class);
    // ...and a provisional one is untrusted, so the PHS's unsigned onboarding is refused
    Response r2 = post(provisional(preconfigured, pki.deviceKeyManagers(SERIAL)), phs, nonce());
    assertThatThrownBy(() -> verifier.verify(r2.data(), preconfigured.trusts(r2.serverChain()), null, SERIAL,
        Instant.now())).isInstanceOfSatisfying(PhcTrustException.class, e -> assertThat(e.reason())
            .isEqualTo(PhcTrustException.Reason.UNSIGNED_FROM_UNTRUSTED_SERVER));
  }
}
