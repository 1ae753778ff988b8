package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.REPORT;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.core.internal.codec.RestconfErrors;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.core.server.ServerLimits;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** RFC 8040 section 7, error reporting, as phc's server answers errors over real HTTPS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8040Section7Test {
  private static final TestPki PKI = TestPki.create();
  private static final String NS = "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server";
  private Wire wire;

  @BeforeEach
  void start() {
    wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().authenticator(Records.secrets())
        .limits(ServerLimits.DEFAULT.withMaxRequestBodyBytes(4096)));
  }

  @AfterEach
  void stop() {
    wire.close();
  }

  @Test
  void errorBodyFollowsTheRequestsAcceptNotItsContentType() throws IOException {
    Wire.Answer json = wire.post(REPORT, XML, JSON, "<input xmlns=\"" + NS + "\"><progress-type>nope</progress-type>"
        + "</input>", DEVICE, SECRET);
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.header("Content-Type")).isEqualTo(JSON);
    assertThat(json.text()).startsWith("{\n  \"ietf-restconf:errors\"");
    Wire.Answer xml = wire.post(REPORT, JSON, XML, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"nope\"}}",
        DEVICE, SECRET);
    assertThat(xml.header("Content-Type")).isEqualTo(XML);
    assertThat(xml.text()).contains("<errors xmlns=\"urn:ietf:params:xml:ns:yang:ietf-restconf\">");
  }

  @Test
  void errorPathIsAnInstanceIdentifierInJson() throws IOException {
    Wire.Answer a = wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
        + "\"bootstrap-complete\",\"ssh-host-keys\":{\"ssh-host-key\":[{\"algorithm\":\"ssh-rsa\",\"key-data\":"
        + "\"AAAA\"},{\"algorithm\":\"ssh-rsa\"}]}}}", DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.error().errorPath())
        .isEqualTo("/ietf-sztp-bootstrap-server:input/ssh-host-keys/ssh-host-key[2]");
  }

  @Test
  void errorPathIsAnInstanceIdentifierWithDeclaredPrefixesInXml() throws IOException {
    Wire.Answer a = wire.post(GET_DATA, XML, XML, "<input xmlns=\"" + NS + "\"><nonce>AAAA</nonce></input>", DEVICE,
        SECRET);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.text()).contains("<error-path xmlns:sztp-svr=\"" + NS + "\">/sztp-svr:input/sztp-svr:nonce</error-path>");
  }

  @Test
  void valueConstraintFailuresAreInvalidValueSyntaxErrorsMalformedMessage() throws IOException {
    Wire.Answer constraint = wire.post(REPORT, JSON, JSON,
        "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":\"rebooting\"}}", DEVICE, SECRET);
    assertThat(constraint.error().errorTag()).isEqualTo("invalid-value");
    Wire.Answer syntax = wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{", DEVICE, SECRET);
    assertThat(syntax.status()).isEqualTo(400);
    assertThat(syntax.error().errorTag()).isEqualTo("malformed-message");
    Wire.Answer wrongType = wire.post(REPORT, JSON, JSON,
        "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":42}}", DEVICE, SECRET);
    assertThat(wrongType.error().errorTag()).isEqualTo("malformed-message");
  }

  @Test
  void errorMessageNamesThePathOnceTheErrorPathCarriesIt() throws IOException {
    Wire.Answer a = wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":42}}",
        DEVICE, SECRET);
    RestconfErrors.RestconfError e = a.error();
    assertThat(e.errorMessage()).isEqualTo("expected a string but was the number 42");
    assertThat(e.errorPath()).isEqualTo("/ietf-sztp-bootstrap-server:input/progress-type");
  }

  @Test
  void serviceUnavailableNeverSaysResourceDenied() throws IOException, InterruptedException {
    // One request in flight at a time: the report below is admitted, so force 503 through the overload path of
    // a server whose limit is already taken by a request that never finishes its body.
    wire.close();
    wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().authenticator(Records.secrets())
        .limits(ServerLimits.DEFAULT.withMaxConcurrentRequests(1)));
    java.util.concurrent.CountDownLatch inHandler = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.io.InputStream slowBody = new java.io.InputStream() {
      @Override
      public int read() throws IOException {
        inHandler.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        return -1;
      }
    };
    Thread t = new Thread(() -> wire.server.handler().handle(dev.phonehome.phc.core.server.ServerRequest
        .builder("POST", "/" + REPORT).addHeader("Authorization", okhttp3.Credentials.basic(DEVICE, SECRET))
        .addHeader("Content-Type", JSON).body(slowBody, -1).build()));
    t.start();
    try {
      assertThat(inHandler.await(20, TimeUnit.SECONDS)).isTrue();
      Wire.Answer a = wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
          + "\"informational\"}}", DEVICE, SECRET);
      assertThat(a.status()).isEqualTo(503);
      assertThat(a.header("Retry-After")).isEqualTo("1");
      assertThat(a.error().errorTag()).isEqualTo("operation-failed").isNotEqualTo("resource-denied");
      assertThat(a.header("Content-Type")).isEqualTo(JSON);
    } finally {
      release.countDown();
      t.join(20_000);
    }
  }

  @Test
  void unauthorizedCarriesWwwAuthenticateAndAccessDenied() throws IOException {
    Wire.Answer a = wire.post(GET_DATA, JSON, JSON, null, DEVICE, "wrong");
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.header("WWW-Authenticate")).startsWith("Basic realm=");
    assertThat(a.error().errorTag()).isEqualTo("access-denied");
    assertThat(a.error().errorType()).isEqualTo("protocol");
  }

  @Test
  void requestTooBigIs413TooBig() throws IOException {
    Wire.Answer a = wire.post(REPORT, JSON, JSON, "{\"ietf-sztp-bootstrap-server:input\":{\"progress-type\":"
        + "\"informational\",\"message\":\"" + "x".repeat(8000) + "\"}}", DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.error().errorTag()).isEqualTo("too-big");
  }
}
