package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapRequest;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.BootstrappingData;
import dev.phonehome.phc.api.model.ConfigurationHandling;
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
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators for valid model values, per wire dialect (each dialect can say slightly different things:
 * the RFC has at most one script of each kind and no image name; the Juniper dialect has no SSH host keys in
 * notifications and derives the OS version from the image name).
 */
final class ModelArbitraries {
  private ModelArbitraries() {}

  /** Identifiers, addresses, serials: printable, no surrounding whitespace. */
  static Arbitrary<String> token() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric().withChars("-._/:")
        .ofMinLength(1).ofMaxLength(24);
  }

  /** Free text as people write it, including XML specials, line breaks and non-ASCII. */
  static Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars("\n\t\r&<>\"'äöü€漢")
        .ofMaxLength(80);
  }

  static Arbitrary<Bytes> bytes(int maxSize) {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize).map(Bytes::of);
  }

  static Arbitrary<Bytes> nonEmptyBytes(int maxSize) {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(maxSize).map(Bytes::of);
  }

  static Arbitrary<ImageVerification> verification() {
    return Arbitraries.of(HashAlgorithm.class).flatMap(a -> Arbitraries.bytes().array(byte[].class)
        .ofSize(a.digestLength()).map(b -> new ImageVerification(a, Bytes.of(b))));
  }

  static Arbitrary<BootImage> rfcBootImage() {
    return Combinators.combine(token().injectNull(0.3), token().injectNull(0.3), token().list().ofMaxSize(3),
            verification().list().ofMaxSize(3))
        .as((osName, osVersion, uris, vs) -> BootImage.builder().osName(osName).osVersion(osVersion)
            .downloadUris(uris).verifications(vs).build());
  }

  /** A Juniper image: a name (often with a Junos version in it); an absent osVersion is what the name says. */
  static Arbitrary<BootImage> juniperBootImage() {
    Arbitrary<String> name = Arbitraries.oneOf(
        token(),
        Combinators.combine(Arbitraries.integers().between(10, 25), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 30))
            .as((a, b, c, d) -> "jinstall-ex-4300-" + a + "." + b + "R" + c + "." + d + "-signed.tgz"));
    return Combinators.combine(name.injectNull(0.2), rfcBootImage())
        .as((n, image) -> {
          String version = image.osVersion() != null
              ? image.osVersion() : JuniperXmlCodec.osVersionFromImageName(n).orElse(null);
          return image.toBuilder().name(n).osVersion(version).build();
        });
  }

  static Arbitrary<IntendedMember> member() {
    return Combinators.combine(token(), Arbitraries.integers().between(0, 9).injectNull(0.4),
            Arbitraries.of(IntendedRole.class).injectNull(0.3), token().injectNull(0.5))
        .as(IntendedMember::new);
  }

  static Arbitrary<VirtualChassisTopology> topology() {
    Arbitrary<List<IntendedMember>> members = member().list().ofMinSize(1).ofMaxSize(5)
        .map(ModelArbitraries::uniqueMembers);
    return Arbitraries.oneOf(
        Arbitraries.just(VirtualChassisTopology.none()),
        Arbitraries.just(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT)),
        Combinators.combine(Arbitraries.of(ProvisioningMode.class), members).as(VirtualChassisTopology::full));
  }

  private static List<IntendedMember> uniqueMembers(List<IntendedMember> ms) {
    List<IntendedMember> out = new ArrayList<>();
    for (IntendedMember m : ms) {
      boolean clash = out.stream().anyMatch(o -> o.serialNumber().equals(m.serialNumber())
          || (m.memberId() != null && m.memberId().equals(o.memberId())));
      if (!clash) {
        out.add(m);
      }
    }
    return out;
  }

  /** A Junos configuration in the one canonical serialization the codec produces. */
  static Arbitrary<Bytes> junosConfiguration() {
    Arbitrary<String> leaf = Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
            .ofMaxLength(10), text())
        .as((name, value) -> value.isEmpty() ? "<" + name + "/>"
            : "<" + name + ">" + XmlOut.escapeText("t", value) + "</" + name + ">");
    return leaf.list().ofMaxSize(6)
        .map(leaves -> Bytes.utf8(leaves.isEmpty() ? "<configuration/>"
            : "<configuration>" + String.join("", leaves) + "</configuration>"));
  }

  private static Arbitrary<OnboardingInformation> onboarding(Arbitrary<BootImage> image, Arbitrary<Bytes> config,
      int maxScripts) {
    return Combinators.combine(image.injectNull(0.3), Arbitraries.of(ConfigurationHandling.class),
            config.injectNull(0.3), bytes(64).list().ofMaxSize(maxScripts), bytes(64).list().ofMaxSize(maxScripts),
            topology())
        .as((i, h, c, pre, post, t) -> OnboardingInformation.builder().bootImage(i).configurationHandling(h)
            .configuration(c).preConfigurationScripts(pre).postConfigurationScripts(post).topology(t).build());
  }

  static Arbitrary<OnboardingInformation> rfcOnboarding() {
    return onboarding(rfcBootImage(), bytes(200), 1);
  }

  static Arbitrary<OnboardingInformation> juniperOnboarding() {
    return onboarding(juniperBootImage(), junosConfiguration(), 2);
  }

  static Arbitrary<RedirectInformation> redirect() {
    return Combinators.combine(token(), Arbitraries.integers().between(1, 65535).injectNull(0.3),
            nonEmptyBytes(64).injectNull(0.3))
        .as(BootstrapServer::new).list().ofMinSize(1).ofMaxSize(3).map(RedirectInformation::new);
  }

  static Arbitrary<JuniperDevice> juniperDevice() {
    return Arbitraries.oneOf(
        Combinators.combine(token(), juniperOnboarding()).as(JuniperDevice::new),
        Combinators.combine(Arbitraries.oneOf(Arbitraries.just(""), token()), redirect()).as(JuniperDevice::new));
  }

  static Arbitrary<MemberRef> memberRef() {
    return Combinators.combine(Arbitraries.integers().between(0, 9), token(), Arbitraries.of(MemberRole.class))
        .as(MemberRef::new);
  }

  static Arbitrary<ProgressType> progressType() {
    return Arbitraries.oneOf(Arbitraries.of(ProgressType.RFC8572), Arbitraries.of(ProgressType.VIRTUAL_CHASSIS),
        Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(3).ofMaxLength(20)
            .filter(s -> !s.startsWith("vc-") && !s.isBlank()).map(ProgressType::of));
  }

  /** A report whose member, when present, is also the message prefix (SPEC section 5), as the engine sends it. */
  private static Arbitrary<ProgressReport> report(Arbitrary<List<SshHostKey>> keys, Arbitrary<List<Bytes>> certs) {
    return Combinators.combine(progressType(), text().injectNull(0.2), memberRef().injectNull(0.5), keys, certs,
            notificationId().injectNull(0.3))
        .as((type, text, member, k, c, nid) -> {
          String message = member == null ? text : member.describe() + ": " + (text == null ? "" : text);
          ProgressReport.Builder b = ProgressReport.builder(type).message(message).member(member)
              .notificationId(nid);
          k.forEach(b::addSshHostKey);
          c.forEach(b::addTrustAnchorCert);
          return b.build();
        });
  }

  static Arbitrary<NotificationId> notificationId() {
    return Combinators.combine(Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'z')
            .withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(32),
        Arbitraries.longs().between(1, 999_999_999_999_999_999L)).as(NotificationId::new);
  }

  static Arbitrary<ProgressReport> rfcReport() {
    return report(Combinators.combine(token(), bytes(40)).as(SshHostKey::new).list().ofMaxSize(2),
        nonEmptyBytes(40).list().ofMaxSize(2));
  }

  static Arbitrary<ProgressReport> juniperReport() {
    return report(Arbitraries.just(List.of()), Arbitraries.just(List.of()));
  }

  static Arbitrary<BootstrapRequest> bootstrapRequest() {
    return Combinators.combine(token().injectNull(0.3), token().injectNull(0.3), token().injectNull(0.3),
            Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(32).map(Bytes::of).injectNull(0.3),
            Arbitraries.of(true, false))
        .as((hw, os, ver, nonce, signed) -> new BootstrapRequest("SERIAL-1", hw, os, ver, nonce, signed));
  }

  static Arbitrary<BootstrappingData> bootstrappingData() {
    return Combinators.combine(Arbitraries.of(ReportingLevel.class).injectNull(0.3), bytes(300),
            Combinators.combine(nonEmptyBytes(100), nonEmptyBytes(100)).as(List::of).injectNull(0.5))
        .as((level, ci, signed) -> new BootstrappingData(level, ci, signed == null ? null : signed.get(0),
            signed == null ? null : signed.get(1)));
  }
}
