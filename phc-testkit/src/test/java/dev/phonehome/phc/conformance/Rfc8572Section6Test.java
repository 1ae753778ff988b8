package dev.phonehome.phc.conformance;

import static dev.phonehome.phc.conformance.Records.DEVICE;
import static dev.phonehome.phc.conformance.Records.SECRET;
import static dev.phonehome.phc.conformance.Wire.GET_DATA;
import static dev.phonehome.phc.conformance.Wire.JSON;
import static dev.phonehome.phc.conformance.Wire.XML;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.conformance.ScriptedHttpsServer.Reply;
import dev.phonehome.phc.core.internal.codec.CodecLimits;
import dev.phonehome.phc.core.internal.codec.ConstraintViolation;
import dev.phonehome.phc.core.internal.codec.ConveyedInformationCms;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * RFC 8572 section 6, the conveyed information data model ({@code ietf-sztp-conveyed-info}): what phc's server
 * writes and what phc's client accepts, rule by rule.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Rfc8572Section6Test {
  private static final TestPki PKI = TestPki.create();
  private static final String NS = "urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info";
  private ScriptedHttpsServer foreign;

  @BeforeEach
  void start() throws IOException {
    foreign = new ScriptedHttpsServer(PKI.serverSslContext());
  }

  @AfterEach
  void stop() {
    foreign.close();
  }

  private static byte[] conveyedFromServer(OnboardingInformation info, Encoding enc) throws IOException {
    try (Wire wire = Wire.start(PKI, new InMemoryProvisioningRecords().put(DEVICE, info),
        PhoneHomeServer.builder().authenticator(Records.secrets()))) {
      Wire.Answer a = wire.post(GET_DATA, null, enc.mediaType(), null, DEVICE, SECRET);
      assertThat(a.status()).isEqualTo(200);
      BootstrappingData data = Rfc8572Codec.decodeBootstrappingData(new ByteArrayInputStream(a.body()), enc,
          CodecLimits.DEFAULT);
      return ConveyedInformationCms.unwrap(data.conveyedInformation()).document();
    }
  }

  @Test
  void identityrefPrefixesWeWriteInXmlAreDeclared() throws Exception {
    OnboardingInformation info = OnboardingInformation.builder().bootImage(BootImage.builder()
        .addDownloadUri("https://images.example.net/i.tgz")
        .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_256, "ab".repeat(32)))
        .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_512, "cd".repeat(64))).build()).build();
    byte[] xml = conveyedFromServer(info, Encoding.XML);
    // A namespace-aware parser that knows nothing of phc resolves every identityref prefix we wrote.
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    NodeList algorithms = doc.getElementsByTagNameNS(NS, "hash-algorithm");
    assertThat(algorithms.getLength()).isEqualTo(2);
    for (int i = 0; i < algorithms.getLength(); i++) {
      Element e = (Element) algorithms.item(i);
      String value = e.getTextContent();
      String prefix = value.substring(0, value.indexOf(':'));
      assertThat(e.lookupNamespaceURI(prefix)).as(value).isEqualTo(i == 0 ? NS
          : "urn:phc:params:xml:ns:yang:phc-conveyed-info");
    }
  }

  @Test
  void identityrefWithTheRfcExamplesUndeclaredPrefixIsAccepted() {
    foreign.script(r -> Reply.of(200, XML, Device.unsignedOutput("<onboarding-information xmlns=\"" + NS + "\">"
        + "<boot-image><download-uri>https://x/i</download-uri><image-verification>"
        + "<hash-algorithm>ietf-sztp-conveyed-info:sha-256</hash-algorithm><hash-value>" + Records.SHA256_HEX
        + "</hash-value></image-verification></boot-image></onboarding-information>", Encoding.XML, Encoding.XML)));
    try (Device device = Device.builder(PKI).encoding(Encoding.XML).build()) {
      OnboardingInformation info = (OnboardingInformation) device.fetch(foreign.url()).information();
      assertThat(info.bootImage().verifications()).extracting(ImageVerification::algorithm)
          .containsExactly(HashAlgorithm.SHA_256);
    }
  }

  @Test
  void identityrefPrefixDeclaredToAnotherModuleIsAnotherIdentity() {
    foreign.script(r -> Reply.of(200, XML, Device.unsignedOutput("<onboarding-information xmlns=\"" + NS + "\">"
        + "<boot-image><download-uri>https://x/i</download-uri><image-verification>"
        + "<hash-algorithm xmlns:v=\"urn:example:vendor-hashes\">v:sha-256</hash-algorithm><hash-value>"
        + Records.SHA256_HEX + "</hash-value></image-verification></boot-image></onboarding-information>",
        Encoding.XML, Encoding.XML)));
    try (Device device = Device.builder(PKI).encoding(Encoding.XML).build()) {
      assertThatThrownBy(() -> device.fetch(foreign.url())).isInstanceOf(ConstraintViolation.class)
          .hasMessageContaining("no usable image-verification");
    }
  }

  @Test
  void configurationHandlingIsWrittenWithConfigurationAndOnlyThen() throws IOException {
    OnboardingInformation noConfig = OnboardingInformation.builder()
        .configurationHandling(ConfigurationHandling.REPLACE).build();
    assertThat(new String(conveyedFromServer(noConfig, Encoding.JSON), java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("configuration");
    OnboardingInformation withConfig = noConfig.toBuilder().configuration(Bytes.utf8("<configuration/>")).build();
    assertThat(new String(conveyedFromServer(withConfig, Encoding.XML), java.nio.charset.StandardCharsets.UTF_8))
        .contains("<configuration-handling>replace</configuration-handling>");
  }

  @Test
  void configurationHandlingWithoutConfigurationIsRefused() {
    foreign.script(r -> Reply.of(200, JSON, Device.onboardingJson("\"configuration-handling\":\"replace\"")));
    try (Device device = Device.builder(PKI).build()) {
      assertThatThrownBy(() -> device.fetch(foreign.url()))
          .isInstanceOfSatisfying(ConstraintViolation.class, e -> {
            assertThat(e.errorTag()).isEqualTo("invalid-value");
            assertThat(e.path()).isEqualTo("$.ietf-sztp-conveyed-info:onboarding-information.configuration-handling");
          });
    }
  }

  @Test
  void configurationWithoutConfigurationHandlingIsRefused() {
    foreign.script(r -> Reply.of(200, JSON, Device.onboardingJson("\"configuration\":\"PGNvbmZpZ3VyYXRpb24vPg==\"")));
    try (Device device = Device.builder(PKI).build()) {
      assertThatThrownBy(() -> device.fetch(foreign.url()))
          .isInstanceOfSatisfying(ConstraintViolation.class, e -> assertThat(e.errorTag())
              .isEqualTo("missing-element"))
          .hasMessageContaining("configuration-handling is mandatory when configuration is given");
    }
  }

  @Test
  void recordsAreReadStrictlyAnUnknownHashAlgorithmIsAnError() {
    byte[] record = ("{\"ietf-sztp-conveyed-info:onboarding-information\":{\"boot-image\":{\"image-verification\":"
        + "[{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-265\",\"hash-value\":\"01\"}]}}}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> Rfc8572Codec.decodeConveyedInformation(record, Encoding.JSON, CodecLimits.DEFAULT))
        .isInstanceOf(ConstraintViolation.class)
        .hasMessageContaining("invalid hash-algorithm 'ietf-sztp-conveyed-info:sha-265'");
  }
}
