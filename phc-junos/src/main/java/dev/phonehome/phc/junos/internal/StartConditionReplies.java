package dev.phonehome.phc.junos.internal;

import dev.phonehome.phc.api.device.StartConditions.VcpKind;
import dev.phonehome.phc.api.device.StartConditions.VcpLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/**
 * Reads the replies behind the phone-home start conditions (SPEC 4.1 step 1): {@code show system commit}
 * ({@code get-commit-information}), the VC mode in {@code show virtual-chassis}, and {@code show virtual-chassis
 * vc-port} ({@code get-virtual-chassis-port-information}). Element names as Junos documents them; matched by
 * local name, namespaces ignored.
 */
public final class StartConditionReplies {
  private static final Pattern DEDICATED_NAME = Pattern.compile("vcp-\\d+");
  private static final Pattern PIC_PORT = Pattern.compile("(?:vcp-255/)?(\\d+)/(\\d+)");

  private StartConditionReplies() {}

  /**
   * What {@code show system commit} says about the configuration's history.
   *
   * @param commits how many commits the history holds
   * @param last who made the newest one, how and when, or null when there is none
   * @param phoneHomeOnly true when every commit after the oldest (the factory default's) carries a comment
   *     ({@code <log>}) that starts with the given phone-home comment
   */
  public record CommitHistory(int commits, @Nullable String last, boolean phoneHomeOnly) {
    /**
     * Factory default: at most one commit in the history, the one that loaded the factory configuration when the
     * device was zeroized (our reading; a device that was ever configured keeps its later commits).
     */
    public boolean factoryDefault() {
      return commits <= 1;
    }
  }

  /**
   * Reads a {@code get-commit-information} reply (newest entry first).
   *
   * @param phoneHomeComment the start of the comment phone-home puts on its commits
   */
  public static CommitHistory commitHistory(Element reply, String phoneHomeComment) {
    List<Element> entries = JunosXml.descendants(reply, "commit-history");
    if (entries.isEmpty()) {
      return new CommitHistory(0, null, false);
    }
    Element latest = entries.get(0);
    String last = "by " + text(JunosXml.childText(latest, "user")) + " via " + text(JunosXml.childText(latest, "client"))
        + " at " + text(JunosXml.childText(latest, "date-time"));
    boolean phoneHomeOnly = entries.size() > 1;
    for (Element e : entries.subList(0, entries.size() - 1)) {
      String comment = JunosXml.childText(e, "log");
      phoneHomeOnly &= comment != null && comment.strip().startsWith(phoneHomeComment);
    }
    return new CommitHistory(entries.size(), last, phoneHomeOnly);
  }

  /** Mixed mode: {@code virtual-chassis-mode} says {@code Mixed}, or any member's {@code member-mixed-mode} is Y. */
  public static boolean mixedMode(Element virtualChassisReply) {
    for (Element e : JunosXml.descendants(virtualChassisReply, "virtual-chassis-mode")) {
      if (JunosXml.text(e).strip().equalsIgnoreCase("mixed")) {
        return true;
      }
    }
    for (Element e : JunosXml.descendants(virtualChassisReply, "member-mixed-mode")) {
      if (JunosXml.text(e).strip().equalsIgnoreCase("y")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The VCPs of every member in a {@code get-virtual-chassis-port-information} reply. Junos shows a dedicated
   * port ({@code vcp-0}) as {@code Dedicated}, and both a network port made a VCP and a port that is a VCP in
   * the factory default (an EX4300's QSFP+ ports, PIC 1) as {@code Configured}; {@code Auto-Configured} ports
   * were converted by LLDP. So the kind is read from the type and, for {@code Configured}, from the member's
   * model: PIC 1 of an EX4300 is default, another port of a known model is configured, any port of a model this
   * binding does not know is {@link VcpKind#UNKNOWN}.
   *
   * @param models the model of each member (lower case, e.g. {@code ex4300-48p}), by member id
   */
  public static List<VcpLink> vcpLinks(Element reply, Map<Integer, String> models) {
    List<VcpLink> out = new ArrayList<>();
    for (Element item : JunosXml.descendants(reply, "multi-routing-engine-item")) {
      Integer member = JunosReplies.memberIdOf(JunosXml.childText(item, "re-name"));
      if (member == null) {
        continue;
      }
      for (Element p : JunosXml.descendants(item, "port-information")) {
        String name = text(JunosXml.childText(p, "port-name"));
        String type = text(JunosXml.childText(p, "port-type"));
        boolean up = text(JunosXml.childText(p, "port-status")).equalsIgnoreCase("up");
        Integer neighbor = null;
        String n = JunosXml.childText(p, "neighbor-id");
        if (up && n != null && !n.isBlank()) {
          try {
            neighbor = Integer.parseInt(n.strip());
          } catch (NumberFormatException e) {
            neighbor = null;
          }
        }
        out.add(new VcpLink(member, name, kind(name, type, models.get(member)), up, neighbor));
      }
    }
    return out;
  }

  static VcpKind kind(String port, String type, @Nullable String model) {
    String t = type.toLowerCase(Locale.ROOT);
    if (t.contains("dedicated") || DEDICATED_NAME.matcher(port).matches()) {
      return VcpKind.DEDICATED;
    }
    if (t.contains("auto")) {
      return VcpKind.CONFIGURED;
    }
    if (t.contains("default")) {
      return VcpKind.DEFAULT;
    }
    String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
    Matcher pp = PIC_PORT.matcher(port);
    if (m.startsWith("ex4300") && pp.matches()) {
      return pp.group(1).equals("1") ? VcpKind.DEFAULT : VcpKind.CONFIGURED;
    }
    return VcpKind.UNKNOWN;
  }

  private static String text(@Nullable String s) {
    return s == null ? "" : s.strip();
  }
}
