package dev.phonehome.phc.junos.internal;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.VcMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/** Reads the values phc needs out of Junos RPC replies. Every method matches elements by local name. */
public final class JunosReplies {
  private static final Pattern RE_NAME = Pattern.compile("(?:fpc|member)(\\d+)(?:-re\\d+)?");
  private static final Pattern BRACKETED_VERSION = Pattern.compile("\\[([^\\]\\s]+)\\]");

  private JunosReplies() {}

  /**
   * The members from a {@code get-virtual-chassis-information} reply, in the order the device lists them,
   * without versions (those come from {@link #software}).
   *
   * @throws PhcDeviceException when the reply has no member list, a member lacks its id or serial, a role is
   *     unknown, or two present members claim the primary role
   */
  public static List<VcMember> virtualChassisMembers(Element reply) {
    Element info = JunosXml.descendant(reply, "virtual-chassis-information")
        .orElseThrow(() -> new PhcDeviceException("members", null,
            "reply has no virtual-chassis-information element"));
    List<VcMember> members = new ArrayList<>();
    Integer primary = null;
    for (Element list : JunosXml.children(info, "member-list")) {
      for (Element m : JunosXml.children(list, "member")) {
        String idText = JunosXml.childText(m, "member-id");
        if (idText == null) {
          throw new PhcDeviceException("members", null, "member-list/member without member-id");
        }
        int id;
        try {
          id = Integer.parseInt(idText);
        } catch (NumberFormatException e) {
          throw new PhcDeviceException("members", null, "member-id is not a number: '" + idText + "'");
        }
        if (id < 0 || id > 9) {
          throw new PhcDeviceException("members", id, "member-id must be 0 to 9, was " + id);
        }
        String serial = JunosXml.childText(m, "member-serial-number");
        if (serial == null || serial.isEmpty()) {
          throw new PhcDeviceException("members", id, "member has no member-serial-number");
        }
        String statusText = JunosXml.childText(m, "member-status");
        MemberStatus status = statusText != null && statusText.equalsIgnoreCase("Prsnt")
            ? MemberStatus.PRESENT
            : MemberStatus.NOT_PRESENT;
        String model = JunosXml.childText(m, "member-model");
        MemberRole role = null;
        String roleText = JunosXml.childText(m, "member-role");
        if (status == MemberStatus.PRESENT && roleText != null && !roleText.isEmpty()) {
          try {
            role = MemberRole.parse(roleText);
          } catch (IllegalArgumentException e) {
            throw new PhcDeviceException("members", id, "unknown member-role '" + roleText + "'");
          }
          if (role == MemberRole.PRIMARY) {
            if (primary != null) {
              throw new PhcDeviceException("members", null,
                  "two members report the primary role: member " + primary + " and member " + id
                      + " (split VC)");
            }
            primary = id;
          }
        }
        members.add(new VcMember(id, serial, emptyToNull(model), role, status, null));
      }
    }
    if (members.isEmpty()) {
      throw new PhcDeviceException("members", null, "virtual-chassis-information lists no member");
    }
    return members;
  }

  /** One routing engine's software, from {@code show version} or {@code get-software-information}. */
  public record Software(
      @Nullable String reName, @Nullable Integer memberId, @Nullable String model, @Nullable String version,
      @Nullable String hostName) {}

  /**
   * The software of every routing engine in a {@code show version invoke-on all-routing-engines} reply
   * ({@code multi-routing-engine-item} with {@code re-name} {@code fpcN} or {@code memberN}), or of the single
   * one in a plain {@code get-software-information} reply. The version is {@code junos-version}, or on old
   * releases the bracketed version in the comment of {@code package-information[name=junos]} (else of the
   * first package with a bracketed version).
   */
  public static List<Software> software(Element reply) {
    List<Software> out = new ArrayList<>();
    List<Element> items = JunosXml.descendants(reply, "multi-routing-engine-item");
    if (items.isEmpty()) {
      JunosXml.descendant(reply, "software-information").ifPresent(si -> out.add(software(null, si)));
      return out;
    }
    for (Element item : items) {
      String reName = JunosXml.childText(item, "re-name");
      Optional<Element> si = JunosXml.child(item, "software-information");
      si.ifPresent(s -> out.add(software(reName, s)));
    }
    return out;
  }

  private static Software software(@Nullable String reName, Element si) {
    String version = JunosXml.childText(si, "junos-version");
    if (version == null || version.isEmpty()) {
      version = packageVersion(si, true);
      if (version == null) {
        version = packageVersion(si, false);
      }
    }
    String model = JunosXml.childText(si, "product-model");
    return new Software(reName, memberIdOf(reName), emptyToNull(model), emptyToNull(version),
        JunosXml.childText(si, "host-name"));
  }

  private static @Nullable String packageVersion(Element si, boolean junosOnly) {
    for (Element p : JunosXml.children(si, "package-information")) {
      String name = JunosXml.childText(p, "name");
      if (junosOnly && !"junos".equals(name)) {
        continue;
      }
      String comment = JunosXml.childText(p, "comment");
      if (comment != null) {
        Matcher m = BRACKETED_VERSION.matcher(comment);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  /** {@code fpc3} or {@code member3} or {@code member3-re0} is member 3; anything else is null. */
  public static @Nullable Integer memberIdOf(@Nullable String reName) {
    if (reName == null) {
      return null;
    }
    Matcher m = RE_NAME.matcher(reName.strip().toLowerCase(Locale.ROOT));
    return m.matches() ? Integer.valueOf(m.group(1)) : null;
  }

  /** The chassis serial and description from {@code get-chassis-inventory} (standalone devices). */
  public record Chassis(String serialNumber, @Nullable String description) {}

  public static Chassis chassis(Element reply) {
    Element chassis = JunosXml.descendant(reply, "chassis")
        .orElseThrow(() -> new PhcDeviceException("device-info", null, "reply has no chassis element"));
    String serial = JunosXml.childText(chassis, "serial-number");
    if (serial == null || serial.isEmpty()) {
      throw new PhcDeviceException("device-info", null, "chassis has no serial-number");
    }
    return new Chassis(serial, JunosXml.childText(chassis, "description"));
  }

  /**
   * The hex checksum from a {@code get-checksum-information} reply, lower case.
   *
   * @throws PhcDeviceException when there is none or it is not hex
   */
  public static String checksum(Element reply, String path) {
    Element fc = JunosXml.descendant(reply, "file-checksum")
        .orElseThrow(() -> new PhcDeviceException("checksum", null, "reply for " + path + " has no file-checksum"));
    String sum = JunosXml.childText(fc, "checksum");
    if (sum == null || sum.isEmpty() || !sum.matches("[0-9a-fA-F]+")) {
      throw new PhcDeviceException("checksum", null, "checksum of " + path + " is not hex: '" + sum + "'");
    }
    return sum.toLowerCase(Locale.ROOT);
  }

  /** The outcome of {@code request-package-add}. */
  public record PackageResult(boolean success, @Nullable Integer packageResult, String output) {}

  /**
   * Reads a {@code request-package-add} reply: every {@code package-result} (top level or per
   * {@code multi-routing-engine-item}) must be 0; without any {@code package-result} the install succeeded
   * unless the output has a line starting with {@code ERROR}.
   */
  public static PackageResult packageAdd(Element reply) {
    StringBuilder output = new StringBuilder();
    for (Element o : JunosXml.descendants(reply, "output")) {
      if (output.length() > 0) {
        output.append('\n');
      }
      output.append(JunosXml.text(o));
    }
    Integer worst = null;
    for (Element r : JunosXml.descendants(reply, "package-result")) {
      String t = JunosXml.text(r);
      int v;
      try {
        v = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        throw new PhcDeviceException("install-image", null, "package-result is not a number: '" + t + "'");
      }
      if (worst == null || v != 0) {
        worst = v;
      }
    }
    String out = output.toString();
    if (worst != null) {
      return new PackageResult(worst == 0, worst, out);
    }
    return new PackageResult(!hasErrorLine(out), null, out);
  }

  /** Whether some line of {@code output} starts with {@code ERROR} (Junos CLI error output). */
  public static boolean hasErrorLine(String output) {
    for (String line : output.split("\n", -1)) {
      if (line.strip().startsWith("ERROR")) {
        return true;
      }
    }
    return false;
  }

  /** The concatenated text of every {@code output} element (shell output, file-copy output). */
  public static String output(Element reply) {
    StringBuilder output = new StringBuilder();
    for (Element o : JunosXml.descendants(reply, "output")) {
      if (output.length() > 0) {
        output.append('\n');
      }
      output.append(o.getTextContent().strip());
    }
    return output.toString();
  }

  /** The routing engines that reported commit success in {@code commit-results}. */
  public static List<String> commitSuccesses(Element reply) {
    List<String> out = new ArrayList<>();
    for (Element re : JunosXml.descendants(reply, "routing-engine")) {
      if (JunosXml.child(re, "commit-success").isPresent() || JunosXml.child(re, "commit-check-success").isPresent()) {
        String name = JunosXml.childText(re, "name");
        out.add(name == null ? "" : name);
      }
    }
    return out;
  }

  private static @Nullable String emptyToNull(@Nullable String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
