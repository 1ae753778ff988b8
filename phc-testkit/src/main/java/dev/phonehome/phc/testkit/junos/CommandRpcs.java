package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.model.VcMember;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code <command>}: CLI operational commands. Without a format (or {@code format="xml"}) the reply is the RPC's
 * XML, as {@code | display xml} shows it; with {@code format="text"} Junos answers {@code <output>} holding the
 * CLI text ({@code show configuration} answers {@code <configuration-information><configuration-output>}).
 * Unknown commands are a "syntax error" naming the first word Junos does not know.
 */
final class CommandRpcs {
  private CommandRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("command", CommandRpcs::command);
  }

  private static Reply command(RpcCall c) {
    String raw = SimXml.text(c.op()).replaceAll("\\s+", " ");
    String format = c.attr("format") == null ? "xml" : c.attr("format").toLowerCase(Locale.ROOT);
    if (!format.equals("xml") && !format.equals("text") && !format.equals("ascii")) {
      throw new RpcFailure("protocol", "operation-failed", "invalid value: " + format, "format", null, null);
    }
    boolean text = !format.equals("xml");
    String line = raw;
    boolean displaySet = false;
    for (String pipe : pipes(raw)) {
      if (pipe.equals("display set")) {
        displaySet = true;
      } else if (!pipe.equals("display xml") && !pipe.equals("no-more")) {
        throw RpcFailure.syntax(pipe.split(" ")[0]);
      }
    }
    int bar = line.indexOf('|');
    if (bar >= 0) {
      line = line.substring(0, bar).strip();
    }
    String[] w = line.split(" ");
    SimState d = c.device();
    if (w.length < 2 || !w[0].equals("show")) {
      throw RpcFailure.syntax(w.length == 0 || w[0].isEmpty() ? "command" : w.length < 2 && w[0].equals("show") ? "show" : w[0]);
    }
    String rest = line.substring(5);
    switch (w[1]) {
      case "version" -> {
        if (rest.equals("version invoke-on all-routing-engines") || rest.equals("version all-members")) {
          FactRpcs.requireVc(c, "invoke-on".equals(w.length > 2 ? w[2] : "") ? "invoke-on" : "all-members");
        } else if (!rest.equals("version") && !rest.equals("version detail") && !rest.equals("version brief")) {
          throw RpcFailure.syntax(w[2]);
        }
        if (text) {
          return output(FactRpcs.versionText(d));
        }
        return Reply.of(d.settings.virtualChassisCapable() && !rest.equals("version")
            ? FactRpcs.multiSoftwareInformation(d) : FactRpcs.softwareInformation(d, d.primary()));
      }
      case "virtual-chassis" -> {
        FactRpcs.requireVc(c, "virtual-chassis");
        if (!rest.equals("virtual-chassis") && !rest.equals("virtual-chassis status")) {
          throw RpcFailure.syntax(w[2]);
        }
        return text ? output(virtualChassisText(d)) : Reply.of(FactRpcs.virtualChassis(d));
      }
      case "chassis" -> {
        if (rest.equals("chassis hardware")) {
          return text ? output(hardwareText(d)) : Reply.of(FactRpcs.chassisInventory(d));
        }
        if (rest.equals("chassis routing-engine")) {
          return text ? output(routingEngineText(d)) : Reply.of(FactRpcs.routeEngines(d));
        }
        throw RpcFailure.syntax(w.length > 2 ? w[2] : "chassis");
      }
      case "configuration" -> {
        ConfigTree t = d.config.committed();
        for (int i = 2; i < w.length; i++) {
          ConfigTree next = null;
          String keyless = t.key == null ? ConfigTree.KEYLESS.get(t.name) : null;
          if (keyless != null) {
            next = t.child(keyless, w[i]);
          } else if (i + 1 < w.length && ConfigTree.LISTS.contains(w[i])) {
            next = t.child(w[i], w[i + 1]);
            if (next != null) {
              i++;
            }
          }
          if (next == null) {
            next = t.child(w[i], null);
          }
          if (next == null) {
            throw RpcFailure.syntax(w[i]);
          }
          t = next;
        }
        ConfigTree shown = t;
        if (t != d.config.committed()) {
          shown = ConfigTree.root();
          shown.children.addAll(t.children);
          if (t.value != null) {
            shown.children.add(ConfigTree.leaf(t.name, t.value));
          }
        }
        if (text) {
          String body = displaySet ? shown.setCommands()
              : (t == d.config.committed() ? d.config.lastCommitLine() + "version " + d.primary().version() + ";\n" : "")
                  + shown.text();
          return Reply.of("<configuration-information>\n<configuration-output>\n" + SimXml.esc(body)
              + "</configuration-output>\n</configuration-information>");
        }
        return Reply.of(ConfigRpcs.render(d, shown, displaySet ? "set" : "xml", false));
      }
      case "system" -> {
        if (rest.equals("system uptime")) {
          return Reply.of(FactRpcs.uptime(d));
        }
        throw RpcFailure.syntax(w.length > 2 ? w[2] : "system");
      }
      case "interfaces" -> {
        if (rest.equals("interfaces terse")) {
          return Reply.of(FactRpcs.interfaceList(d, null, true));
        }
        throw RpcFailure.syntax(w.length > 2 ? w[2] : "interfaces");
      }
      default -> throw RpcFailure.syntax(w[1]);
    }
  }

  private static List<String> pipes(String raw) {
    List<String> out = new ArrayList<>();
    String[] parts = raw.split("\\|");
    for (int i = 1; i < parts.length; i++) {
      out.add(parts[i].strip());
    }
    return out;
  }

  private static Reply output(String text) {
    return Reply.of("<output>\n" + SimXml.esc(text) + "</output>");
  }

  private static String virtualChassisText(SimState d) {
    StringBuilder b = new StringBuilder("\nPreprovisioned Virtual Chassis\nVirtual Chassis ID: 5ad3.9cb1.77e0\n")
        .append("Virtual Chassis Mode: Enabled\n")
        .append("                                                Mstr           Mixed Route Neighbor List\n")
        .append("Member ID  Status   Serial No    Model          prio  Role      Mode  Mode ID  Interface\n");
    for (VcMember m : d.model.members()) {
      if (!m.isPresent()) {
        b.append(String.format("%-10s %-8s %-12s%n", m.memberId() + " (FPC " + m.memberId() + ")", "NotPrsnt",
            m.serialNumber()));
        continue;
      }
      String role = FactRpcs.roleText(m.role());
      b.append(String.format("%-10s %-8s %-12s %-14s %4d  %-9s %4s  %-4s%n", m.memberId() + " (FPC " + m.memberId() + ")",
          "Prsnt", m.serialNumber(), m.model(), d.config.mastershipPriority(m.memberId()), role, "N", "VC"));
    }
    return b.append('\n').toString();
  }

  private static String hardwareText(SimState d) {
    StringBuilder b = new StringBuilder("Hardware inventory:\nItem             Version  Part number  Serial number     Description\n");
    b.append(String.format("%-16s %-8s %-12s %-17s %s%n", "Chassis", "", "", d.primary().serialNumber(),
        String.valueOf(d.primary().model()).toUpperCase(Locale.ROOT)));
    for (VcMember m : d.presentMembers()) {
      b.append(String.format("%-16s %-8s %-12s %-17s %s%n", "FPC " + m.memberId(), "REV 01", "650-044930",
          m.serialNumber(), String.valueOf(m.model()).toUpperCase(Locale.ROOT)));
    }
    return b.toString();
  }

  private static String routingEngineText(SimState d) {
    StringBuilder b = new StringBuilder("Routing Engine status:\n");
    for (VcMember m : d.presentMembers()) {
      String state = m.role() == null ? "Linecard" : switch (m.role()) {
        case PRIMARY -> "Master";
        case BACKUP -> "Backup";
        case LINECARD -> "Linecard";
      };
      b.append("  Slot ").append(m.memberId()).append(":\n    Current state                  ").append(state)
          .append("\n    Model                          ").append(String.valueOf(m.model()).toUpperCase(Locale.ROOT))
          .append("\n    Serial ID                      ").append(m.serialNumber()).append('\n');
    }
    return b.toString();
  }
}
