package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.DEVICES;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.REPORT;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input over the network: every request goes through TLS to the real embedded server (raw TLS sockets
 * where an HTTP client would tidy the request up). Each gets a RESTCONF error, never data, never a crash, and
 * nothing is stored.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileInputOverHttpsTest {
  private static final TestPki PKI = TestPki.create();
  private static final String AUTH = Credentials.basic(DEVICE, SECRET);
  private final List<DeviceNotification> stored = new CopyOnWriteArrayList<>();
  private Wire wire;

  @BeforeEach
  void start() {
    wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().addProgressListener(stored::add)
        .limits(ServerLimits.DEFAULT.withMaxRequestBodyBytes(16 * 1024).withIdleTimeout(Duration.ofSeconds(5)))
        .authenticator(dev.phonehome.phc.core.server.DeviceAuthentication.builder()
            .deviceSecrets(dev.phonehome.phc.core.server.DeviceSecrets.of(Records.SECRETS)).build()));
  }

  @AfterEach
  void stop() {
    wire.close();
    assertThat(stored).as("nothing hostile is stored").isEmpty();
  }

  /** Sends raw bytes over TLS and returns the whole answer (the server closes or the read times out). */
  private String raw(String head, byte[] body) throws IOException {
    try (SSLSocket s = (SSLSocket) PKI.clientSslContext(null).getSocketFactory()
        .createSocket("127.0.0.1", wire.server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          got.write(buf, 0, n);
          if (got.toString(StandardCharsets.ISO_8859_1).contains("</errors>") || got.toString().contains("\n}\n")) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        // what came so far is the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  private Wire.Answer juniperNotification(String body) throws IOException {
    return wire.send("POST", DEVICES + DEVICE + "/notification", Map.of("Authorization", AUTH, "Content-Type", XML),
        body.getBytes(StandardCharsets.UTF_8), null);
  }

  @Test
  void externalEntityIsRefusedAndNothingIsRead() throws IOException {
    Wire.Answer a = juniperNotification("<?xml version=\"1.0\"?><!DOCTYPE n [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<notification><notification-type>informational</notification-type><message>&x;</message></notification>");
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.text()).doesNotContain("root:");
    Wire.Answer rfc = wire.post(REPORT, XML, XML, "<?xml version=\"1.0\"?><!DOCTYPE i [<!ENTITY x SYSTEM"
        + " \"file:///etc/hostname\">]><input xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\">"
        + "<progress-type>informational</progress-type><message>&x;</message></input>", DEVICE, SECRET);
    assertThat(rfc.status()).isEqualTo(400);
    assertThat(rfc.error().errorTag()).isEqualTo("malformed-message");
  }

  @Test
  void entityExpansionBombIsRefused() throws IOException {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE n [<!ENTITY a \"aaaaaaaaaa\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY ").append((char) ('a' + i)).append(" \"")
          .append(("&" + (char) ('a' + i - 1) + ";").repeat(10)).append("\">");
    }
    dtd.append("]>");
    Wire.Answer a = juniperNotification(dtd + "<notification><notification-type>informational</notification-type>"
        + "<message>&j;</message></notification>");
    assertThat(a.status()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[", "{\"a\":"})
  void deeplyNestedJsonIsRefusedQuickly(String level) throws IOException {
    Wire.Answer a = wire.post(REPORT, JSON, JSON, level.repeat(5000), DEVICE, SECRET);
    assertThat(a.status()).isIn(400, 413);
    assertThat(a.text()).contains("ietf-restconf:errors");
  }

  @Test
  void deeplyNestedXmlIsRefused() throws IOException {
    Wire.Answer a = juniperNotification("<a>".repeat(2000) + "</a>".repeat(2000));
    assertThat(a.status()).isIn(400, 413);
  }

  @Test
  void invalidUtf8IsRefused() throws IOException {
    byte[] body = "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"informational\",\"message\":\"\u0000\"}}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] bad = new byte[body.length + 2];
    System.arraycopy(body, 0, bad, 0, body.length);
    bad[body.length] = (byte) 0xC3;
    bad[body.length + 1] = (byte) 0x28;
    Wire.Answer a = wire.send("POST", REPORT, Map.of("Authorization", AUTH, "Content-Type", JSON, "Accept", JSON), bad,
        null);
    assertThat(a.status()).isEqualTo(400);
  }

  @Test
  void hugeNonceIsRefusedWithoutBeingHeld() throws IOException {
    String nonce = Base64.getEncoder().encodeToString(new byte[12_000]);
    Wire.Answer a = wire.post(GET_DATA, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"nonce\":\"" + nonce
        + "\"}}", DEVICE, SECRET);
    assertThat(a.status()).isIn(400, 413);
    assertThat(a.text()).doesNotContain("conveyed-information");
  }

  @Test
  void declaredOversizedBodyIs413WithoutTheServerWaitingForIt() throws IOException {
    String answer = raw("POST /" + REPORT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH
        + "\r\nContent-Type: application/yang-data+json\r\nContent-Length: 100000000\r\n\r\n", new byte[0]);
    assertThat(answer).startsWith("HTTP/1.1 413");
  }

  @Test
  void chunkedOversizedBodyIsCutOff() throws IOException {
    StringBuilder chunks = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      chunks.append("400\r\n").append("x".repeat(0x400)).append("\r\n");
    }
    chunks.append("0\r\n\r\n");
    String answer = raw("POST /" + REPORT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH
        + "\r\nContent-Type: application/yang-data+json\r\nTransfer-Encoding: chunked\r\n\r\n",
        chunks.toString().getBytes(StandardCharsets.US_ASCII));
    assertThat(answer).startsWith("HTTP/1.1 413");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..%2FRD0000000001", "%2E%2E", "PE3714100218%2F..%2F..", "%00", "PE37%0D%0AX:1"})
  void pathTricksInTheDeviceKeyAre400OverTheWire(String key) throws IOException {
    String answer = raw("GET /" + DEVICES + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH
        + "\r\nConnection: close\r\n\r\n", new byte[0]);
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).doesNotContain("<unique-id>");
  }

  @Test
  void veryLongSerialIsRefused() throws IOException {
    String answer = raw("GET /" + DEVICES + "A".repeat(60_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close"
        + "\r\n\r\n", new byte[0]);
    assertThat(answer).matches("(?s)HTTP/1.1 (400|414|431).*");
  }

  @Test
  void wrongJsonTypesAreRefusedNamingTheField() throws IOException {
    Wire.Answer a = wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
        + "\"informational\",\"message\":{\"x\":1}}}", DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorPath()).isEqualTo("/ietf-sztp-bootstrap-server:input/message");
  }
}
