package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.ScriptPhase;
import dev.phonehome.phc.api.device.ScriptResult;
import dev.phonehome.phc.api.device.SyslogSeverity;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * Answers Junos XML RPCs from a {@link VirtualChassisModel} with replies shaped like a Junos 21.x EX Virtual
 * Chassis (our own templates, written from Junos documentation; not captured from a device). One per device;
 * thread-safe (RPCs of all sessions are serialized).
 */
final class JunosRpcHandler {
  static final String JUNOS_NS = "http://xml.juniper.net/junos/21.4R3/junos";
  private static final Pattern LOGGER = Pattern.compile("logger -p user\\.(\\w+) -t phc -- '(.*)'", Pattern.DOTALL);
  private static final Pattern SCRIPT = Pattern.compile("(?:/bin/sh )?(/\\S+) 2>&1; echo PHC-EXIT-STATUS=\\$\\?");
  private static final Pattern FPC_PATH = Pattern.compile("fpc(\\d+):(/.*)");

  private final VirtualChassisModel model;
  private final SimulatedJunosDevice.Settings settings;
  /** Configured virtual-chassis mastership priorities, committed and candidate. */
  private final TreeMap<Integer, Integer> committedPriorities = new TreeMap<>();
  private final TreeMap<Integer, Integer> candidatePriorities = new TreeMap<>();

  /** What to send back, and whether the session ends after it. */
  record Outcome(@Nullable String replyBody, boolean closeAfter) {}

  JunosRpcHandler(VirtualChassisModel model, SimulatedJunosDevice.Settings settings) {
    this.model = model;
    this.settings = settings;
  }

  synchronized Outcome handle(Element op, String rpcName, int sessionPrimary) {
    try {
      return dispatch(op, rpcName, sessionPrimary);
    } catch (PhcDeviceException e) {
      return reply(rpcError("operation-failed", e.getMessage()));
    } catch (SimulatedCrash e) {
      return new Outcome(null, true);
    }
  }

  private Outcome dispatch(Element op, String rpcName, int sessionPrimary) {
    switch (rpcName) {
      case "get-virtual-chassis-information":
        if (!settings.virtualChassisCapable()) {
          return reply(rpcError("operation-failed", "syntax error, expecting <command>: get-virtual-chassis-information"));
        }
        return reply(virtualChassis());
      case "command":
        if (!settings.virtualChassisCapable() && text(op).contains("invoke-on")) {
          return reply(rpcError("operation-failed", "syntax error, expecting <command>: invoke-on"));
        }
        return command(text(op));
      case "get-software-information":
        return reply(softwareInformation(primary()));
      case "get-chassis-inventory":
        return reply(chassisInventory());
      case "file-copy":
        return fileCopy(childText(op, "source"), childText(op, "destination"));
      case "get-checksum-information":
        return checksum(childText(op, "path"), childText(op, "type"));
      case "file-delete":
        return fileDelete(childText(op, "path"));
      case "file-put":
        return filePut(op);
      case "file-rename":
        return fileRename(childText(op, "source"), childText(op, "destination"));
      case "file-show":
        return fileShow(childText(op, "filename"), childText(op, "encoding"));
      case "request-package-add":
        return packageAdd(op);
      case "request-reboot":
        return reboot(op, sessionPrimary);
      case "load-configuration":
        return loadConfiguration(op);
      case "commit-configuration":
        return commit(op);
      case "request-shell-execute":
        return shell(childText(op, "command"));
      case "lock":
      case "unlock":
      case "discard-changes":
        return reply("<ok/>");
      case "close-session":
        return new Outcome("<ok/>", true);
      default:
        return reply(rpcError("operation-not-supported", "syntax error, expecting <rpc> element: " + rpcName));
    }
  }

  // ---------------------------------------------------------------- facts

  private String virtualChassis() {
    StringBuilder b = new StringBuilder("<virtual-chassis-information>")
        .append("<preprovisioned-virtual-chassis-information><virtual-chassis-id>5ad3.9cb1.77e0</virtual-chassis-id>")
        .append("<virtual-chassis-mode>Enabled</virtual-chassis-mode></preprovisioned-virtual-chassis-information>")
        .append("<member-list junos:style=\"single-slot\">");
    for (VcMember m : model.members()) {
      b.append("<member><member-status>").append(m.isPresent() ? "Prsnt" : "NotPrsnt").append("</member-status>")
          .append("<member-id>").append(m.memberId()).append("</member-id>")
          .append("<fpc-slot>(FPC ").append(m.memberId()).append(")</fpc-slot>")
          .append("<member-serial-number>").append(esc(m.serialNumber())).append("</member-serial-number>");
      if (m.model() != null) {
        b.append("<member-model>").append(esc(m.model())).append("</member-model>");
      }
      if (m.isPresent()) {
        int prio = committedPriorities.getOrDefault(m.memberId(), 128);
        b.append("<member-priority>").append(prio).append("</member-priority>")
            .append("<member-mixed-mode>N</member-mixed-mode><member-route-mode>VC</member-route-mode>")
            .append("<member-role>").append(roleText(m.role())).append("</member-role>")
            .append("<neighbor-list></neighbor-list>");
      }
      b.append("</member>");
    }
    return b.append("</member-list></virtual-chassis-information>").toString();
  }

  private static String roleText(@Nullable MemberRole role) {
    if (role == null) {
      return "Linecard";
    }
    return switch (role) {
      case PRIMARY -> "Master*";
      case BACKUP -> "Backup";
      case LINECARD -> "Linecard";
    };
  }

  private Outcome command(String command) {
    String c = command.strip().replaceAll("\\s+", " ");
    if (c.equals("show version invoke-on all-routing-engines")) {
      StringBuilder b = new StringBuilder("<multi-routing-engine-results>");
      for (VcMember m : model.members()) {
        if (m.isPresent()) {
          b.append("<multi-routing-engine-item><re-name>fpc").append(m.memberId()).append("</re-name>")
              .append(softwareInformation(m)).append("</multi-routing-engine-item>");
        }
      }
      return reply(b.append("</multi-routing-engine-results>").toString());
    }
    if (c.equals("show version")) {
      return reply(softwareInformation(primary()));
    }
    return reply(rpcError("operation-failed", "syntax error, expecting <command>: " + command));
  }

  private String softwareInformation(VcMember m) {
    String version = m.version() == null ? "" : m.version();
    StringBuilder b = new StringBuilder("<software-information>")
        .append("<host-name>").append(esc(settings.hostName())).append("</host-name>")
        .append("<product-model>").append(esc(String.valueOf(m.model()))).append("</product-model>")
        .append("<product-name>").append(esc(String.valueOf(m.model()))).append("</product-name>");
    if (!settings.legacyVersionFormat()) {
      b.append("<junos-version>").append(esc(version)).append("</junos-version>");
    }
    b.append("<package-information><name>junos</name><comment>JUNOS Base OS boot [")
        .append(esc(version)).append("]</comment></package-information>")
        .append("<package-information><name>junos-ex-4300</name><comment>JUNOS EX 4300 Software Suite [")
        .append(esc(version)).append("]</comment></package-information>");
    return b.append("</software-information>").toString();
  }

  private String chassisInventory() {
    VcMember p = primary();
    return "<chassis-inventory xmlns=\"http://xml.juniper.net/junos/21.4R3/junos-chassis\">"
        + "<chassis junos:style=\"inventory\"><name>Chassis</name><serial-number>" + esc(p.serialNumber())
        + "</serial-number><description>" + esc(String.valueOf(p.model()).toUpperCase(Locale.ROOT))
        + "</description></chassis></chassis-inventory>";
  }

  private VcMember primary() {
    for (VcMember m : model.members()) {
      if (m.isPresent() && m.role() == MemberRole.PRIMARY) {
        return m;
      }
    }
    throw new PhcDeviceException("simulator", null, "no primary");
  }

  // ---------------------------------------------------------------- files

  /**
   * A small file's place: {@code fpcN:/path} is on member N, a plain path on the primary (the member the
   * session runs on). Small files (scripts, engine state) live on each member's flash in the model.
   */
  private record Place(int member, String path) {}

  private Place place(String path) {
    Matcher remote = FPC_PATH.matcher(path);
    if (remote.matches()) {
      return new Place(Integer.parseInt(remote.group(1)), remote.group(2));
    }
    return new Place(primary().memberId(), path);
  }

  private Optional<Bytes> smallFile(String path) {
    Place p = place(path);
    return model.memberFile(p.member(), p.path());
  }

  private Outcome fileCopy(String source, String destination) {
    if (source.contains("://")) {
      try {
        model.fetchFile(source, destination);
      } catch (PhcDeviceException e) {
        return reply(rpcError("operation-failed", "error: file-fetch failed\n" + e.getMessage()));
      }
      return reply("<output>" + esc(destination) + "  100% of the image received</output>");
    }
    Optional<Bytes> content = smallFile(source);
    if (content.isEmpty()) {
      return reply(rpcError("operation-failed", "error: could not resolve file: " + source));
    }
    Place to = place(destination);
    // Not atomic, like the copy it models: a crash half-way leaves half a file at the destination.
    model.writeMemberFile(to.member(), to.path(), content.get());
    return reply("<ok/>");
  }

  /** {@code file rename}: in one step on the member that holds the file (source and destination on one member). */
  private Outcome fileRename(String source, String destination) {
    Place from = place(source);
    Place to = place(destination);
    if (from.member() != to.member()) {
      return reply(rpcError("operation-failed", "error: cannot rename across members: " + source + " " + destination));
    }
    model.renameMemberFile(from.member(), from.path(), to.path());
    return reply("<ok/>");
  }

  private Outcome checksum(String path, String type) {
    HashAlgorithm a = switch (type.toLowerCase(Locale.ROOT)) {
      case "md5" -> HashAlgorithm.MD5;
      case "sha1" -> HashAlgorithm.SHA_1;
      case "sha256" -> HashAlgorithm.SHA_256;
      default -> null;
    };
    if (a == null) {
      return reply(rpcError("invalid-value", "syntax error, expecting md5, sha1 or sha256: " + type));
    }
    Optional<VirtualChassisModel.StoredFile> f = model.file(path);
    if (f.isEmpty()) {
      return reply(rpcError("operation-failed", "error: could not resolve file: " + path));
    }
    String method = switch (a) {
      case MD5 -> "MD5";
      case SHA_1 -> "SHA1";
      default -> "SHA256";
    };
    return reply("<checksum-information><file-checksum><computation-method>" + method + "</computation-method>"
        + "<input-file>" + esc(path) + "</input-file><checksum>" + f.get().digest(a).hex() + "</checksum>"
        + "</file-checksum></checksum-information>");
  }

  private Outcome fileDelete(String path) {
    Place p = place(path);
    boolean existed = model.deleteMemberFile(p.member(), p.path());
    if (!existed && model.file(path).isPresent()) {
      model.deleteFile(path);
      existed = true;
    }
    if (!existed) {
      return reply(rpcError("operation-failed", "error: could not resolve file: " + path));
    }
    return reply("<ok/>");
  }

  /** {@code file put}: creates (or truncates) the file, then writes it: not atomic. */
  private Outcome filePut(Element op) {
    String name = childText(op, "filename");
    String encoding = childText(op, "encoding");
    String contents = childText(op, "file-contents");
    byte[] bytes;
    if ("base64".equalsIgnoreCase(encoding)) {
      try {
        bytes = Base64.getMimeDecoder().decode(contents);
      } catch (IllegalArgumentException e) {
        return reply(rpcError("invalid-value", "file-contents is not base64"));
      }
    } else {
      bytes = contents.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    Place p = place(name);
    model.writeMemberFile(p.member(), p.path(), Bytes.of(bytes));
    return reply("<ok/>");
  }

  private Outcome fileShow(String name, String encoding) {
    Optional<Bytes> content = smallFile(name);
    if (content.isEmpty()) {
      return reply(rpcError("operation-failed", "error: could not resolve file: " + name));
    }
    return reply(fileContent(name, content.get().toByteArray(), encoding));
  }

  private static String fileContent(String name, byte[] content, String encoding) {
    boolean b64 = "base64".equalsIgnoreCase(encoding);
    String body = b64 ? Base64.getMimeEncoder().encodeToString(content)
        : esc(new String(content, java.nio.charset.StandardCharsets.UTF_8));
    return "<file-content filename=\"" + esc(name) + "\"" + (b64 ? " encoding=\"base64\"" : "") + ">\n" + body
        + "\n</file-content>";
  }

  // ---------------------------------------------------------------- install and reboot

  private Outcome packageAdd(Element op) {
    String path = childText(op, "package-name");
    int member = memberArg(op);
    if (member < 0) {
      member = primary().memberId();
    }
    boolean omit = settings.faults().stream().anyMatch(f -> f instanceof JunosSimulationFault.OmitPackageResult);
    String name = path.substring(path.lastIndexOf('/') + 1);
    try {
      model.installImage(member, path);
    } catch (PhcDeviceException e) {
      String out = "<output>\nInstalling package '" + esc(path) + "' ...\n" + esc(errorText(e)) + "\n</output>";
      return reply(out + (omit ? "" : "<package-result>1</package-result>"));
    }
    String version = model.stagedVersion(member).orElse("");
    String out = "<output>\nfpc" + member + ":\n--------------------------------------------------------------------------\n"
        + "Verified " + esc(name) + " signed by PackageProductionECP256_2022 method ECDSA256+SHA256\n"
        + "Installing package '" + esc(path) + "' ...\n"
        + "JUNOS " + esc(version) + " will become active at next reboot\n"
        + "WARNING: A reboot is required to load this software correctly\n"
        + "WARNING:     Use the 'request system reboot' command\n"
        + "WARNING:         when software installation is complete\n</output>";
    return reply(out + (omit ? "" : "<package-result>0</package-result>"));
  }

  private static String errorText(PhcDeviceException e) {
    String m = e.getMessage();
    int i = m.indexOf("ERROR");
    return i >= 0 ? m.substring(i) : "ERROR: " + m;
  }

  private Outcome reboot(Element op, int sessionPrimary) {
    int member = memberArg(op);
    List<Integer> ids = new ArrayList<>();
    if (member >= 0) {
      ids.add(member);
    } else {
      for (VcMember m : model.members()) {
        if (m.isPresent()) {
          ids.add(m.memberId());
        }
      }
    }
    model.reboot(ids);
    OptionalInt p = model.primaryMemberId();
    boolean sessionGone = p.isEmpty() || p.getAsInt() != sessionPrimary;
    String body = "<request-reboot-results><request-reboot-status reboot-time=\""
        + model.clock().instant().getEpochSecond() + "\">Rebooting fpc" + (member >= 0 ? member : 0)
        + "\nShutdown NOW!\n</request-reboot-status></request-reboot-results>";
    return new Outcome(body, sessionGone);
  }

  private static int memberArg(Element op) {
    String m = childTextOrNull(op, "member");
    if (m == null || m.isBlank()) {
      return -1;
    }
    try {
      return Integer.parseInt(m.strip());
    } catch (NumberFormatException e) {
      throw new PhcDeviceException("simulator", null, "syntax error: member '" + m + "'");
    }
  }

  // ---------------------------------------------------------------- configuration

  private Outcome loadConfiguration(Element op) {
    String action = op.getAttribute("action");
    if (action.isEmpty()) {
      action = "merge";
    }
    String format = op.getAttribute("format");
    ConfigurationHandling handling;
    switch (action) {
      case "merge":
        handling = ConfigurationHandling.MERGE;
        break;
      case "override":
      case "replace":
      case "update":
        handling = ConfigurationHandling.REPLACE;
        break;
      default:
        return reply("<load-configuration-results>" + rpcError("invalid-value", "invalid action: " + action)
            + "</load-configuration-results>");
    }
    if ("text".equals(format)) {
      String text = childText(op, "configuration-text");
      model.loadConfiguration(Bytes.utf8(text), handling);
      return reply("<load-configuration-results><ok/></load-configuration-results>");
    }
    Element config = firstChild(op, "configuration");
    if (config == null) {
      return reply("<load-configuration-results>" + rpcError("missing-element", "expecting <configuration>")
          + "</load-configuration-results>");
    }
    if (isOnlyMastershipPriorities(config)) {
      applyPriorities(config);
    } else {
      model.loadConfiguration(Bytes.utf8(serialize(config)), handling);
    }
    return reply("<load-configuration-results><ok/></load-configuration-results>");
  }

  private static boolean isOnlyMastershipPriorities(Element config) {
    List<Element> top = children(config);
    if (top.size() != 1 || !localName(top.get(0)).equals("virtual-chassis")) {
      return false;
    }
    for (Element member : children(top.get(0))) {
      if (!localName(member).equals("member")) {
        return false;
      }
      for (Element leaf : children(member)) {
        String ln = localName(leaf);
        if (!ln.equals("name") && !ln.equals("mastership-priority")) {
          return false;
        }
      }
    }
    return true;
  }

  private void applyPriorities(Element config) {
    for (Element member : children(children(config).get(0))) {
      int id = Integer.parseInt(childText(member, "name").strip());
      Element prio = firstChild(member, "mastership-priority");
      if (prio == null) {
        continue;
      }
      if ("delete".equals(prio.getAttribute("operation"))) {
        candidatePriorities.put(id, -1);
      } else {
        candidatePriorities.put(id, Integer.parseInt(text(prio)));
      }
    }
  }

  private Outcome commit(Element op) {
    boolean check = firstChild(op, "check") != null;
    StringBuilder results = new StringBuilder("<commit-results>");
    List<String> res = new ArrayList<>();
    OptionalInt p = model.primaryMemberId();
    OptionalInt b = model.backupMemberId();
    p.ifPresent(id -> res.add("fpc" + id));
    b.ifPresent(id -> res.add("fpc" + id));
    if (!check) {
      boolean pinOnly = !candidatePriorities.isEmpty() && model.candidateConfiguration().isEmpty();
      if (!candidatePriorities.isEmpty()) {
        candidatePriorities.forEach((id, prio) -> {
          if (prio < 0) {
            committedPriorities.remove(id);
          } else {
            committedPriorities.put(id, prio);
          }
        });
        candidatePriorities.clear();
        applyPins();
      }
      if (!pinOnly) {
        model.commitConfiguration();
      }
    }
    for (String re : res) {
      results.append("<routing-engine junos:style=\"show-name\"><name>").append(re).append("</name>")
          .append(check ? "<commit-check-success/>" : "<commit-success/>").append("</routing-engine>");
    }
    return reply(results.append("</commit-results>").toString());
  }

  private void applyPins() {
    List<Integer> top = new ArrayList<>();
    committedPriorities.forEach((id, prio) -> {
      if (prio == 255) {
        top.add(id);
      }
    });
    if (top.size() == 2) {
      int a = top.get(0);
      int c = top.get(1);
      OptionalInt p = model.primaryMemberId();
      if (p.isPresent() && p.getAsInt() == c) {
        model.pinRoles(c, a);
      } else {
        model.pinRoles(a, c);
      }
    } else if (top.isEmpty() && model.pins().isPresent()) {
      model.unpinRoles();
    }
  }

  // ---------------------------------------------------------------- shell

  private Outcome shell(String command) {
    Matcher logger = LOGGER.matcher(command.strip());
    if (logger.matches()) {
      SyslogSeverity sev = switch (logger.group(1)) {
        case "err", "error", "crit", "alert", "emerg" -> SyslogSeverity.ERROR;
        case "warning", "warn" -> SyslogSeverity.WARNING;
        case "notice" -> SyslogSeverity.NOTICE;
        default -> SyslogSeverity.INFO;
      };
      model.syslog(sev, logger.group(2).replace("'\\''", "'"));
      return reply("<output></output>");
    }
    Matcher script = SCRIPT.matcher(command.strip());
    if (script.matches()) {
      String path = script.group(1);
      Optional<Bytes> content = smallFile(path);
      if (content.isEmpty()) {
        return reply("<output>sh: " + esc(path) + ": No such file or directory\nPHC-EXIT-STATUS=127</output>");
      }
      ScriptPhase phase = path.contains("post-") ? ScriptPhase.POST_CONFIGURATION : ScriptPhase.PRE_CONFIGURATION;
      ScriptResult r = model.runScript(phase, content.get());
      return reply("<output>" + esc(r.output()) + (r.output().isEmpty() ? "" : "\n") + "PHC-EXIT-STATUS="
          + r.exitStatus() + "\n</output>");
    }
    return reply(rpcError("operation-failed", "simulated shell does not run: " + command));
  }

  // ---------------------------------------------------------------- helpers

  private static Outcome reply(String body) {
    return new Outcome(body, false);
  }

  static String rpcError(String tag, String message) {
    return "<rpc-error><error-type>application</error-type><error-tag>" + tag + "</error-tag>"
        + "<error-severity>error</error-severity><error-message>\n" + esc(message) + "\n</error-message></rpc-error>";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static Element parse(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
  }

  static String localName(Element e) {
    String ln = e.getLocalName();
    return ln == null ? e.getNodeName() : ln;
  }

  static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }

  static @Nullable Element firstChild(Element parent, String name) {
    for (Element e : children(parent)) {
      if (localName(e).equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static String childText(Element parent, String name) {
    String t = childTextOrNull(parent, name);
    if (t == null) {
      throw new PhcDeviceException("simulator", null, "syntax error: missing <" + name + ">");
    }
    return t;
  }

  private static @Nullable String childTextOrNull(Element parent, String name) {
    Element e = firstChild(parent, name);
    return e == null ? null : text(e);
  }

  private static String text(Element e) {
    return e.getTextContent().strip();
  }

  private static String serialize(Element e) {
    try {
      TransformerFactory tf = TransformerFactory.newInstance();
      tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      Transformer t = tf.newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(e), new StreamResult(w));
      return w.toString();
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }
}
