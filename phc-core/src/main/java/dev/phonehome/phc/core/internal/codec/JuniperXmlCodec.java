package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcProtocolException;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.JuniperDevice;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Juniper dialect (SPEC 2.1): {@code <device>} bootstrap data and {@code <notification>}.
 *
 * <p>Decoding is namespace-aware but tolerant: elements are matched by local name, so documents in the
 * {@link #NAMESPACE Juniper namespace}, in no namespace or with a prefix all read the same; unknown elements
 * are skipped. Encoding always writes the Juniper namespace as the default namespace.
 *
 * <p>Choices the SPEC leaves open (documented here, and in the codec tests):
 * <ul>
 *   <li>{@code <configuration><config><configuration>...}: the model's configuration is the serialized inner
 *       Junos {@code <configuration>} element (UTF-8, as written, comments dropped, the inherited Juniper
 *       default namespace not carried), ready for a NETCONF {@code <load-configuration>}.
 *   <li>{@link BootImage#osVersion()} is derived from the image name when the document does not say
 *       ({@code jinstall-ex-4300-21.4R3.15-signed.tgz} gives {@code 21.4R3.15}); our optional elements
 *       {@code <os-name>} and {@code <os-version>} carry values that the name does not.
 *   <li>{@code <boot-image>}: one {@code <path>} per download URI (first is primary), one element per checksum
 *       ({@code md5}, {@code sha1}, and our {@code sha256}, {@code sha512}) as plain hex; {@code <signature>} is
 *       read and ignored.
 *   <li>Our additions for what the RFC dialect can say: {@code <configuration-handling>replace</...>} (only
 *       written for replace; the Juniper default is merge) and repeatable base64
 *       {@code <pre-configuration-script>} / {@code <post-configuration-script>}.
 *   <li>{@code <virtual-chassis>} as SPEC section 3; {@code <provisioning-mode>} is always written.
 *   <li>A document with both redirect information and onboarding elements is refused.
 * </ul>
 */
public final class JuniperXmlCodec {
  /** {@code http://juniper.net/zerotouch-bootstrap-server}. */
  public static final String NAMESPACE = "http://juniper.net/zerotouch-bootstrap-server";

  private static final Set<String> LIST_NAMES =
      Set.of("member", "path", "bootstrap-server", "pre-configuration-script", "post-configuration-script");
  private static final Pattern JUNOS_VERSION =
      Pattern.compile("(?<![0-9.])(\\d{1,2}\\.\\d{1,2}[A-Z]\\d+(?:-[A-Z]\\d+)?(?:\\.\\d+)?)(?![0-9])");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private JuniperXmlCodec() {}

  /**
   * The Junos version in an image file name, e.g. {@code 21.4R3.15} in {@code jinstall-ex-4300-21.4R3.15-signed.tgz}
   * or {@code 22.4R2-S2.6} in {@code junos-install-ex-x86-64-22.4R2-S2.6.tgz}; empty when there is none.
   */
  public static Optional<String> osVersionFromImageName(@Nullable String imageName) {
    if (imageName == null) {
      return Optional.empty();
    }
    Matcher m = JUNOS_VERSION.matcher(imageName);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * The {@code <device>} document, UTF-8, canonical formatting.
   *
   * @throws IllegalArgumentException when the value cannot be written (a configuration that is not well-formed
   *     XML, a character XML cannot carry)
   */
  public static byte[] encodeDevice(JuniperDevice device) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    XmlOut x = XmlOut.document(bytes);
    x.start("device", NAMESPACE);
    x.leaf("unique-id", device.uniqueId());
    if (device.conveyedInformation() instanceof RedirectInformation redirect) {
      x.start("redirect-information");
      for (BootstrapServer s : redirect.bootstrapServers()) {
        x.start("bootstrap-server");
        x.leaf("address", s.address());
        x.leaf("port", s.port() == null ? null : s.port().toString());
        x.leaf("trust-anchor", s.trustAnchor() == null ? null : s.trustAnchor().base64());
        x.end();
      }
      x.end();
    } else if (device.conveyedInformation() instanceof OnboardingInformation info) {
      writeOnboarding(x, info);
    }
    x.end();
    x.finish();
    return bytes.toByteArray();
  }

  private static void writeOnboarding(XmlOut x, OnboardingInformation info) {
    BootImage image = info.bootImage();
    if (image != null) {
      x.start("boot-image");
      x.leaf("name", image.name());
      x.leaf("os-name", image.osName());
      if (image.osVersion() != null
          && !image.osVersion().equals(osVersionFromImageName(image.name()).orElse(null))) {
        x.leaf("os-version", image.osVersion());
      }
      for (ImageVerification v : image.verifications()) {
        x.leaf(v.algorithm().juniperElement(), v.value().hex());
      }
      for (String uri : image.downloadUris()) {
        x.leaf("path", uri);
      }
      x.end();
    }
    if (info.configurationHandling() != ConfigurationHandling.MERGE) {
      x.leaf("configuration-handling", info.configurationHandling().yangName());
    }
    for (Bytes script : info.preConfigurationScripts()) {
      x.leaf("pre-configuration-script", script.base64());
    }
    if (info.configuration() != null) {
      x.start("configuration").start("config");
      writeConfiguration(x, info.configuration());
      x.end().end();
    }
    for (Bytes script : info.postConfigurationScripts()) {
      x.leaf("post-configuration-script", script.base64());
    }
    VirtualChassisTopology topology = info.topology();
    if (topology.isVirtualChassis()) {
      writeTopology(x, topology, null);
    }
  }

  /** Writes SPEC section 3's {@code <virtual-chassis>}; shared with the RFC dialect's XML. */
  static void writeTopology(XmlOut x, VirtualChassisTopology topology, @Nullable String xmlns) {
    x.start("virtual-chassis", xmlns);
    x.leaf("provisioning-mode", topology.mode().yangName());
    for (var m : topology.members()) {
      x.start("member");
      x.leaf("serial-number", m.serialNumber());
      x.leaf("member-id", m.memberId() == null ? null : m.memberId().toString());
      x.leaf("role", m.role() == null ? null : m.role().yangName());
      x.leaf("model", m.model());
      x.end();
    }
    x.end();
  }

  /** Copies configuration bytes into {@code x} through the one configuration serializer (checks well-formedness). */
  private static void writeConfiguration(XmlOut x, Bytes configuration) {
    try {
      XMLStreamReader r = SafeXml.newStreamReader(new ByteArrayInputStream(configuration.toByteArray()));
      while (r.next() != XMLStreamConstants.START_ELEMENT) {
        // prolog
      }
      x.copy(r, "configuration");
      while (r.hasNext()) {
        int e = r.next();
        if (e == XMLStreamConstants.START_ELEMENT || (e == XMLStreamConstants.CHARACTERS && !r.isWhiteSpace())) {
          throw new IllegalArgumentException("configuration has content after its root element");
        }
      }
    } catch (XMLStreamException | PhcProtocolException e) {
      throw new IllegalArgumentException("configuration is not well-formed XML: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a {@code <device>} document, streaming: at most {@link CodecLimits#streamCap()} bytes are read, the
   * configuration is bounded by {@link CodecLimits#maxConfigurationBytes()} and the rest by
   * {@link CodecLimits#maxDocumentBytes()}.
   *
   * @throws PhcProtocolException naming the path and value that were wrong
   * @throws java.io.UncheckedIOException when reading {@code in} fails (a transport problem)
   */
  public static JuniperDevice decodeDevice(InputStream in, CodecLimits limits) {
    SafeXml.BoundedInputStream body = SafeXml.bounded(in, limits.streamCap());
    XmlIn x = XmlIn.open(body, LIST_NAMES).root();
    if (!x.name().equals("device")) {
      throw x.error("expected root element <device> but found <" + x.name() + ">");
    }
    String uniqueId = null;
    RedirectInformation redirect = null;
    boolean onboarding = false;
    BootImage image = null;
    ConfigurationHandling handling = ConfigurationHandling.MERGE;
    Bytes configuration = null;
    List<Bytes> pre = new ArrayList<>();
    List<Bytes> post = new ArrayList<>();
    VirtualChassisTopology topology = VirtualChassisTopology.none();
    long leafBytes = 0;
    while (x.nextChild()) {
      switch (x.name()) {
        case "unique-id" -> uniqueId = x.leaf();
        case "redirect-information" -> redirect = readRedirect(x);
        case "boot-image" -> {
          image = readBootImage(x);
          onboarding = true;
        }
        case "configuration-handling" -> {
          handling = x.leaf(ConfigurationHandling::forYangName);
          onboarding = true;
        }
        case "pre-configuration-script", "post-configuration-script" -> {
          boolean isPre = x.name().startsWith("pre");
          String p = x.path();
          String text = x.leaf();
          leafBytes += text.length();
          Bytes script = base64(text, p, limits);
          (isPre ? pre : post).add(script);
          onboarding = true;
        }
        case "configuration" -> {
          Bytes c = readConfiguration(x, limits);
          if (c != null) {
            leafBytes += c.size();
            configuration = c;
          }
          onboarding = true;
        }
        case "virtual-chassis" -> {
          topology = readTopology(x);
          onboarding = true;
        }
        default -> x.skip();
      }
    }
    x.finish();
    checkDocumentSize(body.count() - leafBytes, limits);
    if (uniqueId == null) {
      throw new PhcProtocolException("missing unique-id", "/device");
    }
    if (redirect != null && onboarding) {
      throw new PhcProtocolException(
          "device carries both redirect-information and onboarding information", "/device");
    }
    if (redirect != null) {
      return new JuniperDevice(uniqueId, redirect);
    }
    return new JuniperDevice(uniqueId, OnboardingInformation.builder()
        .bootImage(image)
        .configurationHandling(handling)
        .configuration(configuration)
        .preConfigurationScripts(pre)
        .postConfigurationScripts(post)
        .topology(topology)
        .build());
  }

  static void checkDocumentSize(long documentBytes, CodecLimits limits) {
    if (documentBytes > limits.maxDocumentBytes()) {
      throw new PhcProtocolException("body exceeds " + limits.maxDocumentBytes()
          + " bytes (not counting configuration and scripts)");
    }
  }

  /** Decodes a binary leaf; whitespace inside (line-wrapped base64, as XML base64Binary allows) is ignored. */
  static Bytes base64(String text, String path, CodecLimits limits) {
    Bytes b;
    try {
      b = Bytes.fromBase64(WHITESPACE.matcher(text).replaceAll(""));
    } catch (IllegalArgumentException e) {
      throw ConstraintViolation.invalidValue("invalid base64 " + Texts.quote(text), path);
    }
    if (b.size() > limits.maxConfigurationBytes()) {
      throw ConstraintViolation.invalidValue(
          "value exceeds " + limits.maxConfigurationBytes() + " bytes (" + b.size() + ")", path);
    }
    return b;
  }

  private static RedirectInformation readRedirect(XmlIn x) {
    String redirectPath = x.path();
    List<BootstrapServer> servers = new ArrayList<>();
    collectServers(x, servers);
    if (servers.isEmpty()) {
      throw new PhcProtocolException("redirect-information has no bootstrap-server", redirectPath);
    }
    return new RedirectInformation(servers);
  }

  /**
   * Descendant search: a {@code bootstrap-server} at any depth below redirect-information (iterative, so nesting
   * depth cannot exhaust the stack).
   */
  private static void collectServers(XmlIn x, List<BootstrapServer> servers) {
    int depth = 0;
    while (true) {
      if (x.nextChild()) {
        if (x.name().equals("bootstrap-server")) {
          servers.add(readServer(x));
        } else {
          depth++;
        }
      } else if (depth-- == 0) {
        return;
      }
    }
  }

  private static BootstrapServer readServer(XmlIn x) {
    String serverPath = x.path();
    String address = null;
    Integer port = null;
    Bytes anchor = null;
    while (x.nextChild()) {
      switch (x.name()) {
        case "address" -> address = x.leaf(Rfc8572Codec::inetHost);
        case "port" -> port = x.leaf(JuniperXmlCodec::port);
        case "trust-anchor" -> {
          String p = x.path();
          String t = x.leaf();
          if (!t.isEmpty()) {
            anchor = base64(t, p, new CodecLimits(Long.MAX_VALUE, Long.MAX_VALUE));
          }
        }
        default -> x.skip();
      }
    }
    if (address == null) {
      throw new PhcProtocolException("missing address", serverPath);
    }
    return new BootstrapServer(address, port, anchor);
  }

  static Integer port(String s) {
    int p;
    try {
      p = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException("not 1 to 65535");
    }
    return p;
  }

  private static BootImage readBootImage(XmlIn x) {
    BootImage.Builder b = BootImage.builder();
    String explicitVersion = null;
    String name = null;
    while (x.nextChild()) {
      String element = x.name();
      Optional<HashAlgorithm> algorithm = HashAlgorithm.forJuniperElement(element);
      if (algorithm.isPresent()) {
        HashAlgorithm a = algorithm.get();
        b.addVerification(x.leaf(s -> new ImageVerification(a, Bytes.fromHex(s))));
        continue;
      }
      switch (element) {
        case "name" -> name = x.leaf();
        case "os-name" -> b.osName(x.leaf());
        case "os-version" -> explicitVersion = x.leaf();
        case "path" -> b.addDownloadUri(x.leaf(s -> {
          if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
          }
          return s;
        }));
        default -> x.skip(); // signature and anything unknown
      }
    }
    b.name(name);
    b.osVersion(explicitVersion != null ? explicitVersion : osVersionFromImageName(name).orElse(null));
    return b.build();
  }

  private static @Nullable Bytes readConfiguration(XmlIn x, CodecLimits limits) {
    Bytes result = null;
    while (x.nextChild()) {
      if (!x.name().equals("config")) {
        throw x.error("expected <config> inside <configuration> but found <" + x.name() + ">");
      }
      while (x.nextChild()) {
        if (result != null) {
          throw x.error("<config> holds more than one element");
        }
        result = Bytes.of(x.copy(limits.maxConfigurationBytes(), "configuration"));
      }
    }
    return result;
  }

  /** Reads SPEC section 3's {@code <virtual-chassis>}; shared with the RFC dialect's XML. */
  static VirtualChassisTopology readTopology(XmlIn x) {
    String vcPath = x.path();
    var mode = dev.phonehome.phc.api.model.ProvisioningMode.DEFAULT;
    String modePath = vcPath + "/provisioning-mode";
    List<dev.phonehome.phc.api.model.IntendedMember> members = new ArrayList<>();
    while (x.nextChild()) {
      switch (x.name()) {
        case "provisioning-mode" -> {
          modePath = x.path();
          mode = x.leaf(dev.phonehome.phc.api.model.ProvisioningMode::forYangName);
        }
        case "member" -> members.add(readMember(x));
        default -> x.skip();
      }
    }
    if (mode == dev.phonehome.phc.api.model.ProvisioningMode.STRICT && members.isEmpty()) {
      throw new PhcProtocolException(
          "provisioning-mode 'strict' requires a member list (full topology information)", modePath);
    }
    try {
      return VirtualChassisTopology.full(mode, members);
    } catch (IllegalArgumentException e) {
      throw new PhcProtocolException(e.getMessage(), vcPath);
    }
  }

  private static dev.phonehome.phc.api.model.IntendedMember readMember(XmlIn x) {
    String memberPath = x.path();
    String serial = null;
    Integer id = null;
    dev.phonehome.phc.api.model.IntendedRole role = null;
    String model = null;
    while (x.nextChild()) {
      switch (x.name()) {
        case "serial-number" -> serial = x.leaf(s -> {
          if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
          }
          return s;
        });
        case "member-id" -> id = x.leaf(JuniperXmlCodec::memberId);
        case "role" -> role = x.leaf(dev.phonehome.phc.api.model.IntendedRole::forYangName);
        case "model" -> model = x.leaf();
        default -> x.skip();
      }
    }
    if (serial == null) {
      throw new PhcProtocolException("missing serial-number", memberPath);
    }
    return new dev.phonehome.phc.api.model.IntendedMember(serial, id, role, model);
  }

  static Integer memberId(String s) {
    int id;
    try {
      id = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number");
    }
    if (id < 0 || id > 9) {
      throw new IllegalArgumentException("not 0 to 9");
    }
    return id;
  }

  /**
   * A {@code <notification>} with member fields when the report has a member, and {@code <notification-id>}
   * when it has one. SSH host keys and trust anchor certificates have no Juniper encoding and are not written.
   */
  public static byte[] encodeNotification(ProgressReport report) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    XmlOut x = XmlOut.document(bytes);
    x.start("notification", NAMESPACE);
    x.leaf("notification-type", report.type().name());
    x.leaf("message", report.message());
    MemberRef m = report.member();
    if (m != null) {
      x.leaf("member-id", Integer.toString(m.memberId()));
      x.leaf("serial-number", m.serialNumber());
      x.leaf("role", m.role().reportName());
    }
    NotificationId nid = report.notificationId();
    if (nid != null) {
      x.leaf("notification-id", nid.toString());
    }
    x.end();
    x.finish();
    return bytes.toByteArray();
  }

  /**
   * Every {@code notification-type} in the body, whatever the root element, in document order. The message and
   * member fields are the type element's siblings. The body is bounded by {@link CodecLimits#maxDocumentBytes()}.
   *
   * @throws PhcProtocolException naming the path and value that were wrong
   * @throws java.io.UncheckedIOException when reading {@code in} fails (a transport problem)
   */
  public static List<ProgressReport> decodeNotifications(InputStream in, CodecLimits limits) {
    Document doc = SafeXml.parse(in, limits.maxDocumentBytes());
    NodeList types = doc.getElementsByTagNameNS("*", "notification-type");
    List<ProgressReport> reports = new ArrayList<>();
    for (int i = 0; i < types.getLength(); i++) {
      Element typeElement = (Element) types.item(i);
      String path = domPath(typeElement);
      String typeName = typeElement.getTextContent().strip();
      if (typeName.isEmpty()) {
        throw new PhcProtocolException("empty notification-type", path);
      }
      ProgressReport.Builder b = ProgressReport.builder(ProgressType.of(typeName));
      Node parent = typeElement.getParentNode();
      String message = null;
      String id = null;
      String serial = null;
      String role = null;
      String idPath = null;
      String rolePath = null;
      String nid = null;
      String nidPath = null;
      for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (!(n instanceof Element e)) {
          continue;
        }
        switch (e.getLocalName()) {
          case "message" -> message = e.getTextContent();
          case "member-id" -> {
            id = e.getTextContent().strip();
            idPath = domPath(e);
          }
          case "serial-number" -> serial = e.getTextContent().strip();
          case "notification-id" -> {
            nid = e.getTextContent().strip();
            nidPath = domPath(e);
          }
          case "role" -> {
            role = e.getTextContent().strip();
            rolePath = domPath(e);
          }
          default -> {
          }
        }
      }
      b.message(message);
      if (nid != null) {
        try {
          b.notificationId(NotificationId.parse(nid));
        } catch (IllegalArgumentException e) {
          throw new PhcProtocolException("invalid notification-id " + Texts.quote(nid), nidPath);
        }
      }
      if (id != null || serial != null || role != null) {
        String parentPath = domPath((Element) parent);
        if (id == null || serial == null || role == null || serial.isEmpty()) {
          throw new PhcProtocolException(
              "member fields need member-id, serial-number and role together", parentPath);
        }
        int memberId;
        try {
          memberId = memberId(id);
        } catch (IllegalArgumentException e) {
          throw new PhcProtocolException("invalid member-id " + Texts.quote(id) + " (" + e.getMessage() + ")", idPath);
        }
        MemberRole memberRole;
        try {
          memberRole = MemberRole.parse(role);
        } catch (IllegalArgumentException e) {
          throw new PhcProtocolException("invalid role " + Texts.quote(role), rolePath);
        }
        b.member(new MemberRef(memberId, serial, memberRole));
      }
      reports.add(b.build());
    }
    return reports;
  }

  private static String domPath(Element e) {
    StringBuilder b = new StringBuilder();
    for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
      int idx = 1;
      int total = 0;
      for (Node s = el.getParentNode() == null ? null : el.getParentNode().getFirstChild(); s != null;
          s = s.getNextSibling()) {
        if (s instanceof Element se && se.getLocalName().equals(el.getLocalName())) {
          total++;
          if (s == el) {
            idx = total;
          }
        }
      }
      b.insert(0, "/" + el.getLocalName() + (total > 1 ? "[" + idx + "]" : ""));
    }
    return b.toString();
  }
}
