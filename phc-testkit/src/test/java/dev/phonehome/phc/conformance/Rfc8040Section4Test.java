package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.DEVICES;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.REPORT;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Credentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 8040 section 4 (methods and resources) with the message encoding rules they rely on (section 5.2:
 * Content-Type for request bodies, Accept for answers), as phc's server answers them over real HTTPS.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8040Section4Test {
  private static final TestPki PKI = TestPki.create();
  private static final String INPUT = "{\"ietf-sztp-bootstrap-server:input\":{\"hw-model\":\"ex4300\"}}";
  private Wire wire;

  @BeforeEach
  void start() {
    wire = Wire.start(PKI, Records.records(), PhoneHomeServer.builder().authenticator(Records.secrets()));
  }

  @AfterEach
  void stop() {
    wire.close();
  }

  @Test
  void operationsAreInvokedWithPostOtherMethodsAre405WithAllow() throws IOException {
    for (String method : new String[] {"GET", "PUT", "DELETE"}) {
      Wire.Answer a = wire.send(method, GET_DATA, Map.of("Authorization", Credentials.basic(DEVICE, SECRET),
          "Accept", JSON), null, null);
      assertThat(a.status()).as(method).isEqualTo(405);
      assertThat(a.header("Allow")).isEqualTo("POST");
      assertThat(a.error().errorTag()).isEqualTo("operation-not-supported");
    }
  }

  @Test
  void unknownOperationIs404() throws IOException {
    Wire.Answer a = wire.post("restconf/operations/ietf-sztp-bootstrap-server:get-everything", JSON, JSON, INPUT,
        DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.error().errorTag()).isEqualTo("invalid-value");
  }

  @Test
  void requestBodyWithoutContentTypeIs415() throws IOException {
    Wire.Answer a = wire.post(GET_DATA, null, JSON, INPUT, DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(415);
    assertThat(a.header("Content-Type")).isEqualTo(JSON);
    assertThat(a.error().errorMessage()).contains("needs a Content-Type");
  }

  @Test
  void operationWithoutInputNeedsNoContentType() throws IOException {
    Wire.Answer a = wire.post(GET_DATA, null, JSON, null, DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).isEqualTo(JSON);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/yang-data+cbor"})
  void unsupportedContentTypeIs415(String contentType) throws IOException {
    Wire.Answer a = wire.post(REPORT, contentType, JSON, "x", DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(415);
    assertThat(a.error().errorMessage()).contains("unsupported Content-Type");
  }

  @ParameterizedTest
  @CsvSource({
      "application/yang-data+json, application/yang-data+json",
      "application/yang-data+xml, application/yang-data+xml",
      "'application/yang-data+xml;q=0.5, application/yang-data+json', application/yang-data+json",
      "'application/*', application/yang-data+json",
      "'*/*', application/yang-data+json",
      "application/yang.data+xml, application/yang-data+xml"})
  void acceptChoosesTheAnswerEncodingWithQualityValues(String accept, String answered) throws IOException {
    Wire.Answer a = wire.post(GET_DATA, JSON, accept, INPUT, DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).isEqualTo(answered);
  }

  @Test
  void withoutAcceptTheAnswerFollowsTheRequestContentType() throws IOException {
    Wire.Answer a = wire.post(GET_DATA, XML, null,
        "<input xmlns=\"urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server\"/>", DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).isEqualTo(XML);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/html", "application/yang-data+json;q=0, application/yang-data+xml;q=0",
      "application/cbor"})
  void unacceptableAcceptIs406(String accept) throws IOException {
    Wire.Answer a = wire.post(GET_DATA, JSON, accept, INPUT, DEVICE, SECRET);
    assertThat(a.status()).isEqualTo(406);
    assertThat(a.text()).contains("ietf-restconf:errors").doesNotContain("conveyed-information");
  }

  @Test
  void juniperDataResourceAnswersXmlOnlyAndRefusesJsonOnlyAccept() throws IOException {
    Map<String, String> auth = Map.of("Authorization", Credentials.basic(DEVICE, ""), "Accept", JSON);
    Wire.Answer a = wire.send("GET", DEVICES + DEVICE, auth, null, null);
    assertThat(a.status()).isEqualTo(406);
    assertThat(a.header("Content-Type")).isEqualTo(XML);
  }
}
