package dev.phonehome.phc.core.internal.codec;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.PhcProtocolException;
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
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.internal.json.JsonWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * RFC 8572 messages in RFC 7951 JSON and RFC 7950 XML. VC progress types travel as {@code informational} with
 * the message {@code <vc-type>: member ...: <text>} (SPEC section 5) and are restored on decode.
 *
 * <p>Rules and choices:
 * <ul>
 *   <li>JSON: top-level members are module-qualified ({@code ietf-sztp-bootstrap-server:input}/{@code :output},
 *       {@code ietf-sztp-conveyed-info:onboarding-information}/{@code redirect-information}); nested names are
 *       not (a redundant prefix is accepted on input); empty leaf is {@code [null]}; binary is base64; identities
 *       are module-qualified ({@code ietf-sztp-conveyed-info:sha-256}; SHA-512, SHA-1 and MD5 are our identities in
 *       module {@code phc-conveyed-info}); {@code hash-value} is colon-separated hex ({@code yang:hex-string}).
 *       Output is pretty-printed with two spaces, like the RFC's examples.
 *   <li>XML: default namespaces {@code urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server} ({@code <input>},
 *       {@code <output>}) and {@code urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info}; identity values are
 *       written module-qualified as in the RFC's examples and read by their local name.
 *   <li>The VC topology (SPEC section 3) is the augmentation {@code phc-virtual-chassis:virtual-chassis}
 *       (XML namespace {@value #PHC_VC_NS}) at the end of onboarding-information.
 *   <li>RFC 8572 carries one pre- and one post-configuration script: encoding more throws
 *       {@link IllegalArgumentException} naming the field. The image {@code name} (Juniper only) is not carried.
 *   <li>{@code configuration-handling} is written when, and only when, there is a configuration (its YANG {@code
 *       when}); absent reads as merge. {@code reporting-level} absent stays null (the RFC's default is minimal).
 *   <li>A member-specific report whose message does not yet start with {@code member <id> (serial <SN>, role
 *       <role>)} gets that prefix; on decode a message with that prefix restores {@link ProgressReport#member()}.
 *   <li>Unknown leaves are skipped; unknown enum and identity values are errors. {@code progress-type} is an
 *       enumeration of 27 values: a type outside it (a VC type, or a name only a peer knows) is sent as {@code
 *       informational} with its name as the message prefix; VC types are restored from that prefix on decode, a
 *       peer's own type stays {@code informational} (the RFC has no way to carry its name as a type).
 *   <li>Binary leaves may be line-wrapped (whitespace inside base64 is ignored on input).
 * </ul>
 *
 * <p>Every decoder reads at most {@link CodecLimits#streamCap()} bytes, bounds configuration and scripts by
 * {@link CodecLimits#maxConfigurationBytes()} and the rest by {@link CodecLimits#maxDocumentBytes()}; a bad
 * document is a {@link PhcProtocolException} whose {@link PhcProtocolException#path() path} is a JSON path
 * ({@code $.ietf-sztp-conveyed-info:onboarding-information.boot-image.image-verification[0].hash-value}) or an
 * XPath-like path ({@code /onboarding-information/boot-image/image-verification[1]/hash-value}); a failure to read
 * the stream is an {@link UncheckedIOException}.
 */
public final class Rfc8572Codec {
  static final String BOOTSTRAP_MODULE = "ietf-sztp-bootstrap-server";
  static final String CONVEYED_MODULE = "ietf-sztp-conveyed-info";
  static final String PHC_VC_MODULE = "phc-virtual-chassis";
  static final String PHC_CONVEYED_MODULE = "phc-conveyed-info";
  /** XML namespace of {@code ietf-sztp-bootstrap-server}. */
  public static final String BOOTSTRAP_NS = "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server";
  /** XML namespace of {@code ietf-sztp-conveyed-info}. */
  public static final String CONVEYED_NS = "urn:ietf:params:xml:ns:yang:ietf-sztp-conveyed-info";
  /** XML namespace of our VC augmentation {@code phc-virtual-chassis}. */
  public static final String PHC_VC_NS = "urn:phc:params:xml:ns:yang:phc-virtual-chassis";

  private static final Set<String> LIST_NAMES = Set.of("download-uri", "image-verification", "bootstrap-server",
      "member", "ssh-host-key", "trust-anchor-cert");
  private static final Pattern COLON_HEX = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*");
  /** Our notification id at the end of an RFC 8572 {@code message} (see {@link NotificationId}). */
  private static final Pattern NOTIFICATION_ID_SUFFIX =
      Pattern.compile("(?:(.*) )?\\[notification-id ([0-9A-Za-z]{1,32}-[1-9][0-9]{0,17})\\]", Pattern.DOTALL);
  private static final Pattern VC_PREFIX = Pattern.compile("(vc-[a-z-]+)(?:: (.*))?", Pattern.DOTALL);
  private static final Pattern MEMBER_PREFIX =
      Pattern.compile("member (\\d) \\(serial (.*?), role (master|backup|linecard)\\)(?:: .*)?", Pattern.DOTALL);

  private Rfc8572Codec() {}

  // ---------------------------------------------------------------------------------------------------------------
  // get-bootstrapping-data input

  /** The {@code get-bootstrapping-data} input (the serial travels in the credentials, not here). */
  public static byte[] encodeBootstrapRequest(BootstrapRequest request, Encoding encoding) {
    if (encoding == Encoding.JSON) {
      return json(w -> {
        w.beginObject().name(BOOTSTRAP_MODULE + ":input").beginObject();
        if (request.signedDataPreferred()) {
          w.name("signed-data-preferred");
          emptyLeaf(w);
        }
        nameValue(w, "hw-model", request.hwModel());
        nameValue(w, "os-name", request.osName());
        nameValue(w, "os-version", request.osVersion());
        nameValue(w, "nonce", request.nonce() == null ? null : request.nonce().base64());
        w.endObject().endObject();
      });
    }
    return xml(x -> {
      x.start("input", BOOTSTRAP_NS);
      if (request.signedDataPreferred()) {
        x.empty("signed-data-preferred", null);
      }
      x.leaf("hw-model", request.hwModel());
      x.leaf("os-name", request.osName());
      x.leaf("os-version", request.osVersion());
      x.leaf("nonce", request.nonce() == null ? null : request.nonce().base64());
      x.end();
    });
  }

  /**
   * @param serialNumber the authenticated serial, which the decoded request carries
   * @throws PhcProtocolException naming the path and value that were wrong; an empty body is an empty input
   */
  public static BootstrapRequest decodeBootstrapRequest(
      InputStream in, Encoding encoding, String serialNumber, CodecLimits limits) {
    SafeXml.BoundedInputStream body = SafeXml.bounded(in, limits.maxDocumentBytes());
    PushbackInputStream pushback = new PushbackInputStream(body, 1);
    if (isEmpty(pushback)) {
      return BootstrapRequest.of(serialNumber);
    }
    String[] leaves = new String[3];
    Bytes[] nonce = new Bytes[1];
    boolean[] signed = new boolean[1];
    String[] noncePath = {null};
    if (encoding == Encoding.JSON) {
      JsonIn j = JsonIn.open(pushback);
      j.read(r -> {
        r.beginObject();
        boolean seen = false;
        while (r.r.hasNext()) {
          String top = r.r.nextName();
          if (!top.equals(BOOTSTRAP_MODULE + ":input")) {
            throw r.error("unexpected member " + Texts.quote(top) + ", expected " + BOOTSTRAP_MODULE + ":input");
          }
          seen = true;
          r.beginObject();
          while (r.r.hasNext()) {
            switch (JsonIn.local(r.r.nextName())) {
              case "signed-data-preferred" -> {
                r.empty();
                signed[0] = true;
              }
              case "hw-model" -> leaves[0] = r.string();
              case "os-name" -> leaves[1] = r.string();
              case "os-version" -> leaves[2] = r.string();
              case "nonce" -> {
                noncePath[0] = r.path();
                nonce[0] = emptyAsAbsent(r.binary(limits.maxDocumentBytes()));
              }
              default -> r.r.skipValue();
            }
          }
          r.r.endObject();
        }
        r.r.endObject();
        if (!seen) {
          throw ConstraintViolation.missingElement("missing " + BOOTSTRAP_MODULE + ":input", "$");
        }
        return null;
      });
    } else {
      XmlIn x = XmlIn.open(pushback, LIST_NAMES).root();
      requireRoot(x, "input");
      while (x.nextChild()) {
        switch (x.name()) {
          case "signed-data-preferred" -> {
            String p = x.path();
            if (!x.text().isBlank()) {
              throw ConstraintViolation.invalidValue("signed-data-preferred is an empty leaf but has content", p);
            }
            signed[0] = true;
          }
          case "hw-model" -> leaves[0] = x.leaf();
          case "os-name" -> leaves[1] = x.leaf();
          case "os-version" -> leaves[2] = x.leaf();
          case "nonce" -> {
            noncePath[0] = x.path();
            nonce[0] = emptyAsAbsent(JuniperXmlCodec.base64(x.leaf(), noncePath[0], limits));
          }
          default -> x.skip();
        }
      }
      x.finish();
    }
    if (nonce[0] != null && (nonce[0].size() < 16 || nonce[0].size() > 32)) {
      throw ConstraintViolation.invalidValue("nonce must be 16 to 32 bytes, was " + nonce[0].size(), noncePath[0]);
    }
    return new BootstrapRequest(serialNumber, leaves[0], leaves[1], leaves[2], nonce[0], signed[0]);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // get-bootstrapping-data output

  /** The {@code get-bootstrapping-data} output. */
  public static byte[] encodeBootstrappingData(BootstrappingData data, Encoding encoding) {
    String level = data.reportingLevel() == null ? null : data.reportingLevel().yangName();
    if (encoding == Encoding.JSON) {
      return json(w -> {
        w.beginObject().name(BOOTSTRAP_MODULE + ":output").beginObject();
        nameValue(w, "reporting-level", level);
        nameValue(w, "conveyed-information", data.conveyedInformation().base64());
        nameValue(w, "owner-certificate", data.ownerCertificate() == null ? null : data.ownerCertificate().base64());
        nameValue(w, "ownership-voucher", data.ownershipVoucher() == null ? null : data.ownershipVoucher().base64());
        w.endObject().endObject();
      });
    }
    return xml(x -> {
      x.start("output", BOOTSTRAP_NS);
      x.leaf("reporting-level", level);
      x.leaf("conveyed-information", data.conveyedInformation().base64());
      x.leaf("owner-certificate", data.ownerCertificate() == null ? null : data.ownerCertificate().base64());
      x.leaf("ownership-voucher", data.ownershipVoucher() == null ? null : data.ownershipVoucher().base64());
      x.end();
    });
  }

  /** @throws PhcProtocolException naming the path and value that were wrong */
  public static BootstrappingData decodeBootstrappingData(InputStream in, Encoding encoding, CodecLimits limits) {
    SafeXml.BoundedInputStream body = SafeXml.bounded(in, limits.streamCap());
    long binaryMax = limits.maxDocumentBytes() + limits.maxConfigurationBytes() * 3;
    ReportingLevel[] level = new ReportingLevel[1];
    Bytes[] b = new Bytes[3];
    String rootPath;
    long binaryChars;
    if (encoding == Encoding.JSON) {
      rootPath = "$." + BOOTSTRAP_MODULE + ":output";
      JsonIn j = JsonIn.open(body);
      j.read(r -> {
        r.beginObject();
        boolean seen = false;
        while (r.r.hasNext()) {
          String top = r.r.nextName();
          if (!top.equals(BOOTSTRAP_MODULE + ":output")) {
            throw r.error("unexpected member " + Texts.quote(top) + ", expected " + BOOTSTRAP_MODULE + ":output");
          }
          seen = true;
          r.beginObject();
          while (r.r.hasNext()) {
            switch (JsonIn.local(r.r.nextName())) {
              case "reporting-level" -> level[0] = r.string(ReportingLevel::forYangName);
              case "conveyed-information" -> b[0] = r.binary(binaryMax);
              case "owner-certificate" -> b[1] = r.binary(binaryMax);
              case "ownership-voucher" -> b[2] = r.binary(binaryMax);
              default -> r.r.skipValue();
            }
          }
          r.r.endObject();
        }
        r.r.endObject();
        if (!seen) {
          throw ConstraintViolation.missingElement("missing " + BOOTSTRAP_MODULE + ":output", "$");
        }
        return null;
      });
      binaryChars = j.binaryChars;
    } else {
      rootPath = "/output";
      XmlIn x = XmlIn.open(body, LIST_NAMES).root();
      requireRoot(x, "output");
      CodecLimits leafLimits = new CodecLimits(Long.MAX_VALUE, binaryMax);
      long chars = 0;
      while (x.nextChild()) {
        String p = x.path();
        switch (x.name()) {
          case "reporting-level" -> level[0] = x.leaf(ReportingLevel::forYangName);
          case "conveyed-information", "owner-certificate", "ownership-voucher" -> {
            int i = x.name().equals("conveyed-information") ? 0 : x.name().equals("owner-certificate") ? 1 : 2;
            String t = x.leaf();
            chars += t.length();
            b[i] = JuniperXmlCodec.base64(t, p, leafLimits);
          }
          default -> x.skip();
        }
      }
      x.finish();
      binaryChars = chars;
    }
    JuniperXmlCodec.checkDocumentSize(body.count() - binaryChars, limits);
    if (b[0] == null) {
      throw ConstraintViolation.missingElement("missing conveyed-information", rootPath);
    }
    if ((b[1] == null) != (b[2] == null)) {
      throw ConstraintViolation.invalidValue(
          "owner-certificate and ownership-voucher must come together, got only "
              + (b[1] == null ? "ownership-voucher" : "owner-certificate"), rootPath);
    }
    return new BootstrappingData(level[0], b[0], b[1], b[2]);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // report-progress input

  /** The {@code report-progress} input. */
  public static byte[] encodeReportProgress(ProgressReport report, Encoding encoding) {
    String type = wireType(report).name();
    String message = wireMessage(report);
    if (encoding == Encoding.JSON) {
      return json(w -> {
        w.beginObject().name(BOOTSTRAP_MODULE + ":input").beginObject();
        w.name("progress-type").value(type);
        nameValue(w, "message", message);
        if (!report.sshHostKeys().isEmpty()) {
          w.name("ssh-host-keys").beginObject().name("ssh-host-key").beginArray();
          for (SshHostKey k : report.sshHostKeys()) {
            w.beginObject().name("algorithm").value(k.algorithm()).name("key-data").value(k.keyData().base64())
                .endObject();
          }
          w.endArray().endObject();
        }
        if (!report.trustAnchorCerts().isEmpty()) {
          w.name("trust-anchor-certs").beginObject().name("trust-anchor-cert").beginArray();
          for (Bytes c : report.trustAnchorCerts()) {
            w.value(c.base64());
          }
          w.endArray().endObject();
        }
        w.endObject().endObject();
      });
    }
    return xml(x -> {
      x.start("input", BOOTSTRAP_NS);
      x.leaf("progress-type", type);
      x.leaf("message", message);
      if (!report.sshHostKeys().isEmpty()) {
        x.start("ssh-host-keys");
        for (SshHostKey k : report.sshHostKeys()) {
          x.start("ssh-host-key").leaf("algorithm", k.algorithm()).leaf("key-data", k.keyData().base64()).end();
        }
        x.end();
      }
      if (!report.trustAnchorCerts().isEmpty()) {
        x.start("trust-anchor-certs");
        for (Bytes c : report.trustAnchorCerts()) {
          x.leaf("trust-anchor-cert", c.base64());
        }
        x.end();
      }
      x.end();
    });
  }

  /**
   * The {@code report-progress} input, checked as an RFC 8572 server must (section 7): {@code progress-type} is
   * one of the 27 enumeration values, {@code ssh-host-keys} and {@code trust-anchor-certs} carry entries only with
   * {@code bootstrap-complete} (their YANG {@code when}; an empty container is the same as none), and every
   * {@code trust-anchor-cert} is a CMS SignedData. VC types arrive as {@code informational} and are restored.
   *
   * @throws ConstraintViolation when a value breaks one of those rules (the path names it)
   * @throws PhcProtocolException when the document is malformed
   */
  public static ProgressReport decodeReportProgress(InputStream in, Encoding encoding, CodecLimits limits) {
    return decodeReportProgress(in, encoding, limits, true);
  }

  /**
   * As {@link #decodeReportProgress(InputStream, Encoding, CodecLimits)}; with {@code requireCmsTrustAnchors}
   * false a {@code trust-anchor-cert} that is not CMS is kept as sent (for agents that send other bytes there).
   */
  public static ProgressReport decodeReportProgress(
      InputStream in, Encoding encoding, CodecLimits limits, boolean requireCmsTrustAnchors) {
    SafeXml.BoundedInputStream body = SafeXml.bounded(in, limits.maxDocumentBytes());
    String[] type = new String[1];
    String[] message = new String[1];
    // [0] progress-type, [1] ssh-host-keys, [2] trust-anchor-certs
    String[] paths = new String[3];
    List<String> certPaths = new ArrayList<>();
    List<SshHostKey> keys = new ArrayList<>();
    List<Bytes> certs = new ArrayList<>();
    long max = limits.maxDocumentBytes();
    String rootPath;
    if (encoding == Encoding.JSON) {
      rootPath = "$." + BOOTSTRAP_MODULE + ":input";
      JsonIn.open(body).read(r -> {
        r.beginObject();
        boolean seen = false;
        while (r.r.hasNext()) {
          String top = r.r.nextName();
          if (!top.equals(BOOTSTRAP_MODULE + ":input")) {
            throw r.error("unexpected member " + Texts.quote(top) + ", expected " + BOOTSTRAP_MODULE + ":input");
          }
          seen = true;
          r.beginObject();
          while (r.r.hasNext()) {
            switch (JsonIn.local(r.r.nextName())) {
              case "progress-type" -> {
                paths[0] = r.path();
                type[0] = r.string();
              }
              case "message" -> message[0] = r.string();
              case "ssh-host-keys" -> {
                paths[1] = r.path();
                r.beginObject();
                while (r.r.hasNext()) {
                  if (!JsonIn.local(r.r.nextName()).equals("ssh-host-key")) {
                    r.r.skipValue();
                    continue;
                  }
                  r.beginArray();
                  while (r.r.hasNext()) {
                    String keyPath = r.path();
                    r.beginObject();
                    String algorithm = null;
                    Bytes data = null;
                    while (r.r.hasNext()) {
                      switch (JsonIn.local(r.r.nextName())) {
                        case "algorithm" -> algorithm = r.string();
                        case "key-data" -> data = r.binary(max);
                        default -> r.r.skipValue();
                      }
                    }
                    r.r.endObject();
                    if (algorithm == null || data == null) {
                      throw ConstraintViolation.missingElement(
                          "missing " + (algorithm == null ? "algorithm" : "key-data"), keyPath);
                    }
                    keys.add(new SshHostKey(algorithm, data));
                  }
                  r.r.endArray();
                }
                r.r.endObject();
              }
              case "trust-anchor-certs" -> {
                paths[2] = r.path();
                r.beginObject();
                while (r.r.hasNext()) {
                  if (!JsonIn.local(r.r.nextName()).equals("trust-anchor-cert")) {
                    r.r.skipValue();
                    continue;
                  }
                  r.beginArray();
                  while (r.r.hasNext()) {
                    certPaths.add(r.path());
                    certs.add(r.binary(max));
                  }
                  r.r.endArray();
                }
                r.r.endObject();
              }
              default -> r.r.skipValue();
            }
          }
          r.r.endObject();
        }
        r.r.endObject();
        if (!seen) {
          throw ConstraintViolation.missingElement("missing " + BOOTSTRAP_MODULE + ":input", "$");
        }
        return null;
      });
    } else {
      rootPath = "/input";
      XmlIn x = XmlIn.open(body, LIST_NAMES).root();
      requireRoot(x, "input");
      while (x.nextChild()) {
        switch (x.name()) {
          case "progress-type" -> {
            paths[0] = x.path();
            type[0] = x.leaf();
          }
          case "message" -> message[0] = x.text();
          case "ssh-host-keys" -> {
            paths[1] = x.path();
            while (x.nextChild()) {
              if (!x.name().equals("ssh-host-key")) {
                x.skip();
                continue;
              }
              String keyPath = x.path();
              String algorithm = null;
              Bytes data = null;
              while (x.nextChild()) {
                switch (x.name()) {
                  case "algorithm" -> algorithm = x.leaf();
                  case "key-data" -> {
                    String p = x.path();
                    data = JuniperXmlCodec.base64(x.leaf(), p, new CodecLimits(Long.MAX_VALUE, max));
                  }
                  default -> x.skip();
                }
              }
              if (algorithm == null || data == null) {
                throw ConstraintViolation.missingElement(
                    "missing " + (algorithm == null ? "algorithm" : "key-data"), keyPath);
              }
              keys.add(new SshHostKey(algorithm, data));
            }
          }
          case "trust-anchor-certs" -> {
            paths[2] = x.path();
            while (x.nextChild()) {
              if (!x.name().equals("trust-anchor-cert")) {
                x.skip();
                continue;
              }
              String p = x.path();
              certPaths.add(p);
              certs.add(JuniperXmlCodec.base64(x.leaf(), p, new CodecLimits(Long.MAX_VALUE, max)));
            }
          }
          default -> x.skip();
        }
      }
      x.finish();
    }
    if (type[0] == null) {
      throw ConstraintViolation.missingElement("missing progress-type", rootPath);
    }
    ProgressType wire = ProgressType.of(type[0]);
    if (!wire.isRfc8572()) {
      throw ConstraintViolation.invalidValue("invalid progress-type " + Texts.quote(type[0])
          + " (not one of the 27 RFC 8572 values; other types travel as 'informational')", paths[0]);
    }
    if (!wire.equals(ProgressType.BOOTSTRAP_COMPLETE)) {
      if (!keys.isEmpty()) {
        throw ConstraintViolation.invalidValue("ssh-host-keys is only allowed with progress-type"
            + " 'bootstrap-complete', not " + Texts.quote(type[0]) + " (RFC 8572 section 7, YANG when)", paths[1]);
      }
      if (!certs.isEmpty()) {
        throw ConstraintViolation.invalidValue("trust-anchor-certs is only allowed with progress-type"
            + " 'bootstrap-complete', not " + Texts.quote(type[0]) + " (RFC 8572 section 7, YANG when)", paths[2]);
      }
    }
    if (requireCmsTrustAnchors) {
      for (int i = 0; i < certs.size(); i++) {
        String problem = ConveyedInformationCms.signedDataProblem(certs.get(i));
        if (problem != null) {
          throw ConstraintViolation.invalidValue("trust-anchor-cert is not a CMS SignedData (" + problem + ")",
              certPaths.get(i));
        }
      }
    }
    return fromWire(wire, message[0], keys, certs);
  }

  /**
   * The type a report travels as in the RFC dialect: one of the 27 RFC 8572 values as itself, any other type (VC
   * types, a peer's own) as {@code informational}, since RFC 8572 section 7 makes {@code progress-type} an
   * enumeration and a conforming server (ours included) refuses anything else with 400.
   */
  static ProgressType wireType(ProgressReport report) {
    return report.type().isRfc8572() ? report.type() : ProgressType.INFORMATIONAL;
  }

  /** The message a report travels with in the RFC dialect (SPEC section 5). */
  static @Nullable String wireMessage(ProgressReport report) {
    String base = report.message();
    MemberRef m = report.member();
    if (m != null && (base == null || !base.startsWith(m.describe()))) {
      base = m.describe() + (base == null ? "" : ": " + base);
    }
    if (!report.type().isRfc8572()) {
      base = report.type().name() + (base == null ? "" : ": " + base);
    }
    NotificationId nid = report.notificationId();
    if (nid != null) {
      base = (base == null ? "" : base + " ") + "[notification-id " + nid + "]";
    }
    return base;
  }

  private static @Nullable Bytes emptyAsAbsent(Bytes b) {
    // Real agents send "nonce": "" when they have none; an empty binary is no nonce, not a bad one.
    return b.isEmpty() ? null : b;
  }

  private static ProgressReport fromWire(ProgressType type, @Nullable String message, List<SshHostKey> keys,
      List<Bytes> certs) {
    NotificationId nid = null;
    if (message != null) {
      Matcher id = NOTIFICATION_ID_SUFFIX.matcher(message);
      if (id.matches()) {
        nid = NotificationId.parse(id.group(2));
        message = id.group(1);
      }
    }
    if (type.equals(ProgressType.INFORMATIONAL) && message != null) {
      Matcher vc = VC_PREFIX.matcher(message);
      if (vc.matches() && ProgressType.of(vc.group(1)).isVirtualChassis()) {
        type = ProgressType.of(vc.group(1));
        message = vc.group(2);
      }
    }
    ProgressReport.Builder b = ProgressReport.builder(type).message(message).notificationId(nid);
    if (message != null) {
      Matcher mm = MEMBER_PREFIX.matcher(message);
      if (mm.matches()) {
        b.member(new MemberRef(Integer.parseInt(mm.group(1)), mm.group(2), MemberRole.parse(mm.group(3))));
      }
    }
    keys.forEach(b::addSshHostKey);
    certs.forEach(b::addTrustAnchorCert);
    return b.build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // conveyed information

  /**
   * The {@code ietf-sztp-conveyed-info} document (redirect or onboarding information).
   *
   * @throws IllegalArgumentException when the value has no RFC 8572 encoding (more than one pre- or
   *     post-configuration script)
   */
  public static byte[] encodeConveyedInformation(ConveyedInformation info, Encoding encoding) {
    if (info instanceof OnboardingInformation o) {
      if (o.preConfigurationScripts().size() > 1) {
        throw new IllegalArgumentException("pre-configuration-script: RFC 8572 carries one, the model has "
            + o.preConfigurationScripts().size());
      }
      if (o.postConfigurationScripts().size() > 1) {
        throw new IllegalArgumentException("post-configuration-script: RFC 8572 carries one, the model has "
            + o.postConfigurationScripts().size());
      }
    }
    return encoding == Encoding.JSON ? json(w -> writeConveyedJson(w, info)) : xml(x -> writeConveyedXml(x, info));
  }

  private static void writeConveyedJson(JsonWriter w, ConveyedInformation info) throws IOException {
    w.beginObject();
    if (info instanceof RedirectInformation redirect) {
      w.name(CONVEYED_MODULE + ":redirect-information").beginObject().name("bootstrap-server").beginArray();
      for (BootstrapServer s : redirect.bootstrapServers()) {
        w.beginObject().name("address").value(s.address());
        if (s.port() != null) {
          w.name("port").value(s.port().longValue());
        }
        nameValue(w, "trust-anchor", s.trustAnchor() == null ? null : s.trustAnchor().base64());
        w.endObject();
      }
      w.endArray().endObject();
    } else if (info instanceof OnboardingInformation o) {
      w.name(CONVEYED_MODULE + ":onboarding-information").beginObject();
      BootImage image = o.bootImage();
      if (image != null) {
        w.name("boot-image").beginObject();
        nameValue(w, "os-name", image.osName());
        nameValue(w, "os-version", image.osVersion());
        if (!image.downloadUris().isEmpty()) {
          w.name("download-uri").beginArray();
          for (String u : image.downloadUris()) {
            w.value(u);
          }
          w.endArray();
        }
        if (!image.verifications().isEmpty()) {
          w.name("image-verification").beginArray();
          for (ImageVerification v : image.verifications()) {
            w.beginObject().name("hash-algorithm").value(v.algorithm().identity())
                .name("hash-value").value(v.value().colonHex()).endObject();
          }
          w.endArray();
        }
        w.endObject();
      }
      if (writesHandling(o)) {
        w.name("configuration-handling").value(o.configurationHandling().yangName());
      }
      for (Bytes s : o.preConfigurationScripts()) {
        w.name("pre-configuration-script").value(s.base64());
      }
      nameValue(w, "configuration", o.configuration() == null ? null : o.configuration().base64());
      for (Bytes s : o.postConfigurationScripts()) {
        w.name("post-configuration-script").value(s.base64());
      }
      VirtualChassisTopology t = o.topology();
      if (t.isVirtualChassis()) {
        w.name(PHC_VC_MODULE + ":virtual-chassis").beginObject();
        w.name("provisioning-mode").value(t.mode().yangName());
        if (!t.members().isEmpty()) {
          w.name("member").beginArray();
          for (IntendedMember m : t.members()) {
            w.beginObject().name("serial-number").value(m.serialNumber());
            if (m.memberId() != null) {
              w.name("member-id").value(m.memberId().longValue());
            }
            nameValue(w, "role", m.role() == null ? null : m.role().yangName());
            nameValue(w, "model", m.model());
            w.endObject();
          }
          w.endArray();
        }
        w.endObject();
      }
      w.endObject();
    }
    w.endObject();
  }

  /**
   * RFC 8572's YANG pairs {@code configuration-handling} with {@code configuration} (written when, and only
   * when, there is a configuration); a handling without a configuration means nothing and is not written.
   */
  private static boolean writesHandling(OnboardingInformation o) {
    return o.configuration() != null;
  }

  /** XML namespace of our module {@code phc-conveyed-info} (SHA-512, SHA-1 and MD5 identities). */
  public static final String PHC_CONVEYED_NS = "urn:phc:params:xml:ns:yang:phc-conveyed-info";

  private static String namespaceOfModule(String module) {
    return switch (module) {
      case CONVEYED_MODULE -> CONVEYED_NS;
      case PHC_CONVEYED_MODULE -> PHC_CONVEYED_NS;
      default -> throw new IllegalArgumentException("no XML namespace known for module " + module);
    };
  }

  private static void writeConveyedXml(XmlOut x, ConveyedInformation info) {
    if (info instanceof RedirectInformation redirect) {
      x.start("redirect-information", CONVEYED_NS);
      for (BootstrapServer s : redirect.bootstrapServers()) {
        x.start("bootstrap-server");
        x.leaf("address", s.address());
        x.leaf("port", s.port() == null ? null : s.port().toString());
        x.leaf("trust-anchor", s.trustAnchor() == null ? null : s.trustAnchor().base64());
        x.end();
      }
      x.end();
    } else if (info instanceof OnboardingInformation o) {
      x.start("onboarding-information", CONVEYED_NS);
      BootImage image = o.bootImage();
      if (image != null) {
        x.start("boot-image");
        x.leaf("os-name", image.osName());
        x.leaf("os-version", image.osVersion());
        for (String u : image.downloadUris()) {
          x.leaf("download-uri", u);
        }
        for (ImageVerification v : image.verifications()) {
          x.start("image-verification");
          String identity = v.algorithm().identity();
          String module = identity.substring(0, identity.indexOf(':'));
          x.leafWithPrefix("hash-algorithm", identity, module, namespaceOfModule(module));
          x.leaf("hash-value", v.value().colonHex());
          x.end();
        }
        x.end();
      }
      if (writesHandling(o)) {
        x.leaf("configuration-handling", o.configurationHandling().yangName());
      }
      for (Bytes s : o.preConfigurationScripts()) {
        x.leaf("pre-configuration-script", s.base64());
      }
      x.leaf("configuration", o.configuration() == null ? null : o.configuration().base64());
      for (Bytes s : o.postConfigurationScripts()) {
        x.leaf("post-configuration-script", s.base64());
      }
      if (o.topology().isVirtualChassis()) {
        JuniperXmlCodec.writeTopology(x, o.topology(), PHC_VC_NS);
      }
      x.end();
    }
  }

  /**
   * Reads conveyed information as a record store must (strict): an unknown {@code hash-algorithm} identity is
   * an error.
   *
   * @throws ConstraintViolation when a value breaks a YANG rule (the path names it)
   * @throws PhcProtocolException naming the path and value that were wrong
   */
  public static ConveyedInformation decodeConveyedInformation(byte[] document, Encoding encoding, CodecLimits limits) {
    return decodeConveyedInformation(document, encoding, limits, false);
  }

  /**
   * Reads conveyed information.
   *
   * @param skipUnknownHashAlgorithms true for what a device receives: {@code image-verification} entries whose
   *     {@code hash-algorithm} identity phc does not know are skipped, and only a list where no usable entry
   *     remains is an error; false (records) makes every unknown identity an error
   * @throws ConstraintViolation when a value breaks a YANG rule: an unknown enum or identity, a duplicate list
   *     key ({@code image-verification} by {@code hash-algorithm}, {@code bootstrap-server} by {@code address}), an
   *     {@code address} that is not an {@code inet:host}, {@code configuration-handling} without
   *     {@code configuration} or the reverse
   * @throws PhcProtocolException naming the path and value that were wrong
   */
  public static ConveyedInformation decodeConveyedInformation(
      byte[] document, Encoding encoding, CodecLimits limits, boolean skipUnknownHashAlgorithms) {
    if (document.length > limits.streamCap()) {
      throw new PhcProtocolException("body exceeds " + limits.streamCap() + " bytes");
    }
    SafeXml.BoundedInputStream body = SafeXml.bounded(new ByteArrayInputStream(document), limits.streamCap());
    ConveyedInformation result;
    long binaryChars;
    if (encoding == Encoding.JSON) {
      JsonIn j = JsonIn.open(body);
      result = j.read(r -> readConveyedJson(r, limits, skipUnknownHashAlgorithms));
      binaryChars = j.binaryChars;
    } else {
      long[] chars = new long[1];
      XmlIn x = XmlIn.open(body, LIST_NAMES).root();
      result = readConveyedXml(x, limits, chars, skipUnknownHashAlgorithms);
      x.finish();
      binaryChars = chars[0];
    }
    JuniperXmlCodec.checkDocumentSize(body.count() - binaryChars, limits);
    return result;
  }

  private static ConveyedInformation readConveyedJson(JsonIn r, CodecLimits limits, boolean skipUnknown)
      throws IOException {
    r.beginObject();
    if (!r.r.hasNext()) {
      throw r.error("expected " + CONVEYED_MODULE + ":onboarding-information or :redirect-information, found nothing");
    }
    String top = r.r.nextName();
    ConveyedInformation result;
    if (top.equals(CONVEYED_MODULE + ":redirect-information")) {
      result = readRedirectJson(r);
    } else if (top.equals(CONVEYED_MODULE + ":onboarding-information")) {
      result = readOnboardingJson(r, limits, skipUnknown);
    } else {
      throw r.error("unexpected member " + Texts.quote(top) + ", expected " + CONVEYED_MODULE
          + ":onboarding-information or " + CONVEYED_MODULE + ":redirect-information");
    }
    if (r.r.hasNext()) {
      throw r.error("more than one top-level member in conveyed information: " + Texts.quote(r.r.nextName()));
    }
    r.r.endObject();
    return result;
  }

  private static RedirectInformation readRedirectJson(JsonIn r) throws IOException {
    String redirectPath = r.path();
    r.beginObject();
    List<BootstrapServer> servers = new ArrayList<>();
    java.util.Set<String> addresses = new java.util.HashSet<>();
    while (r.r.hasNext()) {
      if (!JsonIn.local(r.r.nextName()).equals("bootstrap-server")) {
        r.r.skipValue();
        continue;
      }
      r.beginArray();
      while (r.r.hasNext()) {
        String p = r.path();
        r.beginObject();
        String address = null;
        Integer port = null;
        Bytes anchor = null;
        while (r.r.hasNext()) {
          switch (JsonIn.local(r.r.nextName())) {
            case "address" -> address = r.string(Rfc8572Codec::inetHost);
            case "port" -> port = r.integer(1, 65535);
            case "trust-anchor" -> anchor = r.binary(Long.MAX_VALUE);
            default -> r.r.skipValue();
          }
        }
        r.r.endObject();
        servers.add(server(address, port, anchor, p, addresses));
      }
      r.r.endArray();
    }
    r.r.endObject();
    if (servers.isEmpty()) {
      throw ConstraintViolation.missingElement("redirect-information has no bootstrap-server", redirectPath);
    }
    return new RedirectInformation(servers);
  }

  /** One bootstrap-server entry; the list's key is the address, so an address given twice is refused. */
  private static BootstrapServer server(@Nullable String address, @Nullable Integer port, @Nullable Bytes anchor,
      String path, java.util.Set<String> seen) {
    if (address == null) {
      throw ConstraintViolation.missingElement("missing address", path);
    }
    if (!seen.add(address.toLowerCase(java.util.Locale.ROOT))) {
      throw ConstraintViolation.invalidValue("duplicate bootstrap-server with address " + Texts.quote(address)
          + " (address is the list key)", path);
    }
    return new BootstrapServer(address, port, anchor);
  }

  /**
   * An {@code inet:host}: an IP address or a domain name, with no scheme, path, user or port (RFC 6991). A
   * redirect that gives a URL here is refused rather than guessed at.
   */
  static String inetHost(String s) {
    if (s.isBlank()) {
      throw new IllegalArgumentException("blank");
    }
    if (s.contains("://")) {
      throw new IllegalArgumentException("inet:host has no scheme: give the host name or IP address, and the"
          + " port in 'port'");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
          || c == '-' || c == '_' || c == ':' || c == '%';
      if (!ok) {
        throw new IllegalArgumentException("not an IP address or domain name (character '" + c + "')");
      }
    }
    if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':') && !s.startsWith(":")) {
      // host:port: one colon is never an IPv6 address
      throw new IllegalArgumentException("inet:host has no port: give the port in 'port'");
    }
    return s;
  }

  private static OnboardingInformation readOnboardingJson(JsonIn r, CodecLimits limits, boolean skipUnknown)
      throws IOException {
    OnboardingInformation.Builder b = OnboardingInformation.builder();
    String onboardingPath = r.path();
    String prePath = null;
    String postPath = null;
    String handlingPath = null;
    boolean configuration = false;
    r.beginObject();
    while (r.r.hasNext()) {
      String name = r.r.nextName();
      switch (JsonIn.local(name)) {
        case "boot-image" -> b.bootImage(readBootImageJson(r, skipUnknown));
        case "configuration-handling" -> {
          handlingPath = r.path();
          b.configurationHandling(r.string(ConfigurationHandling::forYangName));
        }
        case "pre-configuration-script" -> {
          if (prePath != null) {
            throw r.error("pre-configuration-script given twice");
          }
          prePath = r.path();
          b.addPreConfigurationScript(r.binary(limits.maxConfigurationBytes()));
        }
        case "configuration" -> {
          configuration = true;
          b.configuration(r.binary(limits.maxConfigurationBytes()));
        }
        case "post-configuration-script" -> {
          if (postPath != null) {
            throw r.error("post-configuration-script given twice");
          }
          postPath = r.path();
          b.addPostConfigurationScript(r.binary(limits.maxConfigurationBytes()));
        }
        case "virtual-chassis" -> b.topology(readTopologyJson(r));
        default -> r.r.skipValue();
      }
    }
    r.r.endObject();
    checkHandling(configuration, handlingPath, onboardingPath, ".");
    return b.build();
  }

  /** RFC 8572 section 6.3: configuration-handling exists when, and only when, configuration does. */
  private static void checkHandling(boolean configuration, @Nullable String handlingPath, String parentPath,
      String separator) {
    if (handlingPath != null && !configuration) {
      throw ConstraintViolation.invalidValue(
          "configuration-handling is only allowed together with configuration (RFC 8572 YANG)", handlingPath);
    }
    if (handlingPath == null && configuration) {
      throw ConstraintViolation.missingElement(
          "configuration-handling is mandatory when configuration is given (RFC 8572 YANG)",
          parentPath + separator + "configuration-handling");
    }
  }

  private static BootImage readBootImageJson(JsonIn r, boolean skipUnknown) throws IOException {
    BootImage.Builder b = BootImage.builder();
    Verifications verifications = new Verifications(skipUnknown);
    r.beginObject();
    while (r.r.hasNext()) {
      switch (JsonIn.local(r.r.nextName())) {
        case "os-name" -> b.osName(r.string());
        case "os-version" -> b.osVersion(r.string());
        case "download-uri" -> {
          r.beginArray();
          while (r.r.hasNext()) {
            b.addDownloadUri(r.string(s -> {
              if (s.isBlank()) {
                throw new IllegalArgumentException("blank");
              }
              return s;
            }));
          }
          r.r.endArray();
        }
        case "image-verification" -> {
          verifications.listPath = r.path();
          r.beginArray();
          while (r.r.hasNext()) {
            String entryPath = r.path();
            r.beginObject();
            String identity = null;
            String algorithmPath = null;
            String hashPath = null;
            String hex = null;
            while (r.r.hasNext()) {
              switch (JsonIn.local(r.r.nextName())) {
                case "hash-algorithm" -> {
                  algorithmPath = r.path();
                  identity = r.string();
                }
                case "hash-value" -> {
                  hashPath = r.path();
                  hex = r.string();
                }
                default -> r.r.skipValue();
              }
            }
            r.r.endObject();
            String module = identity == null ? null : moduleOf(identity);
            verifications.add(identity, module, identity == null ? null : localOf(identity), hex, entryPath,
                algorithmPath, hashPath);
          }
          r.r.endArray();
        }
        default -> r.r.skipValue();
      }
    }
    r.r.endObject();
    verifications.finish().forEach(b::addVerification);
    return b.build();
  }

  private static VirtualChassisTopology readTopologyJson(JsonIn r) throws IOException {
    String vcPath = r.path();
    ProvisioningMode mode = ProvisioningMode.DEFAULT;
    String modePath = vcPath + ".provisioning-mode";
    List<IntendedMember> members = new ArrayList<>();
    r.beginObject();
    while (r.r.hasNext()) {
      switch (JsonIn.local(r.r.nextName())) {
        case "provisioning-mode" -> {
          modePath = r.path();
          mode = r.string(ProvisioningMode::forYangName);
        }
        case "member" -> {
          r.beginArray();
          while (r.r.hasNext()) {
            String memberPath = r.path();
            r.beginObject();
            String serial = null;
            Integer id = null;
            IntendedRole role = null;
            String model = null;
            while (r.r.hasNext()) {
              switch (JsonIn.local(r.r.nextName())) {
                case "serial-number" -> serial = r.string(s -> {
                  if (s.isBlank()) {
                    throw new IllegalArgumentException("blank");
                  }
                  return s;
                });
                case "member-id" -> id = r.integer(0, 9);
                case "role" -> role = r.string(IntendedRole::forYangName);
                case "model" -> model = r.string();
                default -> r.r.skipValue();
              }
            }
            r.r.endObject();
            if (serial == null) {
              throw ConstraintViolation.missingElement("missing serial-number", memberPath);
            }
            members.add(new IntendedMember(serial, id, role, model));
          }
          r.r.endArray();
        }
        default -> r.r.skipValue();
      }
    }
    r.r.endObject();
    if (mode == ProvisioningMode.STRICT && members.isEmpty()) {
      throw ConstraintViolation.invalidValue(
          "provisioning-mode 'strict' requires a member list (full topology information)", modePath);
    }
    try {
      return VirtualChassisTopology.full(mode, members);
    } catch (IllegalArgumentException e) {
      throw ConstraintViolation.invalidValue(e.getMessage(), vcPath);
    }
  }

  private static ConveyedInformation readConveyedXml(XmlIn x, CodecLimits limits, long[] chars, boolean skipUnknown) {
    if (x.name().equals("redirect-information")) {
      List<BootstrapServer> servers = new ArrayList<>();
      java.util.Set<String> addresses = new java.util.HashSet<>();
      String redirectPath = x.path();
      while (x.nextChild()) {
        if (!x.name().equals("bootstrap-server")) {
          x.skip();
          continue;
        }
        String p = x.path();
        String address = null;
        Integer port = null;
        Bytes anchor = null;
        while (x.nextChild()) {
          switch (x.name()) {
            case "address" -> address = x.leaf(Rfc8572Codec::inetHost);
            case "port" -> port = x.leaf(JuniperXmlCodec::port);
            case "trust-anchor" -> {
              String ap = x.path();
              String t = x.leaf();
              chars[0] += t.length();
              anchor = JuniperXmlCodec.base64(t, ap, new CodecLimits(Long.MAX_VALUE, Long.MAX_VALUE));
            }
            default -> x.skip();
          }
        }
        servers.add(server(address, port, anchor, p, addresses));
      }
      if (servers.isEmpty()) {
        throw ConstraintViolation.missingElement("redirect-information has no bootstrap-server", redirectPath);
      }
      return new RedirectInformation(servers);
    }
    if (!x.name().equals("onboarding-information")) {
      throw x.error("expected <onboarding-information> or <redirect-information> but found <" + x.name() + ">");
    }
    String onboardingPath = x.path();
    OnboardingInformation.Builder b = OnboardingInformation.builder();
    boolean pre = false;
    boolean post = false;
    boolean configuration = false;
    String handlingPath = null;
    while (x.nextChild()) {
      String p = x.path();
      switch (x.name()) {
        case "boot-image" -> b.bootImage(readBootImageXml(x, skipUnknown));
        case "configuration-handling" -> {
          handlingPath = p;
          b.configurationHandling(x.leaf(ConfigurationHandling::forYangName));
        }
        case "pre-configuration-script", "configuration", "post-configuration-script" -> {
          String name = x.name();
          if ((name.startsWith("pre") && pre) || (name.startsWith("post") && post)) {
            throw new PhcProtocolException(name + " given twice", p);
          }
          String t = x.leaf();
          chars[0] += t.length();
          Bytes v = JuniperXmlCodec.base64(t, p, limits);
          if (name.startsWith("pre")) {
            pre = true;
            b.addPreConfigurationScript(v);
          } else if (name.startsWith("post")) {
            post = true;
            b.addPostConfigurationScript(v);
          } else {
            configuration = true;
            b.configuration(v);
          }
        }
        case "virtual-chassis" -> b.topology(JuniperXmlCodec.readTopology(x));
        default -> x.skip();
      }
    }
    checkHandling(configuration, handlingPath, onboardingPath, "/");
    return b.build();
  }

  private static BootImage readBootImageXml(XmlIn x, boolean skipUnknown) {
    BootImage.Builder b = BootImage.builder();
    Verifications verifications = new Verifications(skipUnknown);
    while (x.nextChild()) {
      switch (x.name()) {
        case "os-name" -> b.osName(x.leaf());
        case "os-version" -> b.osVersion(x.leaf());
        case "download-uri" -> b.addDownloadUri(x.leaf(s -> {
          if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
          }
          return s;
        }));
        case "image-verification" -> {
          String entryPath = x.path();
          if (verifications.listPath == null) {
            verifications.listPath = entryPath.substring(0, entryPath.lastIndexOf('['));
          }
          String identity = null;
          String module = null;
          String local = null;
          String algorithmPath = null;
          String hex = null;
          String hashPath = null;
          while (x.nextChild()) {
            switch (x.name()) {
              case "hash-algorithm" -> {
                algorithmPath = x.path();
                String[] qname = x.leafQName();
                identity = qname[3];
                module = qname[0];
                local = qname[2];
              }
              case "hash-value" -> {
                hashPath = x.path();
                hex = x.leaf();
              }
              default -> x.skip();
            }
          }
          verifications.add(identity, module, local, hex, entryPath, algorithmPath, hashPath);
        }
        default -> x.skip();
      }
    }
    verifications.finish().forEach(b::addVerification);
    return b.build();
  }

  private static @Nullable String moduleOf(String identity) {
    int colon = identity.indexOf(':');
    return colon < 0 ? null : identity.substring(0, colon);
  }

  private static String localOf(String identity) {
    return identity.substring(identity.indexOf(':') + 1);
  }

  /** The module an XML namespace belongs to, for the identities phc knows; null for any other namespace. */
  static @Nullable String moduleOfNamespace(String namespace) {
    return switch (namespace) {
      case CONVEYED_NS -> CONVEYED_MODULE;
      case PHC_CONVEYED_NS -> PHC_CONVEYED_MODULE;
      default -> null;
    };
  }

  /**
   * The identity {@code module:local} names, when phc knows it. An identity without a module (not valid
   * RFC 7951, but seen) is looked up by its local name.
   */
  static java.util.Optional<HashAlgorithm> hashAlgorithm(@Nullable String module, String local) {
    for (HashAlgorithm a : HashAlgorithm.values()) {
      String id = a.identity();
      if (localOf(id).equals(local) && (module == null || module.equals(moduleOf(id)))) {
        return java.util.Optional.of(a);
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * The {@code image-verification} list of one boot image: keyed by {@code hash-algorithm} (a duplicate is
   * refused), unknown identities refused (records) or skipped (what a device receives, RFC 8572 leaves the
   * choice to the device), and then at least one usable entry when the list was given.
   */
  private static final class Verifications {
    final boolean skipUnknown;
    final List<ImageVerification> usable = new ArrayList<>();
    final java.util.Set<String> keys = new java.util.HashSet<>();
    final List<String> skipped = new ArrayList<>();
    @Nullable String listPath;

    Verifications(boolean skipUnknown) {
      this.skipUnknown = skipUnknown;
    }

    void add(@Nullable String identity, @Nullable String module, @Nullable String local, @Nullable String hex,
        String entryPath, @Nullable String algorithmPath, @Nullable String hashPath) {
      if (identity == null || local == null) {
        throw ConstraintViolation.missingElement("missing hash-algorithm", entryPath);
      }
      if (hex == null) {
        throw ConstraintViolation.missingElement("missing hash-value", entryPath);
      }
      java.util.Optional<HashAlgorithm> known = hashAlgorithm(module, local);
      String key = known.map(HashAlgorithm::identity).orElse((module == null ? "" : module) + ":" + local);
      if (!keys.add(key)) {
        throw ConstraintViolation.invalidValue("duplicate image-verification for hash-algorithm "
            + Texts.quote(identity) + " (hash-algorithm is the list key)", entryPath);
      }
      if (known.isEmpty()) {
        if (!skipUnknown) {
          throw ConstraintViolation.invalidValue("invalid hash-algorithm " + Texts.quote(identity)
              + " (unknown hash algorithm identity; phc knows " + knownIdentities() + ")", algorithmPath);
        }
        skipped.add(identity);
        return;
      }
      usable.add(verification(known.get(), hex, hashPath));
    }

    List<ImageVerification> finish() {
      if (usable.isEmpty() && !skipped.isEmpty()) {
        throw ConstraintViolation.invalidValue("no usable image-verification: every hash-algorithm is unknown ("
            + String.join(", ", skipped.stream().map(Texts::quote).toList()) + "; phc knows " + knownIdentities()
            + ")", listPath);
      }
      return usable;
    }
  }

  private static String knownIdentities() {
    List<String> ids = new ArrayList<>();
    for (HashAlgorithm a : HashAlgorithm.values()) {
      ids.add(a.identity());
    }
    return String.join(", ", ids);
  }

  private static ImageVerification verification(HashAlgorithm algorithm, String hex, @Nullable String hashPath) {
    if (!COLON_HEX.matcher(hex).matches()) {
      throw ConstraintViolation.invalidValue(
          "invalid hash-value " + Texts.quote(hex) + " (not colon-separated hex octets)", hashPath);
    }
    Bytes value = Bytes.fromHex(hex);
    if (value.size() != algorithm.digestLength()) {
      throw ConstraintViolation.invalidValue("invalid hash-value " + Texts.quote(hex) + " (" + algorithm.jcaName()
          + " needs " + algorithm.digestLength() + " bytes, was " + value.size() + ")", hashPath);
    }
    return new ImageVerification(algorithm, value);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // helpers

  private static void requireRoot(XmlIn x, String name) {
    if (!x.name().equals(name)) {
      throw x.error("expected root element <" + name + "> but found <" + x.name() + ">");
    }
  }

  private static boolean isEmpty(PushbackInputStream in) {
    try {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\n' || b == '\r' || b == '\t');
      if (b < 0) {
        return true;
      }
      in.unread(b);
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  interface JsonBody {
    void write(JsonWriter w) throws IOException;
  }

  /** Writes canonical JSON: two-space indentation, {@code [null]} for empty leaves, a final newline. */
  static byte[] json(JsonBody body) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setIndent("  ");
      w.setSerializeNulls(true);
      body.write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buffer.write('\n');
    return buffer.toByteArray();
  }

  /** RFC 7951's {@code [null]} on one line. */
  static void emptyLeaf(JsonWriter w) throws IOException {
    w.rawValue("[null]");
  }

  private static void nameValue(JsonWriter w, String name, @Nullable String value) throws IOException {
    if (value != null) {
      w.name(name).value(value);
    }
  }

  interface XmlBody {
    void write(XmlOut x);
  }

  static byte[] xml(XmlBody body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    XmlOut x = XmlOut.document(out);
    body.write(x);
    x.finish();
    return out.toByteArray();
  }
}
