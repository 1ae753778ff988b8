package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.OnboardingInformation;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every parser against hostile and broken input: each failure is a PhcProtocolException naming path and value. */
class CodecHostileInputTest {
  static final CodecLimits SMALL = new CodecLimits(1024, 1024);
  static final String J = "<device xmlns=\"" + JuniperXmlCodec.NAMESPACE + "\"><unique-id>S1</unique-id>";
  static final String OB = "{\"ietf-sztp-conveyed-info:onboarding-information\":";
  static final String OBX = "<onboarding-information xmlns=\"" + Rfc8572Codec.CONVEYED_NS + "\">";

  static InputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static PhcProtocolException protocolError(ThrowingCallable call, String path, String... messageParts) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(PhcProtocolException.class);
    PhcProtocolException p = (PhcProtocolException) t;
    assertThat(p.path()).isEqualTo(path);
    for (String part : messageParts) {
      assertThat(p.getMessage()).contains(part);
    }
    return p;
  }

  // --- XML attacks ------------------------------------------------------------------------------------------------

  @Test
  void juniperDeviceWithExternalEntityIsRefusedAndTheFileNeverRead(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("s"), "TOP-SECRET");
    String doc = "<!DOCTYPE device [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
        + "<device><unique-id>&x;</unique-id></device>";
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(doc), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("DOCTYPE")
        .hasMessageNotContaining("TOP-SECRET");
  }

  @Test
  void billionLaughsIsRefusedByEveryXmlReader() {
    String lol = SafeXmlTest.BILLION_LAUGHS;
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(lol), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> JuniperXmlCodec.decodeNotifications(in(lol), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> Rfc8572Codec.decodeConveyedInformation(b(lol), Encoding.XML, CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> Rfc8572Codec.decodeReportProgress(in(lol), Encoding.XML, CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> RestconfErrors.decode(in(lol), Encoding.XML, CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
  }

  @Test
  void externalDtdInRfcXmlIsRefused() {
    String doc = "<!DOCTYPE output SYSTEM \"http://127.0.0.1:1/x.dtd\"><output/>";
    assertThatThrownBy(() -> Rfc8572Codec.decodeBootstrappingData(in(doc), Encoding.XML, CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("DOCTYPE");
  }

  // --- size limits --------------------------------------------------------------------------------------------------

  @Test
  void endlessJuniperBodyIsCutAtTheStreamCap() {
    SafeXmlTest.Endless endless = new SafeXmlTest.Endless(J + "<unknown>");
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(endless, SMALL))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("body exceeds " + SMALL.streamCap() + " bytes");
    assertThat(endless.served).isLessThanOrEqualTo(SMALL.streamCap() + 1);
  }

  @Test
  void endlessJsonBodyIsCutAtTheStreamCap() {
    SafeXmlTest.Endless endless = new SafeXmlTest.Endless("{\"ietf-sztp-bootstrap-server:output\":{\"x\":\"");
    assertThatThrownBy(() -> Rfc8572Codec.decodeBootstrappingData(endless, Encoding.JSON, SMALL))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("body exceeds " + SMALL.streamCap() + " bytes");
    assertThat(endless.served).isLessThanOrEqualTo(SMALL.streamCap() + 1);
  }

  @Test
  void documentOverItsLimitWithoutConfigurationIsRefused() {
    String doc = J + "<boot-image><name>" + "n".repeat(2000) + "</name></boot-image></device>";
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(doc), SMALL))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessageContaining("body exceeds 1024 bytes");
  }

  @Test
  void configurationOverItsOwnLimitIsRefusedButALargeConfigurationWithinItIsFine() {
    String config = "<configuration><system><host-name>" + "h".repeat(2000) + "</host-name></system></configuration>";
    String doc = J + "<configuration><config>" + config + "</config></configuration></device>";
    protocolError(() -> JuniperXmlCodec.decodeDevice(in(doc), new CodecLimits(1024, 1000)),
        "/device/configuration/config/configuration", "configuration exceeds 1000 bytes");
    // The same configuration passes with a document limit far below its size: it has its own limit.
    var device = JuniperXmlCodec.decodeDevice(in(doc), new CodecLimits(1024, 4096));
    assertThat(((OnboardingInformation) device.conveyedInformation()).configuration()).isEqualTo(Bytes.utf8(config));
  }

  @Test
  void rfcConfigurationOverItsLimitIsRefused() {
    String doc = OB + "{\"configuration\":\"" + Bytes.of(new byte[1500]).base64() + "\"}}";
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(doc), Encoding.JSON, SMALL),
        "$.ietf-sztp-conveyed-info:onboarding-information.configuration", "exceeds 1024 bytes");
  }

  // --- malformed and truncated --------------------------------------------------------------------------------------

  @Test
  void malformedAndTruncatedXmlAreProtocolErrors() {
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(J + "<boot-image></device>"), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class).hasMessageContaining("malformed XML");
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(J + "<boot-image><name>x"), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(""), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class);
    assertThatThrownBy(() -> JuniperXmlCodec.decodeNotifications(in("<notification><notification-type>x"),
        CodecLimits.DEFAULT)).isInstanceOf(PhcProtocolException.class);
  }

  @Test
  void malformedAndTruncatedJsonAreProtocolErrors() {
    assertThatThrownBy(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"boot-image\": {]}}"), Encoding.JSON,
        CodecLimits.DEFAULT)).isInstanceOf(PhcProtocolException.class).hasMessageContaining("malformed JSON");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"boot-image\": {\"os-name\": \"x\""),
        Encoding.JSON, CodecLimits.DEFAULT), "$.ietf-sztp-conveyed-info:onboarding-information.boot-image.os-name",
        "truncated JSON");
    assertThatThrownBy(() -> Rfc8572Codec.decodeReportProgress(in("{\"ietf-sztp-bootstrap-server:input\":{}} x"),
        Encoding.JSON, CodecLimits.DEFAULT)).isInstanceOf(PhcProtocolException.class);
  }

  // --- wrong types, missing leaves, unknown enums ------------------------------------------------------------------

  @Test
  void wrongJsonTypeNamesThePathAndValue() {
    String doc = OB + "{\"boot-image\":{\"image-verification\":[{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\","
        + "\"hash-value\":5}]}}}";
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(doc), Encoding.JSON, CodecLimits.DEFAULT),
        "$.ietf-sztp-conveyed-info:onboarding-information.boot-image.image-verification[0].hash-value",
        "expected a string but was the number 5");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"boot-image\":[]}}"), Encoding.JSON,
        CodecLimits.DEFAULT), "$.ietf-sztp-conveyed-info:onboarding-information.boot-image",
        "expected an object but was an array");
    protocolError(() -> Rfc8572Codec.decodeBootstrapRequest(
            in("{\"ietf-sztp-bootstrap-server:input\":{\"signed-data-preferred\":true}}"), Encoding.JSON, "S",
            CodecLimits.DEFAULT), "$.ietf-sztp-bootstrap-server:input.signed-data-preferred",
        "expected [null] (an empty leaf) but was the boolean true");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b("{\"ietf-sztp-conveyed-info:redirect-information\":"
            + "{\"bootstrap-server\":[{\"address\":\"a\",\"port\":\"443\"}]}}"), Encoding.JSON, CodecLimits.DEFAULT),
        "$.ietf-sztp-conveyed-info:redirect-information.bootstrap-server[0].port",
        "expected a number but was the string '443'");
  }

  @Test
  void missingConveyedInformationIsRefused() {
    for (Encoding e : Encoding.values()) {
      String doc = e == Encoding.JSON
          ? "{\"ietf-sztp-bootstrap-server:output\":{\"reporting-level\":\"verbose\"}}"
          : "<output xmlns=\"" + Rfc8572Codec.BOOTSTRAP_NS + "\"><reporting-level>verbose</reporting-level></output>";
      protocolError(() -> Rfc8572Codec.decodeBootstrappingData(in(doc), e, CodecLimits.DEFAULT),
          e == Encoding.JSON ? "$.ietf-sztp-bootstrap-server:output" : "/output", "missing conveyed-information");
    }
  }

  @Test
  void ownerCertificateWithoutVoucherIsRefused() {
    String doc = "{\"ietf-sztp-bootstrap-server:output\":{\"conveyed-information\":\"AAAA\",\"owner-certificate\":\"AAAA\"}}";
    protocolError(() -> Rfc8572Codec.decodeBootstrappingData(in(doc), Encoding.JSON, CodecLimits.DEFAULT),
        "$.ietf-sztp-bootstrap-server:output", "got only owner-certificate");
  }

  @Test
  void missingProgressTypeAndMissingUniqueIdAreRefused() {
    protocolError(() -> Rfc8572Codec.decodeReportProgress(in("{\"ietf-sztp-bootstrap-server:input\":{\"message\":\"m\"}}"),
        Encoding.JSON, CodecLimits.DEFAULT), "$.ietf-sztp-bootstrap-server:input", "missing progress-type");
    protocolError(() -> JuniperXmlCodec.decodeDevice(in("<device/>"), CodecLimits.DEFAULT), "/device",
        "missing unique-id");
  }

  @Test
  void unknownEnumValuesNameThePathAndValue() {
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"configuration-handling\":\"overwrite\"}}"),
        Encoding.JSON, CodecLimits.DEFAULT), "$.ietf-sztp-conveyed-info:onboarding-information.configuration-handling",
        "invalid configuration-handling 'overwrite'");
    protocolError(() -> Rfc8572Codec.decodeBootstrappingData(in("{\"ietf-sztp-bootstrap-server:output\":"
            + "{\"reporting-level\":\"chatty\",\"conveyed-information\":\"AAAA\"}}"), Encoding.JSON, CodecLimits.DEFAULT),
        "$.ietf-sztp-bootstrap-server:output.reporting-level", "invalid reporting-level 'chatty'");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"boot-image\":{\"image-verification\":"
            + "[{\"hash-algorithm\":\"ietf-sztp-conveyed-info:crc-32\",\"hash-value\":\"00:01\"}]}}}"), Encoding.JSON,
            CodecLimits.DEFAULT),
        "$.ietf-sztp-conveyed-info:onboarding-information.boot-image.image-verification[0].hash-algorithm",
        "'ietf-sztp-conveyed-info:crc-32'");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OBX + "<configuration-handling>overwrite"
            + "</configuration-handling></onboarding-information>"), Encoding.XML, CodecLimits.DEFAULT),
        "/onboarding-information/configuration-handling", "'overwrite'");
    protocolError(() -> JuniperXmlCodec.decodeDevice(in(J + "<virtual-chassis><member><serial-number>A</serial-number>"
            + "</member><member><serial-number>B</serial-number><role>supervisor</role></member></virtual-chassis></device>"),
        CodecLimits.DEFAULT), "/device/virtual-chassis/member[2]/role", "invalid role 'supervisor'");
  }

  @Test
  void strictWithoutMembersIsAParsingErrorInEveryDialect() {
    protocolError(() -> JuniperXmlCodec.decodeDevice(in(J + "<virtual-chassis><provisioning-mode>strict"
            + "</provisioning-mode></virtual-chassis></device>"), CodecLimits.DEFAULT),
        "/device/virtual-chassis/provisioning-mode", "strict");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"phc-virtual-chassis:virtual-chassis\":"
            + "{\"provisioning-mode\":\"strict\"}}}"), Encoding.JSON, CodecLimits.DEFAULT),
        "$.ietf-sztp-conveyed-info:onboarding-information.phc-virtual-chassis:virtual-chassis.provisioning-mode",
        "strict");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OBX + "<virtual-chassis xmlns=\"" + Rfc8572Codec.PHC_VC_NS
            + "\"><provisioning-mode>strict</provisioning-mode></virtual-chassis></onboarding-information>"), Encoding.XML,
            CodecLimits.DEFAULT), "/onboarding-information/virtual-chassis/provisioning-mode", "strict");
  }

  // --- bad base64, bad hex -------------------------------------------------------------------------------------------

  @Test
  void badBase64NamesThePathAndValue() {
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"configuration\":\"not base64!\"}}"),
        Encoding.JSON, CodecLimits.DEFAULT), "$.ietf-sztp-conveyed-info:onboarding-information.configuration",
        "invalid base64 'not base64!'");
    protocolError(() -> JuniperXmlCodec.decodeDevice(in("<device><unique-id/><redirect-information><bootstrap-server>"
            + "<address>a</address><trust-anchor>%%%</trust-anchor></bootstrap-server></redirect-information></device>"),
        CodecLimits.DEFAULT), "/device/redirect-information/bootstrap-server[1]/trust-anchor", "'%%%'");
  }

  @Test
  void badColonHexNamesThePathAndValue() {
    String bad = "ba:ec:cf:zz";
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"boot-image\":{\"image-verification\":"
            + "[{\"hash-algorithm\":\"ietf-sztp-conveyed-info:sha-256\",\"hash-value\":\"" + bad + "\"}]}}}"),
            Encoding.JSON, CodecLimits.DEFAULT),
        "$.ietf-sztp-conveyed-info:onboarding-information.boot-image.image-verification[0].hash-value",
        "invalid hash-value '" + bad + "'");
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b(OBX + "<boot-image><image-verification>"
            + "<hash-algorithm>ietf-sztp-conveyed-info:sha-256</hash-algorithm><hash-value>abcd</hash-value>"
            + "</image-verification></boot-image></onboarding-information>"), Encoding.XML, CodecLimits.DEFAULT),
        "/onboarding-information/boot-image/image-verification[1]/hash-value", "'abcd'");
    protocolError(() -> JuniperXmlCodec.decodeDevice(in(J + "<boot-image><md5>xyz</md5></boot-image></device>"),
        CodecLimits.DEFAULT), "/device/boot-image/md5", "invalid md5 'xyz'");
    protocolError(() -> JuniperXmlCodec.decodeDevice(in(J + "<boot-image><sha1>00ff</sha1></boot-image></device>"),
        CodecLimits.DEFAULT), "/device/boot-image/sha1", "'00ff'", "20 bytes");
  }

  @Test
  void nonceOfTheWrongSizeIsRefused() {
    protocolError(() -> Rfc8572Codec.decodeBootstrapRequest(in("{\"ietf-sztp-bootstrap-server:input\":{\"nonce\":\"AAAA\"}}"),
        Encoding.JSON, "S", CodecLimits.DEFAULT), "$.ietf-sztp-bootstrap-server:input.nonce", "16 to 32 bytes");
  }

  @Test
  void wrongTopLevelNamesAreRefused() {
    protocolError(() -> Rfc8572Codec.decodeConveyedInformation(b("{\"onboarding-information\":{}}"), Encoding.JSON,
        CodecLimits.DEFAULT), "$.onboarding-information", "expected ietf-sztp-conveyed-info:onboarding-information");
    protocolError(() -> JuniperXmlCodec.decodeDevice(in("<devices/>"), CodecLimits.DEFAULT), "/devices",
        "expected root element <device>");
  }

  @Test
  void redirectAndOnboardingTogetherAreRefused() {
    protocolError(() -> JuniperXmlCodec.decodeDevice(in(J + "<boot-image/><redirect-information><bootstrap-server>"
        + "<address>a</address></bootstrap-server></redirect-information></device>"), CodecLimits.DEFAULT), "/device",
        "both");
  }

  @Test
  void rfcDialectRefusesToEncodeASecondScriptNamingTheField() {
    OnboardingInformation two = OnboardingInformation.builder()
        .addPostConfigurationScript(Bytes.utf8("a")).addPostConfigurationScript(Bytes.utf8("b")).build();
    assertThatThrownBy(() -> Rfc8572Codec.encodeConveyedInformation(two, Encoding.JSON))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("post-configuration-script");
  }

  @Test
  void incompleteMemberFieldsInANotificationAreRefused() {
    protocolError(() -> JuniperXmlCodec.decodeNotifications(in("<notification><notification-type>x</notification-type>"
        + "<member-id>11</member-id><serial-number>S</serial-number><role>backup</role></notification>"),
        CodecLimits.DEFAULT), "/notification/member-id", "'11'");
    protocolError(() -> JuniperXmlCodec.decodeNotifications(in("<notification><notification-type>x</notification-type>"
        + "<member-id>1</member-id></notification>"), CodecLimits.DEFAULT), "/notification",
        "member-id, serial-number and role");
  }

  // --- transport failures and tolerated variations ----------------------------------------------------------------

  /** A body that breaks off with an I/O error, as a dropped connection does. */
  static InputStream brokenAfter(String prefix) {
    return new java.io.SequenceInputStream(in(prefix), new InputStream() {
      @Override
      public int read() throws java.io.IOException {
        throw new java.io.IOException("connection reset");
      }
    });
  }

  @Test
  void aDroppedConnectionIsAnIoFailureNotABadDocument() {
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(brokenAfter(J + "<boot-image>"), CodecLimits.DEFAULT))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("connection reset");
    assertThatThrownBy(() -> JuniperXmlCodec.decodeNotifications(brokenAfter("<notification>"), CodecLimits.DEFAULT))
        .isInstanceOf(java.io.UncheckedIOException.class);
    assertThatThrownBy(() -> Rfc8572Codec.decodeBootstrappingData(brokenAfter("{\"ietf-sztp-bootstrap-server:output\":"),
        Encoding.JSON, CodecLimits.DEFAULT)).isInstanceOf(java.io.UncheckedIOException.class);
  }

  @Test
  void lineWrappedBase64IsAccepted() {
    String doc = "<output xmlns=\"" + Rfc8572Codec.BOOTSTRAP_NS + "\"><conveyed-information>\n    MIIBCgKC\n    AQEAwg==\n"
        + "  </conveyed-information></output>";
    assertThat(Rfc8572Codec.decodeBootstrappingData(in(doc), Encoding.XML, CodecLimits.DEFAULT).conveyedInformation())
        .isEqualTo(Bytes.fromBase64("MIIBCgKCAQEAwg=="));
  }

  @Test
  void unknownElementsAndMembersAreSkipped() {
    var device = JuniperXmlCodec.decodeDevice(in(J + "<vendor-extension><a><b/></a></vendor-extension></device>"),
        CodecLimits.DEFAULT);
    assertThat(device.conveyedInformation()).isEqualTo(OnboardingInformation.builder().build());
    var info = Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"x-vendor:thing\":{\"a\":[1,2,{}]}}}"), Encoding.JSON,
        CodecLimits.DEFAULT);
    assertThat(info).isEqualTo(OnboardingInformation.builder().build());
  }

  @Test
  void anEmptyGetBootstrappingDataBodyIsAnEmptyInput() {
    assertThat(Rfc8572Codec.decodeBootstrapRequest(in(" \n"), Encoding.JSON, "SN", CodecLimits.DEFAULT))
        .isEqualTo(dev.phonehome.phc.api.model.BootstrapRequest.of("SN"));
  }

  @Test
  void deeplyNestedDocumentsAreRefusedWithoutExhaustingTheStack() {
    String deep = "<device><unique-id/><redirect-information>" + "<a>".repeat(50_000) + "</a>".repeat(50_000)
        + "</redirect-information></device>";
    assertThatThrownBy(() -> JuniperXmlCodec.decodeDevice(in(deep), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class).hasMessageContaining("exceeds the limit \"500\"");
    assertThatThrownBy(() -> JuniperXmlCodec.decodeNotifications(in("<n>".repeat(50_000) + "</n>".repeat(50_000)),
        CodecLimits.DEFAULT)).isInstanceOf(PhcProtocolException.class).hasMessageContaining("maxElementDepth");
    assertThatThrownBy(() -> Rfc8572Codec.decodeConveyedInformation(b(OB + "{\"x\":" + "[".repeat(50_000)
        + "]".repeat(50_000) + "}}"), Encoding.JSON, CodecLimits.DEFAULT)).isInstanceOf(PhcProtocolException.class);
  }

  @Test
  void bootstrapServersAreFoundAtAnyDepthBelowRedirectInformation() {
    var device = JuniperXmlCodec.decodeDevice(in("<device><unique-id/><redirect-information><servers><group>"
        + "<bootstrap-server><address>a</address></bootstrap-server></group></servers><bootstrap-server>"
        + "<address>b</address><port>8443</port></bootstrap-server></redirect-information></device>"),
        CodecLimits.DEFAULT);
    assertThat(device.conveyedInformation()).isEqualTo(dev.phonehome.phc.api.model.RedirectInformation.of(
        new dev.phonehome.phc.api.model.BootstrapServer("a", null, null),
        new dev.phonehome.phc.api.model.BootstrapServer("b", 8443, null)));
  }
}
