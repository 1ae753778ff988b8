package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.core.trust.ConveyedDocument;
import java.io.ByteArrayInputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any valid model value survives encode then decode, in every format. */
class CodecProperties {
  static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  @Property(tries = 200)
  void juniperDeviceSurvivesXml(@ForAll("juniperDevices") JuniperDevice device) {
    byte[] xml = JuniperXmlCodec.encodeDevice(device);
    JuniperDevice decoded = JuniperXmlCodec.decodeDevice(in(xml), CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(device);
    assertThat(JuniperXmlCodec.encodeDevice(decoded)).isEqualTo(xml);
  }

  @Property(tries = 200)
  void juniperNotificationSurvivesXml(@ForAll("juniperReports") ProgressReport report) {
    byte[] xml = JuniperXmlCodec.encodeNotification(report);
    assertThat(JuniperXmlCodec.decodeNotifications(in(xml), CodecLimits.DEFAULT)).containsExactly(report);
  }

  @Property(tries = 200)
  void conveyedInformationSurvivesRfcJsonAndXml(@ForAll("conveyed") ConveyedInformation info,
      @ForAll Encoding encoding) {
    byte[] doc = Rfc8572Codec.encodeConveyedInformation(info, encoding);
    ConveyedInformation decoded = Rfc8572Codec.decodeConveyedInformation(doc, encoding, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(info);
    assertThat(Rfc8572Codec.encodeConveyedInformation(decoded, encoding)).isEqualTo(doc);
  }

  @Property(tries = 200)
  void conveyedInformationSurvivesCmsWrapping(@ForAll("conveyed") ConveyedInformation info,
      @ForAll Encoding encoding) {
    byte[] doc = Rfc8572Codec.encodeConveyedInformation(info, encoding);
    Bytes cms = ConveyedInformationCms.wrapUnsigned(doc, encoding);
    ConveyedDocument u = ConveyedInformationCms.unwrap(cms);
    assertThat(u).isEqualTo(new ConveyedDocument(encoding, doc, false));
    assertThat(Rfc8572Codec.decodeConveyedInformation(u.document(), u.encoding(), CodecLimits.DEFAULT))
        .isEqualTo(info);
  }

  @Property(tries = 200)
  void bootstrapRequestSurvivesRfcJsonAndXml(@ForAll("requests") BootstrapRequest request, @ForAll Encoding e) {
    byte[] doc = Rfc8572Codec.encodeBootstrapRequest(request, e);
    assertThat(Rfc8572Codec.decodeBootstrapRequest(in(doc), e, request.serialNumber(), CodecLimits.DEFAULT))
        .isEqualTo(request);
  }

  @Property(tries = 200)
  void bootstrappingDataSurvivesRfcJsonAndXml(@ForAll("outputs") BootstrappingData data, @ForAll Encoding e) {
    byte[] doc = Rfc8572Codec.encodeBootstrappingData(data, e);
    assertThat(Rfc8572Codec.decodeBootstrappingData(in(doc), e, CodecLimits.DEFAULT)).isEqualTo(data);
  }

  /**
   * RFC and VC types come back as they were sent. A peer's own type cannot: RFC 8572 section 7 makes
   * progress-type an enumeration, so it travels as informational with its name leading the message, and comes
   * back exactly so (what a conforming server, ours included, accepts instead of a 400).
   */
  @Property(tries = 200)
  void progressReportSurvivesRfcJsonAndXml(@ForAll("rfcReports") ProgressReport report, @ForAll Encoding e) {
    byte[] doc = Rfc8572Codec.encodeReportProgress(report, e);
    ProgressReport decoded = Rfc8572Codec.decodeReportProgress(in(doc), e, CodecLimits.DEFAULT);
    assertThat(Rfc8572Codec.wireType(report).isRfc8572()).isTrue();
    if (report.type().isKnown()) {
      assertThat(decoded).isEqualTo(report);
    } else {
      String name = report.type().name();
      assertThat(decoded).isEqualTo(ProgressReport.builder(ProgressType.INFORMATIONAL)
          .message(report.message() == null ? name : name + ": " + report.message())
          .notificationId(report.notificationId()).build());
    }
  }

  @Property(tries = 200)
  void restconfErrorsSurviveJsonAndXml(@ForAll("errors") java.util.List<RestconfErrors.RestconfError> errors,
      @ForAll Encoding e) {
    byte[] doc = RestconfErrors.encode(errors, e);
    assertThat(RestconfErrors.decode(in(doc), e, CodecLimits.DEFAULT)).isEqualTo(errors);
  }

  @Provide
  Arbitrary<JuniperDevice> juniperDevices() {
    return ModelArbitraries.juniperDevice();
  }

  @Provide
  Arbitrary<ProgressReport> juniperReports() {
    return ModelArbitraries.juniperReport();
  }

  @Provide
  Arbitrary<ProgressReport> rfcReports() {
    return ModelArbitraries.rfcReport();
  }

  @Provide
  Arbitrary<ConveyedInformation> conveyed() {
    Arbitrary<OnboardingInformation> o = ModelArbitraries.rfcOnboarding();
    Arbitrary<RedirectInformation> r = ModelArbitraries.redirect();
    return Arbitraries.oneOf(o, r);
  }

  @Provide
  Arbitrary<BootstrapRequest> requests() {
    return ModelArbitraries.bootstrapRequest();
  }

  @Provide
  Arbitrary<BootstrappingData> outputs() {
    return ModelArbitraries.bootstrappingData();
  }

  @Provide
  Arbitrary<java.util.List<RestconfErrors.RestconfError>> errors() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.of("transport", "rpc", "protocol", "application"), ModelArbitraries.token(),
            ModelArbitraries.text().injectNull(0.3), ModelArbitraries.token().injectNull(0.5))
        .as(RestconfErrors.RestconfError::new).list().ofMaxSize(3);
  }
}
