package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.ConveyedInformation;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.VcNotification;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Documents shaped like RFC 8572's examples (sections 6.3 and 7.2), plus our VC augmentation. */
class Rfc8572CodecGoldenTest {
  static final Bytes CMS = Bytes.fromBase64("MIIBCgKCAQEAwg==");
  /** A real (empty) degenerate CMS SignedData: report-progress checks that a trust-anchor-cert is one. */
  static final Bytes SIGNED_DATA = Bytes.fromBase64("MCMGCSqGSIb3DQEHAqAWMBQCAQExADALBgkqhkiG9w0BBwExAA==");
  static final Bytes PRE = Bytes.utf8("#!/bin/sh\necho pre\n");
  static final Bytes POST = Bytes.utf8("#!/bin/sh\necho post\n");
  static final Bytes CONFIG = Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>");

  static final OnboardingInformation RFC_ONBOARDING = OnboardingInformation.builder()
      .bootImage(BootImage.builder()
          .osName("VendorOS")
          .osVersion("17.2R1.6")
          .addDownloadUri("http://some/path/to/raw/file")
          .addDownloadUri("ftp://some/path/to/raw/file")
          .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_256,
              "ba:ec:cf:a5:67:82:b4:10:77:c6:67:a6:22:ab:7d:50:04:a7:8b:8f:0e:db:02:8b:f4:75:55:fb:c1:13:b2:33"))
          .build())
      .configurationHandling(ConfigurationHandling.MERGE)
      .addPreConfigurationScript(PRE)
      .configuration(CONFIG)
      .addPostConfigurationScript(POST)
      .build();

  static final OnboardingInformation VC_ONBOARDING = OnboardingInformation.builder()
      .bootImage(BootImage.builder()
          .osName("junos")
          .osVersion("21.4R3.15")
          .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
          .addVerification(new ImageVerification(HashAlgorithm.SHA_512, Bytes.of(sequence(64))))
          .build())
      .configurationHandling(ConfigurationHandling.REPLACE)
      .configuration(CONFIG)
      .topology(VirtualChassisTopology.full(ProvisioningMode.STRICT, List.of(
          new IntendedMember("PE3714100218", 0, IntendedRole.ROUTING_ENGINE, "ex4300-48p"),
          new IntendedMember("PE3714100301", null, IntendedRole.LINE_CARD, null))))
      .build();

  static final RedirectInformation REDIRECT = RedirectInformation.of(
      new BootstrapServer("sztp1.example.com", 8443, CMS),
      new BootstrapServer("sztp2.example.com", 8443, CMS),
      new BootstrapServer("sztp3.example.com", null, null));

  static byte[] sequence(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  static String file(String base, Encoding e) {
    return "rfc8572/" + base + "." + e.name().toLowerCase(Locale.ROOT);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void getBootstrappingDataInputLikeTheRfcExample(Encoding e) {
    String f = file("get-bootstrapping-data-input", e);
    BootstrapRequest expected = new BootstrapRequest("SN-1", "model-x", "vendor-os", "17.3R2.1",
        Bytes.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}), true);
    BootstrapRequest decoded = Rfc8572Codec.decodeBootstrapRequest(Golden.stream(f), e, "SN-1", CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(utf8(Rfc8572Codec.encodeBootstrapRequest(decoded, e))).isEqualTo(Golden.text(f));
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void getBootstrappingDataSignedOutputLikeTheRfcExample(Encoding e) {
    String f = file("get-bootstrapping-data-output-signed", e);
    BootstrappingData expected = new BootstrappingData(ReportingLevel.VERBOSE, CMS, PRE, POST);
    BootstrappingData decoded = Rfc8572Codec.decodeBootstrappingData(Golden.stream(f), e, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(utf8(Rfc8572Codec.encodeBootstrappingData(decoded, e))).isEqualTo(Golden.text(f));
  }

  @org.junit.jupiter.api.Test
  void getBootstrappingDataUnsignedOutput() {
    String f = "rfc8572/get-bootstrapping-data-output-unsigned.json";
    BootstrappingData decoded = Rfc8572Codec.decodeBootstrappingData(Golden.stream(f), Encoding.JSON, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(new BootstrappingData(null, CMS, null, null));
    assertThat(utf8(Rfc8572Codec.encodeBootstrappingData(decoded, Encoding.JSON))).isEqualTo(Golden.text(f));
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void reportProgressBootstrapCompleteCarriesHostKeysAndTrustAnchors(Encoding e) {
    String f = file("report-progress-bootstrap-complete", e);
    ProgressReport expected = ProgressReport.builder(ProgressType.BOOTSTRAP_COMPLETE)
        .message("example message")
        .addSshHostKey(new SshHostKey("ssh-rsa", Bytes.utf8("AAAAB3NzaC1yc2EAAAADAQAB")))
        .addTrustAnchorCert(SIGNED_DATA)
        .build();
    ProgressReport decoded = Rfc8572Codec.decodeReportProgress(Golden.stream(f), e, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(utf8(Rfc8572Codec.encodeReportProgress(decoded, e))).isEqualTo(Golden.text(f));
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void vcProgressTravelsAsInformationalAndIsRestored(Encoding e) {
    String f = file("report-progress-vc-member", e);
    ProgressReport expected = VcNotification.UPGRADE_FAILED.about(new MemberRef(2, "PE3714100301", MemberRole.LINECARD));
    assertThat(utf8(Rfc8572Codec.encodeReportProgress(expected, e))).isEqualTo(Golden.text(f));
    ProgressReport decoded = Rfc8572Codec.decodeReportProgress(Golden.stream(f), e, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(decoded.type()).isEqualTo(ProgressType.VC_MEMBER_UPGRADE_FAILED);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void notificationIdTravelsAtTheEndOfTheMessageAndIsStrippedOnDecode(Encoding e) {
    String f = file("report-progress-with-id", e);
    ProgressReport expected = VcNotification.UPGRADE_FAILED.about(new MemberRef(2, "PE3714100301", MemberRole.LINECARD))
        .toBuilder().notificationId(NotificationId.parse("5f0c2a9e71d3b846-17")).build();
    assertThat(utf8(Rfc8572Codec.encodeReportProgress(expected, e))).isEqualTo(Golden.text(f));
    ProgressReport decoded = Rfc8572Codec.decodeReportProgress(Golden.stream(f), e, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(decoded.message()).isEqualTo("member 2 (serial PE3714100301, role linecard): Upgrade failed !!!");
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void aPeersOwnProgressTypeTravelsAsInformationalWithItsNameInTheMessage(Encoding e) {
    // RFC 8572 section 7: progress-type is an enumeration of 27 values; a conforming server (ours) refuses others
    ProgressReport report = ProgressReport.builder(ProgressType.of("vendor-special-phase")).message("half way")
        .build();
    byte[] wire = Rfc8572Codec.encodeReportProgress(report, e);
    assertThat(utf8(wire)).contains("informational").contains("vendor-special-phase: half way");
    ProgressReport decoded = Rfc8572Codec.decodeReportProgress(new java.io.ByteArrayInputStream(wire), e,
        CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(ProgressReport.builder(ProgressType.INFORMATIONAL)
        .message("vendor-special-phase: half way").build());
  }

  @Test
  void notificationIdWithoutMessageDecodesToNoMessage() {
    ProgressReport report = ProgressReport.builder(ProgressType.BOOTSTRAP_INITIATED)
        .notificationId(new NotificationId("ab12", 1)).build();
    byte[] wire = Rfc8572Codec.encodeReportProgress(report, Encoding.JSON);
    assertThat(utf8(wire)).contains("\"message\": \"[notification-id ab12-1]\"");
    assertThat(Rfc8572Codec.decodeReportProgress(new java.io.ByteArrayInputStream(wire), Encoding.JSON,
        CodecLimits.DEFAULT)).isEqualTo(report);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void onboardingInformationLikeTheRfcExample(Encoding e) {
    roundTrip(file("onboarding-information", e), e, RFC_ONBOARDING);
  }

  @Test
  void identityPrefixTheRfcExampleLeavesUndeclaredIsStillRead() {
    // RFC 8572's own XML examples write ietf-sztp-conveyed-info:sha-256 without declaring the prefix; phc
    // declares every prefix it writes, and reads the example spelling as the same identity.
    ConveyedInformation decoded = Rfc8572Codec.decodeConveyedInformation(
        Golden.bytes("rfc8572/onboarding-information-rfc-spelling.xml"), Encoding.XML, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(RFC_ONBOARDING);
    assertThat(utf8(Rfc8572Codec.encodeConveyedInformation(decoded, Encoding.XML)))
        .isEqualTo(Golden.text("rfc8572/onboarding-information.xml"));
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void onboardingInformationWithVirtualChassisAugmentation(Encoding e) {
    roundTrip(file("onboarding-information-vc", e), e, VC_ONBOARDING);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void redirectInformationLikeTheRfcExample(Encoding e) {
    roundTrip(file("redirect-information", e), e, REDIRECT);
  }

  private static void roundTrip(String f, Encoding e, ConveyedInformation expected) {
    ConveyedInformation decoded = Rfc8572Codec.decodeConveyedInformation(Golden.bytes(f), e, CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(utf8(Rfc8572Codec.encodeConveyedInformation(decoded, e))).isEqualTo(Golden.text(f));
  }
}
