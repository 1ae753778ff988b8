package dev.phonehome.phc.core.server;

import static dev.phonehome.phc.core.server.Fixtures.SERIAL_A;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests a hostile or broken client sends: each gets a RESTCONF error, never data, never a crash. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileRequestsTest {
  private static final String DEVICES = "/restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  private static final String AUTH_A = "Basic " + Base64.getEncoder().encodeToString((SERIAL_A + ":").getBytes(StandardCharsets.UTF_8));
  private final TestTls tls = new TestTls();
  private PhoneHomeServer server;
  private PhoneHomeHandler handler;

  @BeforeEach
  void start() {
    server = PhoneHomeServer.builder()
        .records(Fixtures.records())
        .sslContext(tls.serverContext())
        .limits(LIMITS)
        .build();
    handler = server.handler();
  }

  private static final ServerLimits LIMITS =
      ServerLimits.DEFAULT.withMaxRequestBodyBytes(4096).withIdleTimeout(Duration.ofSeconds(2));

  /**
   * Starts the server for an over-the-wire test with the JDK's TLS (an SSLContext) or with BoringSSL (a
   * KeyManagerFactory: the default engine path, whose records are gathered differently).
   */
  private void startOver(String tlsImplementation) {
    if (tlsImplementation.equals("BoringSSL")) {
      server = PhoneHomeServer.builder().records(Fixtures.records()).keyManagerFactory(tls.serverKeyManagerFactory())
          .limits(LIMITS).build();
    }
    server.start();
    if (!server.tlsImplementation().equals(tlsImplementation) && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(tlsImplementation + " TLS is not available on this CI machine");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(server.tlsImplementation().equals(tlsImplementation),
        tlsImplementation + " TLS does not load on this platform");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static ServerRequest.Builder get(String rawPath) {
    return ServerRequest.builder("GET", rawPath).addHeader("Authorization", AUTH_A);
  }

  private static ServerRequest notification(String body, long contentLength) {
    return ServerRequest.builder("POST", DEVICES + SERIAL_A + "/notification")
        .addHeader("Authorization", AUTH_A)
        .addHeader("Content-Type", "application/yang-data+xml")
        .body(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), contentLength)
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../PE3714100218", "%2E%2E", "PE37%2F..%2Fetc", "%2Fetc%2Fpasswd", "a%00b",
      "PE37%0A14", "a b", "%zz", "%", ".hidden", "PE3714100218%2F", "\u00e9t\u00e9"})
  void pathTricksInTheSerialAre400(String key) {
    ServerResponse r = handler.handle(get(DEVICES + key).build());
    assertThat(r.status()).as(key).isEqualTo(400);
    assertThat(r.bodyText()).contains("ietf-restconf").contains("not a valid serial number");
  }

  @Test
  void veryLongSerialIs400() {
    ServerResponse r = handler.handle(get(DEVICES + "A".repeat(100_000)).build());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).contains("chars)");
  }

  @Test
  void declaredOversizedBodyIs413WithoutReadingIt() {
    InputStream neverRead = new InputStream() {
      @Override
      public int read() {
        throw new AssertionError("the body must not be read");
      }
    };
    ServerResponse r = handler.handle(ServerRequest.builder("POST", DEVICES + SERIAL_A + "/notification")
        .addHeader("Authorization", AUTH_A).body(neverRead, 10_000_000).build());
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.bodyText()).contains("too-big").contains("10000000");
  }

  @Test
  void chunkedOversizedBodyIsCutOffAtTheLimit() {
    long[] read = {0};
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        read[0]++;
        return 'x';
      }
    };
    ServerResponse r = handler.handle(ServerRequest.builder("POST", DEVICES + SERIAL_A + "/notification")
        .addHeader("Authorization", AUTH_A).body(endless, -1).build());
    assertThat(r.status()).isEqualTo(413);
    assertThat(read[0]).isLessThanOrEqualTo(4096 * 2 + 1);
  }

  @Test
  void malformedXmlIs400AndStoresNothing() {
    ServerResponse r = handler.handle(notification("<notification><notification-type>bootstr", -1));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).contains("malformed-message");
    assertThat(server.progress().timeline(SERIAL_A)).isEmpty();
  }

  @Test
  void xxeIsRefusedAndNothingIsExpanded() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE n [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<notification><notification-type>informational</notification-type><message>&x;</message></notification>";
    ServerResponse r = handler.handle(notification(xxe, -1));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).doesNotContain("root:");
    assertThat(server.progress().timeline(SERIAL_A)).isEmpty();
  }

  @Test
  void notificationWithoutTypeIs400() {
    ServerResponse r = handler.handle(notification("<notification><message>hi</message></notification>", -1));
    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void unknownRpcIs404() {
    ServerResponse r = handler.handle(ServerRequest.builder("POST",
        "/restconf/operations/ietf-sztp-bootstrap-server:format-disk").addHeader("Authorization", AUTH_A)
        .addHeader("Content-Type", "application/yang-data+json").build());
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).isEqualTo("application/yang-data+json");
    assertThat(r.bodyText()).contains("unknown operation").contains("format-disk");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() {
    assertThat(handler.handle(get("/etc/passwd").build()).status()).isEqualTo(404);
    assertThat(handler.handle(get(DEVICES + SERIAL_A + "/secrets").build()).status()).isEqualTo(404);
    ServerResponse r = handler.handle(ServerRequest.builder("DELETE", DEVICES + SERIAL_A)
        .addHeader("Authorization", AUTH_A).build());
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.headers()).containsEntry("Allow", "GET");
  }

  @Test
  void garbageAuthorizationIs401() {
    ServerResponse r = handler.handle(ServerRequest.builder("GET", DEVICES + SERIAL_A)
        .addHeader("Authorization", "Basic !!!not-base64!!!").build());
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void jsonOnlyAcceptOnJuniperPathIs406() {
    ServerResponse r = handler.handle(get(DEVICES + SERIAL_A).addHeader("Accept", "application/yang-data+json").build());
    assertThat(r.status()).isEqualTo(406);
  }

  @Test
  void tooManyConcurrentRequestsAre503WithRetryAfter() throws Exception {
    PhoneHomeServer tiny = PhoneHomeServer.builder().records(Fixtures.records())
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(1)).build();
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    InputStream blocking = new InputStream() {
      @Override
      public int read() throws IOException {
        inside.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        return -1;
      }
    };
    Thread t = new Thread(() -> tiny.handler().handle(ServerRequest.builder("POST", DEVICES + SERIAL_A + "/notification")
        .addHeader("Authorization", AUTH_A).body(blocking, -1).build()));
    t.start();
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    ServerResponse r = tiny.handler().handle(get(DEVICES + SERIAL_A).build());
    release.countDown();
    t.join(10_000);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.headers()).containsEntry("Retry-After", "1");
    assertThat(tiny.handler().handle(get(DEVICES + SERIAL_A).build()).status()).isEqualTo(200);
  }

  // ---- over the wire: what a raw client can send that OkHttp would normalise ----------------------------

  private String rawExchange(String requestHead, byte[] body) throws IOException {
    try (SSLSocket s = (SSLSocket) tls.clientContext().getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(requestHead.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "BoringSSL"})
  void dotDotAndEncodedSlashOnTheWireAre400WithRestconfBody(String tlsImplementation) throws IOException {
    startOver(tlsImplementation);
    for (String key : new String[] {"..%2F..%2Fetc%2Fpasswd", "%2E%2E", "PE37%2F14"}) {
      String resp = rawExchange("GET " + DEVICES + key + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + AUTH_A
          + "\r\nConnection: close\r\n\r\n", new byte[0]);
      assertThat(resp).as(key).startsWith("HTTP/1.1 400").contains("ietf-restconf").contains("not a valid serial");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "BoringSSL"})
  void oversizedBodyOnTheWireIs413(String tlsImplementation) throws IOException {
    startOver(tlsImplementation);
    byte[] big = new byte[5000];
    java.util.Arrays.fill(big, (byte) 'x');
    String resp = rawExchange("POST " + DEVICES + SERIAL_A + "/notification HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: " + AUTH_A + "\r\nContent-Type: application/yang-data+xml\r\nContent-Length: 5000\r\n"
        + "Connection: close\r\n\r\n", big);
    assertThat(resp).startsWith("HTTP/1.1 413").contains("too-big");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "BoringSSL"})
  void garbageRequestLineGetsRestconfErrorFromTheEngine(String tlsImplementation) throws IOException {
    startOver(tlsImplementation);
    String resp = rawExchange("GET /\u0001\u0002 HTTP/1.1\r\nHost: localhost\r\n\r\n", new byte[0]);
    assertThat(resp).startsWith("HTTP/1.1 400").contains("ietf-restconf");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JDK", "BoringSSL"})
  void slowClientThatStopsSendingIsDisconnectedAfterTheIdleTimeout(String tlsImplementation) throws IOException {
    startOver(tlsImplementation);
    try (SSLSocket s = (SSLSocket) tls.clientContext().getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), server.port())) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + DEVICES + SERIAL_A + "/notification HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
          + AUTH_A + "\r\nContent-Length: 100\r\n\r\n<notif").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      long start = System.nanoTime();
      byte[] all = s.getInputStream().readAllBytes(); // returns when the server closes
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMs).isBetween(1_000L, 12_000L);
      assertThat(new String(all, StandardCharsets.UTF_8)).doesNotContain("204");
    } catch (javax.net.ssl.SSLException | java.net.SocketException closed) {
      // closed abruptly: also a disconnect
    }
    assertThat(server.progress().timeline(SERIAL_A)).isEmpty();
  }
}
