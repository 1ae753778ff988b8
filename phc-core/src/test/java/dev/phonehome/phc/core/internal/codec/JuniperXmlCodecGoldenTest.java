package dev.phonehome.phc.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VcNotification;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JuniperXmlCodecGoldenTest {
  static final JuniperDevice ONBOARDING = new JuniperDevice("PE3714100218", OnboardingInformation.builder()
      .bootImage(BootImage.builder()
          .name("jinstall-ex-4300-21.4R3.15-signed.tgz")
          .osVersion("21.4R3.15")
          .addVerification(ImageVerification.ofHex(HashAlgorithm.MD5, "0123456789abcdef0123456789abcdef"))
          .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_1, "0123456789abcdef0123456789abcdef01234567"))
          .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
          .build())
      .configuration(Bytes.utf8("<configuration>\n        <system>\n          <host-name>sw1</host-name>\n"
          + "        </system>\n      </configuration>"))
      .topology(VirtualChassisTopology.full(ProvisioningMode.STRICT, List.of(
          new IntendedMember("PE3714100218", null, IntendedRole.ROUTING_ENGINE, null),
          new IntendedMember("PE3714100301", null, IntendedRole.LINE_CARD, null))))
      .build());

  static final JuniperDevice REDIRECT = new JuniperDevice("", RedirectInformation.of(
      new BootstrapServer("phs1.example.net", 8443, Bytes.fromBase64("MIIBszCCAVmgAwIBAgIUEe8=")),
      new BootstrapServer("phs2.example.net", null, null)));

  @Test
  void specSampleDeviceDecodesToTheModelAndReencodesByteIdentically() {
    JuniperDevice decoded = JuniperXmlCodec.decodeDevice(Golden.stream("juniper/device-onboarding.xml"), CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(ONBOARDING);
    assertThat(new String(JuniperXmlCodec.encodeDevice(decoded), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/device-onboarding.xml"));
  }

  @Test
  void redirectServerAnswerDecodesAndReencodesByteIdentically() {
    JuniperDevice decoded = JuniperXmlCodec.decodeDevice(Golden.stream("juniper/device-redirect.xml"), CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(REDIRECT);
    assertThat(new String(JuniperXmlCodec.encodeDevice(decoded), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/device-redirect.xml"));
  }

  @Test
  void memberNotificationCarriesMemberElements() {
    ProgressReport report = VcNotification.UPGRADED.about(new MemberRef(1, "PE3714100301", MemberRole.BACKUP));
    assertThat(new String(JuniperXmlCodec.encodeNotification(report), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/notification-member.xml"));
    assertThat(JuniperXmlCodec.decodeNotifications(Golden.stream("juniper/notification-member.xml"), CodecLimits.DEFAULT))
        .containsExactly(report);
  }

  @Test
  void notificationIdTravelsAsItsOwnElementAfterTheMemberFields() {
    ProgressReport report = VcNotification.UPGRADED.about(new MemberRef(1, "PE3714100301", MemberRole.BACKUP))
        .toBuilder().notificationId(NotificationId.parse("5f0c2a9e71d3b846-17")).build();
    assertThat(new String(JuniperXmlCodec.encodeNotification(report), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/notification-with-id.xml"));
    assertThat(JuniperXmlCodec.decodeNotifications(Golden.stream("juniper/notification-with-id.xml"), CodecLimits.DEFAULT))
        .containsExactly(report);
  }

  @Test
  void malformedNotificationIdIsRefusedNamingItsPath() {
    String body = "<notification><notification-type>informational</notification-type>"
        + "<notification-id>run-with-dash-1</notification-id></notification>";
    assertThatThrownBy(() -> JuniperXmlCodec.decodeNotifications(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), CodecLimits.DEFAULT))
        .isInstanceOf(PhcProtocolException.class)
        .hasMessage("invalid notification-id 'run-with-dash-1' at /notification/notification-id");
  }

  @Test
  void plainNotificationRoundTrips() {
    ProgressReport report = ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, "Phone-home client started on PE3714100218");
    assertThat(new String(JuniperXmlCodec.encodeNotification(report), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/notification-plain.xml"));
    assertThat(JuniperXmlCodec.decodeNotifications(Golden.stream("juniper/notification-plain.xml"), CodecLimits.DEFAULT))
        .containsExactly(report);
  }

  @Test
  void serverReadsEveryNotificationTypeUnderAnyRootAndKeepsUnknownTypes() {
    String body = "<batch><notification><notification-type>bootstrap-initiated</notification-type></notification>"
        + "<x:notification xmlns:x=\"" + JuniperXmlCodec.NAMESPACE + "\"><x:notification-type>vendor-special</x:notification-type>"
        + "<x:message>hi</x:message></x:notification></batch>";
    List<ProgressReport> reports = JuniperXmlCodec.decodeNotifications(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), CodecLimits.DEFAULT);
    assertThat(reports).containsExactly(
        ProgressReport.of(ProgressType.BOOTSTRAP_INITIATED, null),
        ProgressReport.of(new ProgressType("vendor-special"), "hi"));
    assertThat(reports.get(1).type().isKnown()).isFalse();
  }

  @Test
  void documentWithoutNamespaceAndWithPrefixesReadsTheSame() {
    String plain = "<device><unique-id>S1</unique-id><boot-image><name>junos-install-ex-x86-64-22.4R2-S2.6.tgz</name>"
        + "<path>https://i/x.tgz</path><signature/></boot-image></device>";
    String prefixed = "<j:device xmlns:j=\"" + JuniperXmlCodec.NAMESPACE + "\"><j:unique-id>S1</j:unique-id><j:boot-image>"
        + "<j:name>junos-install-ex-x86-64-22.4R2-S2.6.tgz</j:name><j:path>https://i/x.tgz</j:path></j:boot-image></j:device>";
    JuniperDevice a = JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(plain.getBytes(StandardCharsets.UTF_8)), CodecLimits.DEFAULT);
    JuniperDevice b = JuniperXmlCodec.decodeDevice(new ByteArrayInputStream(prefixed.getBytes(StandardCharsets.UTF_8)), CodecLimits.DEFAULT);
    assertThat(a).isEqualTo(b);
    BootImage image = ((OnboardingInformation) a.conveyedInformation()).bootImage();
    assertThat(image.osVersion()).isEqualTo("22.4R2-S2.6");
  }

  @Test
  void osVersionIsDerivedFromJuniperImageNames() {
    assertThat(JuniperXmlCodec.osVersionFromImageName("jinstall-ex-4300-21.4R3.15-signed.tgz")).contains("21.4R3.15");
    assertThat(JuniperXmlCodec.osVersionFromImageName("jinstall-ex-4200-12.3R12.4-domestic-signed.tgz")).contains("12.3R12.4");
    assertThat(JuniperXmlCodec.osVersionFromImageName("jinstall-ex-4300-18.1X53-D33.1-signed.tgz")).contains("18.1X53-D33.1");
    assertThat(JuniperXmlCodec.osVersionFromImageName("image.tgz")).isEmpty();
  }

  @Test
  void ourAdditionsRoundTripByteIdentically() {
    JuniperDevice expected = new JuniperDevice("PE3714100218", OnboardingInformation.builder()
        .bootImage(BootImage.builder()
            .name("jinstall-ex-4300-21.4R3.15-signed.tgz")
            .osName("junos")
            .osVersion("21.4R3-S5.4")
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(Rfc8572CodecGoldenTest.sequence(32))))
            .addVerification(new ImageVerification(HashAlgorithm.SHA_512, Bytes.of(Rfc8572CodecGoldenTest.sequence(64))))
            .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addDownloadUri("https://mirror.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
            .build())
        .configurationHandling(dev.phonehome.phc.api.model.ConfigurationHandling.REPLACE)
        .addPreConfigurationScript(Rfc8572CodecGoldenTest.PRE)
        .addPreConfigurationScript(Rfc8572CodecGoldenTest.POST)
        .configuration(Bytes.utf8("<configuration xmlns:junos=\"http://xml.juniper.net/junos/21.4R3/junos\">"
            + "<system junos:changed=\"changed\"><host-name>sw1</host-name><domain-name/></system></configuration>"))
        .addPostConfigurationScript(Rfc8572CodecGoldenTest.POST)
        .topology(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT))
        .build());
    JuniperDevice decoded = JuniperXmlCodec.decodeDevice(Golden.stream("juniper/device-our-additions.xml"), CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(expected);
    assertThat(new String(JuniperXmlCodec.encodeDevice(decoded), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/device-our-additions.xml"));
  }

  @Test
  void emptyContainersAreWrittenSelfClosing() {
    JuniperDevice decoded = JuniperXmlCodec.decodeDevice(Golden.stream("juniper/device-empty.xml"), CodecLimits.DEFAULT);
    assertThat(decoded).isEqualTo(new JuniperDevice("PE3714100218",
        OnboardingInformation.builder().bootImage(BootImage.builder().build()).build()));
    assertThat(new String(JuniperXmlCodec.encodeDevice(decoded), StandardCharsets.UTF_8))
        .isEqualTo(Golden.text("juniper/device-empty.xml"));
  }

  @Test
  void configurationDeclaringAPrefixOutsideItselfIsMadeSelfContained() {
    String doc = "<device xmlns=\"" + JuniperXmlCodec.NAMESPACE + "\" xmlns:junos=\"urn:junos\"><unique-id>S</unique-id>"
        + "<configuration><config><configuration junos:commit-user=\"root\"><system/></configuration></config>"
        + "</configuration></device>";
    JuniperDevice d = JuniperXmlCodec.decodeDevice(
        new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)), CodecLimits.DEFAULT);
    assertThat(((OnboardingInformation) d.conveyedInformation()).configuration().utf8())
        .isEqualTo("<configuration xmlns:junos=\"urn:junos\" junos:commit-user=\"root\"><system/></configuration>");
  }

  @Test
  void encodingRefusesAConfigurationThatIsNotXml() {
    JuniperDevice bad = new JuniperDevice("S", OnboardingInformation.builder().configuration(Bytes.utf8("set system host-name x")).build());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> JuniperXmlCodec.encodeDevice(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("configuration is not well-formed XML");
  }
}
