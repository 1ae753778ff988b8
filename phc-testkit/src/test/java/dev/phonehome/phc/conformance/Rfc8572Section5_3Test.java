package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.DEVICES;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.server.ClientAuth;
import dev.phonehome.phc.core.server.DeviceAuthentication;
import dev.phonehome.phc.core.server.DeviceSecrets;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 8572 section 5.3, the initial connection: the device authenticates to the server (client certificate
 * and/or HTTP authentication; serial + empty password is not enough), and the Juniper dialect keeps what Junos
 * sends. Server side over real HTTPS, and the client's part (signed-data-preferred only where it cannot trust).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section5_3Test {
  private static final TestPki PKI = TestPki.create();
  private static final TestPki OTHER_MANUFACTURER = TestPki.builder().name("Other").build();
  private Wire wire;

  @AfterEach
  void stop() {
    if (wire != null) {
      wire.close();
    }
  }

  private void serve(DeviceAuthentication auth) {
    wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().authenticator(auth));
  }

  private Wire.Answer rfc(String user, String password) throws IOException {
    return wire.post(GET_DATA, null, JSON, null, user, password);
  }

  private Wire.Answer juniper(String serial, String password, String deviceCertificate) throws IOException {
    return wire.send("GET", DEVICES + serial, Map.of("Authorization", Credentials.basic(serial, password)), null,
        deviceCertificate);
  }

  @Test
  void serialWithEmptyPasswordIsNotEnoughForRfc8572() throws IOException {
    serve(DeviceAuthentication.builder().deviceSecrets(DeviceSecrets.of(Records.SECRETS)).build());
    Wire.Answer a = rfc(DEVICE, "");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.error().errorMessage()).contains("wrong secret");
    Wire.Answer unknown = rfc("PE0000000000", "");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.error().errorMessage()).contains("RFC 8572 section 5.3");
  }

  @Test
  void withNothingConfiguredNoRfc8572DeviceCanAuthenticateAndTheMessageSaysWhy() throws IOException {
    serve(DeviceAuthentication.defaults());
    Wire.Answer a = rfc(DEVICE, "");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.error().errorMessage())
        .isEqualTo("RFC 8572 devices must authenticate (section 5.3) and this server has neither device secrets"
            + " nor manufacturer CAs configured");
  }

  @Test
  void juniperDialectAcceptsSerialWithEmptyPasswordAsJunosSends() throws IOException {
    serve(DeviceAuthentication.defaults());
    assertThat(juniper(DEVICE, "", null).status()).isEqualTo(200);
  }

  @Test
  void perDeviceSecretAuthenticatesAndAWrongOneIs401() throws IOException {
    serve(DeviceAuthentication.builder().deviceSecrets(DeviceSecrets.of(Records.SECRETS)).build());
    assertThat(rfc(DEVICE, SECRET).status()).isEqualTo(200);
    Wire.Answer wrong = rfc(DEVICE, SECRET + "x");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("WWW-Authenticate")).startsWith("Basic");
  }

  @Test
  void deviceSecretIsRequiredInTheJuniperDialectTooSoItCannotBeBypassed() throws IOException {
    serve(DeviceAuthentication.builder().deviceSecrets(DeviceSecrets.of(Records.SECRETS)).build());
    assertThat(juniper(DEVICE, "", null).status()).isEqualTo(401);
    assertThat(juniper(DEVICE, SECRET, null).status()).isEqualTo(200);
  }

  @Test
  void idevidCertificateChainingToAManufacturerCaAuthenticatesWithoutASecret() throws IOException {
    serve(DeviceAuthentication.builder().manufacturerCas(List.of(PKI.manufacturerCa())).build());
    Wire.Answer a = wire.send("POST", GET_DATA, Map.of("Accept", JSON), null, DEVICE);
    assertThat(a.status()).isEqualTo(200);
    assertThat(Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(a.body()), Encoding.JSON,
        CodecLimits.DEFAULT).conveyedInformation()).isNotNull();
  }

  @Test
  void idevidSerialNumberIsBoundToTheBasicUsername() throws IOException {
    serve(DeviceAuthentication.builder().manufacturerCas(List.of(PKI.manufacturerCa())).build());
    Wire.Answer a = wire.send("POST", GET_DATA, Map.of("Accept", JSON,
        "Authorization", Credentials.basic(Records.REDIRECTED, "")), null, DEVICE);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.error().errorMessage())
        .isEqualTo("client certificate serial number '" + DEVICE + "' does not match Basic username '"
            + Records.REDIRECTED + "'");
  }

  @Test
  void certificateOfAnotherManufacturerDoesNotAuthenticate() throws Exception {
    // TLS accepts both manufacturers here; the authenticator trusts only the configured one.
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("a", PKI.manufacturerCa());
    ks.setCertificateEntry("b", OTHER_MANUFACTURER.manufacturerCa());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext serverCtx = SSLContext.getInstance("TLS");
    serverCtx.init(PKI.serverKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    PhoneHomeServer s = PhoneHomeServer.builder().records(Records.records()).sslContext(serverCtx)
        .clientAuth(ClientAuth.WANT)
        .authenticator(DeviceAuthentication.builder().manufacturerCas(List.of(PKI.manufacturerCa())).build())
        .build().start();
    SSLContext deviceCtx = SSLContext.getInstance("TLS");
    deviceCtx.init(OTHER_MANUFACTURER.deviceKeyManagers(DEVICE),
        new javax.net.ssl.TrustManager[] {PKI.clientTrustManager()}, new SecureRandom());
    try (okhttp3.Response r = new okhttp3.OkHttpClient.Builder()
        .sslSocketFactory(deviceCtx.getSocketFactory(), PKI.clientTrustManager())
        .build().newCall(new okhttp3.Request.Builder().url(s.url() + GET_DATA).header("Accept", JSON)
            .post(okhttp3.RequestBody.create(new byte[0], null)).build()).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("does not chain to a configured manufacturer CA");
    } finally {
      s.close();
    }
  }

  @Test
  void juniperDialectCanRequireAClientCertificate() throws IOException {
    serve(DeviceAuthentication.builder().manufacturerCas(List.of(PKI.manufacturerCa()))
        .juniperRequireClientCertificate().build());
    Wire.Answer none = juniper(DEVICE, "", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error().errorMessage()).contains("client certificate that chains to a manufacturer CA is required");
    assertThat(juniper(DEVICE, "", DEVICE).status()).isEqualTo(200);
    assertThat(juniper(Records.REDIRECTED, "", DEVICE).status()).isEqualTo(403);
  }

  @Test
  void juniperDialectCanBeTurnedOffSoIdevidOnlyDevicesCannotBeReadWithTheirSerial() throws IOException {
    serve(DeviceAuthentication.builder().manufacturerCas(List.of(PKI.manufacturerCa())).build());
    assertThat(juniper(DEVICE, "", null).status()).as("open by default: the bypass to close").isEqualTo(200);
    wire.close();
    serve(DeviceAuthentication.builder().manufacturerCas(List.of(PKI.manufacturerCa())).juniperDialect(false).build());
    Wire.Answer a = juniper(DEVICE, "", null);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.text()).doesNotContain("<unique-id>");
    assertThat(wire.send("POST", GET_DATA, Map.of("Accept", JSON), null, DEVICE).status()).isEqualTo(200);
  }

  @Test
  void juniperDialectCanRestrictSourceNetworks() throws IOException {
    serve(DeviceAuthentication.builder().juniperSourceNetworks(List.of("10.0.0.0/8", "2001:db8::/32")).build());
    Wire.Answer a = juniper(DEVICE, "", null);
    assertThat(a.status()).isEqualTo(403);
    assertThat(a.error().errorMessage()).contains("127.0.0.1").contains("not in the networks allowed");
    wire.close();
    serve(DeviceAuthentication.builder().juniperSourceNetworks(List.of("127.0.0.0/8")).build());
    assertThat(juniper(DEVICE, "", null).status()).isEqualTo(200);
  }

  @Test
  void deviceSendsSignedDataPreferredOnlyOnAConnectionItCannotTrust() throws Exception {
    // A server whose certificate the device cannot validate (another PKI's), asked provisionally.
    try (ScriptedHttpsServer untrusted = new ScriptedHttpsServer(OTHER_MANUFACTURER.serverSslContext());
        ScriptedHttpsServer trusted = new ScriptedHttpsServer(PKI.serverSslContext());
        Device device = Device.builder(PKI).verifier(PKI.verifier()).provisional().build()) {
      untrusted.script(r -> Reply.of(503, "text/plain", "busy"));
      trusted.script(r -> Reply.of(503, "text/plain", "busy"));
      BootstrapRequest asked = new BootstrapRequest(DEVICE, null, null, null, null, true);
      try {
        device.fetch(untrusted.url(), asked);
      } catch (RuntimeException expected) {
        // 503: only the request matters here
      }
      try {
        device.fetch(trusted.url(), asked);
      } catch (RuntimeException expected) {
        // 503
      }
      BootstrapRequest provisional = Rfc8572Codec.decodeBootstrapRequest(
          new ByteArrayInputStream(untrusted.take().body()), Encoding.JSON, DEVICE, CodecLimits.DEFAULT);
      assertThat(provisional.signedDataPreferred()).isTrue();
      assertThat(provisional.nonce()).isNotNull();
      BootstrapRequest authenticated = Rfc8572Codec.decodeBootstrapRequest(
          new ByteArrayInputStream(trusted.take().body()), Encoding.JSON, DEVICE, CodecLimits.DEFAULT);
      assertThat(authenticated.signedDataPreferred()).isFalse();
    }
  }

  @Test
  void deviceSendsItsActivationCodeAsTheBasicPassword() throws Exception {
    try (ScriptedHttpsServer server = new ScriptedHttpsServer(PKI.serverSslContext());
        Device device = Device.builder(PKI).password("A1B2-C3D4").build()) {
      server.script(r -> Reply.of(503, "text/plain", "busy"));
      try {
        device.fetch(server.url());
      } catch (RuntimeException expected) {
        // 503
      }
      assertThat(server.take().header("Authorization")).isEqualTo(Credentials.basic(DEVICE, "A1B2-C3D4"));
    }
  }
}
