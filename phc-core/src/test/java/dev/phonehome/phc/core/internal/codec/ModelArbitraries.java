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

  /**
   * At most one verification per algorithm: in RFC 8572's YANG (section 6.3, ietf-sztp-conveyed-info)
   * {@code image-verification} is a list whose key is {@code hash-algorithm}, so two entries with the same
   * algorithm are not a legal document (the decoder refuses them, naming the entry).
   */
  static Arbitrary<List<ImageVerification>> verifications() {
    return verification().list().ofMaxSize(3).uniqueElements(ImageVerification::algorithm);
  }

  /**
   * A bootstrap-server address: {@code inet:host} in RFC 8572's YANG (section 6.3, {@code leaf address {type
   * inet:host}}), that is an IP address or a domain name (RFC 6991 section 4), never a URL or host:port. Both
   * dialects carry it that way (the Juniper redirect reuses the same {@code bootstrap-server} shape, SPEC 2.1).
   */
  static Arbitrary<String> host() {
    Arbitrary<String> label = Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric().ofLength(1),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric().withChars('-')
                .ofMaxLength(10),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').numeric().ofMaxLength(1))
        .as((a, b, c) -> c.isEmpty() && b.endsWith("-") ? a + b + "x" : a + b + c);
    Arbitrary<String> domain = label.list().ofMinSize(1).ofMaxSize(4).map(ls -> String.join(".", ls));
    Arbitrary<String> ipv4 = Arbitraries.integers().between(0, 255).list().ofSize(4)
        .map(os -> os.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(".")));
    Arbitrary<String> ipv6 = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
        .map(hs -> hs.stream().map(Integer::toHexString).collect(java.util.stream.Collectors.joining(":")));
    Arbitrary<String> ipv6Compressed = Arbitraries.integers().between(0, 0xffff).list().ofMinSize(0).ofMaxSize(6)
        .map(hs -> "::" + hs.stream().map(Integer::toHexString).collect(java.util.stream.Collectors.joining(":")));
    return Arbitraries.oneOf(domain, ipv4, ipv6, ipv6Compressed);
  }

  static Arbitrary<BootImage> rfcBootImage() {
    return Combinators.combine(token().injectNull(0.3), token().injectNull(0.3), token().list().ofMaxSize(3),
            verifications())
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
      int maxScripts, boolean handlingOnlyWithConfiguration) {
    return Combinators.combine(image.injectNull(0.3), Arbitraries.of(ConfigurationHandling.class),
            config.injectNull(0.3), bytes(64).list().ofMaxSize(maxScripts), bytes(64).list().ofMaxSize(maxScripts),
            topology())
        .as((i, h0, c, pre, post, t) -> {
          ConfigurationHandling h = c == null && handlingOnlyWithConfiguration ? ConfigurationHandling.MERGE : h0;
          return OnboardingInformation.builder().bootImage(i).configurationHandling(h)
              .configuration(c).preConfigurationScripts(pre).postConfigurationScripts(post).topology(t).build();
        });
  }

  /**
   * RFC 8572 section 6.3 (ietf-sztp-conveyed-info) declares {@code configuration-handling} with {@code when
   * "../configuration"}: without a configuration there is no handling on the wire, so such a value only exists
   * with the model's default (merge); "replace, but nothing to replace with" cannot be said in this dialect.
   */
  static Arbitrary<OnboardingInformation> rfcOnboarding() {
    return onboarding(rfcBootImage(), bytes(200), 1, true);
  }

  /** The Juniper dialect writes our {@code <configuration-handling>} whenever it is not merge, with or without. */
  static Arbitrary<OnboardingInformation> juniperOnboarding() {
    return onboarding(juniperBootImage(), junosConfiguration(), 2, false);
  }

  static Arbitrary<RedirectInformation> redirect() {
    // address is also the list's key (RFC 8572 section 6.3), compared without case as DNS names are
    return Combinators.combine(host(), Arbitraries.integers().between(1, 65535).injectNull(0.3),
            nonEmptyBytes(64).injectNull(0.3))
        .as(BootstrapServer::new).list().ofMinSize(1).ofMaxSize(3)
        .uniqueElements(s -> s.address().toLowerCase(java.util.Locale.ROOT)).map(RedirectInformation::new);
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

  /**
   * A report whose member, when present, is also the message prefix (SPEC section 5), as the engine sends it.
   * SSH host keys and trust anchor certificates only ride on {@code bootstrap-complete}: RFC 8572 section 7
   * (ietf-sztp-bootstrap-server, report-progress input) guards both containers with {@code when
   * "../progress-type = 'bootstrap-complete'"}, so any other type carrying them is not a legal report.
   */
  private static Arbitrary<ProgressReport> report(Arbitrary<List<SshHostKey>> keys, Arbitrary<List<Bytes>> certs) {
    // bootstrap-complete a quarter of the time, so that keys and certificates are exercised
    Arbitrary<ProgressType> types = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(ProgressType.BOOTSTRAP_COMPLETE)),
        net.jqwik.api.Tuple.of(3, progressType()));
    return Combinators.combine(types, text().injectNull(0.2), memberRef().injectNull(0.5), keys, certs,
            notificationId().injectNull(0.3))
        .as((type, text, member, k0, c0, nid) -> {
          boolean complete = type.equals(ProgressType.BOOTSTRAP_COMPLETE);
          List<SshHostKey> k = complete ? k0 : List.of();
          List<Bytes> c = complete ? c0 : List.of();
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
        Arbitraries.of(CertificateBags.ALL).list().ofMaxSize(2));
  }

  /**
   * Real CMS SignedData certificate bags: RFC 8572 section 7 types {@code trust-anchor-cert} as {@code
   * ct:trust-anchor-cert-cms}, a degenerate SignedData holding the chain, and the server decoder checks that it
   * is one. Random bytes are outside that domain (they are the hostile-input tests' business). Built once: key
   * generation is the slow part.
   */
  private static final class CertificateBags {
    static final List<Bytes> ALL;

    static {
      dev.phonehome.phc.core.internal.trust.Fixture f = new dev.phonehome.phc.core.internal.trust.Fixture();
      ALL = List.of(
          // the empty degenerate SignedData (no certificates) is still a SignedData, as the decoder accepts it
          Bytes.fromBase64("MCMGCSqGSIb3DQEHAqAWMBQCAQExADALBgkqhkiG9w0BBwExAA=="),
          dev.phonehome.phc.core.internal.trust.Cms.degenerate(List.of(f.ownerCa)),
          f.ownerBag(),
          dev.phonehome.phc.core.internal.trust.Cms.degenerate(List.of(f.masa, f.manufacturerCa)));
    }
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
