package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The operational RPCs that tools read facts from ({@code show virtual-chassis}, {@code show version},
 * {@code show chassis hardware}, {@code show chassis routing-engine}, {@code show interfaces}, {@code show
 * ethernet-switching table}), all computed from the one model so that they agree with each other.
 */
final class FactRpcs {
  static final String NS = "http://xml.juniper.net/junos/21.4R3/";
  private static final Pattern PORTS = Pattern.compile("-(\\d+)");
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

  private FactRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("get-virtual-chassis-information", c -> {
      c.allowOnly("brief", "detail", "member");
      requireVc(c, "get-virtual-chassis-information");
      return Reply.of(virtualChassis(c.device()));
    });
    r.register("get-software-information", c -> {
      c.allowOnly("brief", "detail", "extensive", "local", "all-servers", "all-members", "member");
      return Reply.of(softwareInformation(c.device(), c.device().primary()));
    });
    r.register("get-chassis-inventory", c -> {
      c.allowOnly("detail", "extensive", "models", "clei-models");
      return Reply.of(chassisInventory(c.device()));
    });
    r.register("get-route-engine-information", c -> {
      c.allowOnly("slot", "bandwidth");
      return Reply.of(routeEngines(c.device()));
    });
    r.register("get-interface-information", FactRpcs::interfaces);
    r.register("get-ethernet-switching-table-information", c -> {
      c.allowOnly("summary", "brief", "detail", "extensive", "vlan-name", "interface-name");
      return Reply.of(ethernetSwitching());
    });
    r.register("get-system-uptime-information", c -> Reply.of(uptime(c.device())));
  }

  static void requireVc(RpcCall c, String what) {
    if (!c.device().settings.virtualChassisCapable()) {
      throw RpcFailure.syntax(what);
    }
  }

  // ---------------------------------------------------------------- show virtual-chassis

  static String virtualChassis(SimState d) {
    StringBuilder b = new StringBuilder("<virtual-chassis-information>\n")
        .append("<preprovisioned-virtual-chassis-information>\n<virtual-chassis-id>5ad3.9cb1.77e0</virtual-chassis-id>\n")
        .append("<virtual-chassis-mode>").append(d.model.mixedMode() ? "Mixed" : "Enabled")
        .append("</virtual-chassis-mode>\n</preprovisioned-virtual-chassis-information>\n")
        .append("<member-list junos:style=\"single-slot\">\n");
    for (VcMember m : d.model.members()) {
      b.append("<member>\n<member-status>").append(m.isPresent() ? "Prsnt" : "NotPrsnt").append("</member-status>\n")
          .append("<member-id>").append(m.memberId()).append("</member-id>\n")
          .append("<fpc-slot>(FPC ").append(m.memberId()).append(")</fpc-slot>\n")
          .append("<member-serial-number>").append(SimXml.esc(m.serialNumber())).append("</member-serial-number>\n");
      if (m.model() != null) {
        b.append("<member-model>").append(SimXml.esc(m.model())).append("</member-model>\n");
      }
      if (m.isPresent()) {
        b.append("<member-priority>").append(d.config.mastershipPriority(m.memberId())).append("</member-priority>\n")
            .append("<member-mixed-mode>").append(d.model.mixedMode() ? "Y" : "N")
            .append("</member-mixed-mode>\n<member-route-mode>VC</member-route-mode>\n")
            .append("<member-role>").append(roleText(m.role())).append("</member-role>\n")
            .append("<neighbor-list>\n");
        for (var l : d.model.vcpLinks()) {
          if (l.memberId() == m.memberId() && l.up() && l.neighborMemberId() != null) {
            b.append("<neighbor>\n<neighbor-id>").append(l.neighborMemberId()).append("</neighbor-id>\n")
                .append("<neighbor-interface>vcp-255/").append(SimXml.esc(l.port())).append("</neighbor-interface>\n")
                .append("</neighbor>\n");
          }
        }
        b.append("</neighbor-list>\n");
      }
      b.append("</member>\n");
    }
    return b.append("</member-list>\n</virtual-chassis-information>").toString();
  }

  static String roleText(@Nullable MemberRole role) {
    if (role == null) {
      return "Linecard";
    }
    return switch (role) {
      case PRIMARY -> "Master*";
      case BACKUP -> "Backup";
      case LINECARD -> "Linecard";
    };
  }

  // ---------------------------------------------------------------- show version

  static String softwareInformation(SimState d, VcMember m) {
    String version = m.version() == null ? "" : m.version();
    String model = String.valueOf(m.model());
    StringBuilder b = new StringBuilder("<software-information>\n")
        .append("<host-name>").append(SimXml.esc(d.hostName())).append("</host-name>\n")
        .append("<product-model>").append(SimXml.esc(model)).append("</product-model>\n")
        .append("<product-name>").append(SimXml.esc(model)).append("</product-name>\n");
    if (!d.settings.legacyVersionFormat()) {
      b.append("<junos-version>").append(SimXml.esc(version)).append("</junos-version>\n");
    }
    for (String[] p : packages(model, version)) {
      b.append("<package-information>\n<name>").append(p[0]).append("</name>\n<comment>")
          .append(SimXml.esc(p[1])).append("</comment>\n</package-information>\n");
    }
    return b.append("</software-information>").toString();
  }

  private static List<String[]> packages(String model, String version) {
    String family = model.toLowerCase(Locale.ROOT).replaceAll("^ex(\\d+).*", "$1");
    return List.of(
        new String[] {"junos", "JUNOS Base OS boot [" + version + "]"},
        new String[] {"junos-ex-" + family, "JUNOS EX " + family + " Software Suite [" + version + "]"},
        new String[] {"jweb-ex", "JUNOS Web Management Platform Package [" + version + "]"});
  }

  static String multiSoftwareInformation(SimState d) {
    StringBuilder b = new StringBuilder("<multi-routing-engine-results>\n");
    for (VcMember m : d.presentMembers()) {
      b.append("<multi-routing-engine-item>\n<re-name>fpc").append(m.memberId()).append("</re-name>\n")
          .append(softwareInformation(d, m)).append("\n</multi-routing-engine-item>\n");
    }
    return b.append("</multi-routing-engine-results>").toString();
  }

  static String versionText(SimState d) {
    StringBuilder b = new StringBuilder();
    for (VcMember m : d.presentMembers()) {
      String version = m.version() == null ? "" : m.version();
      b.append("fpc").append(m.memberId()).append(":\n")
          .append("--------------------------------------------------------------------------\n")
          .append("Hostname: ").append(d.hostName()).append('\n')
          .append("Model: ").append(m.model()).append('\n')
          .append("Junos: ").append(version).append('\n');
      for (String[] p : packages(String.valueOf(m.model()), version)) {
        b.append(p[1]).append('\n');
      }
      b.append('\n');
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- show chassis hardware

  static String chassisInventory(SimState d) {
    VcMember p = d.primary();
    StringBuilder b = new StringBuilder("<chassis-inventory xmlns=\"").append(NS).append("junos-chassis\">\n")
        .append("<chassis junos:style=\"inventory\">\n<name>Chassis</name>\n<serial-number>")
        .append(SimXml.esc(p.serialNumber())).append("</serial-number>\n<description>")
        .append(SimXml.esc(String.valueOf(p.model()).toUpperCase(Locale.ROOT))).append("</description>\n");
    for (VcMember m : d.presentMembers()) {
      b.append("<chassis-module>\n<name>FPC ").append(m.memberId()).append("</name>\n<serial-number>")
          .append(SimXml.esc(m.serialNumber())).append("</serial-number>\n<description>")
          .append(SimXml.esc(String.valueOf(m.model()).toUpperCase(Locale.ROOT))).append("</description>\n")
          .append("<model-number>").append(SimXml.esc(String.valueOf(m.model()).toUpperCase(Locale.ROOT)))
          .append("</model-number>\n</chassis-module>\n");
    }
    return b.append("</chassis>\n</chassis-inventory>").toString();
  }

  // ---------------------------------------------------------------- show chassis routing-engine

  /**
   * On an EX Virtual Chassis every member is a routing engine slot (its member id) with its VC role as
   * mastership state: master, backup, or linecard.
   */
  static String routeEngines(SimState d) {
    Instant now = d.model.clock().instant();
    StringBuilder b = new StringBuilder("<route-engine-information xmlns=\"").append(NS).append("junos-chassis\">\n");
    for (VcMember m : d.presentMembers()) {
      Instant booted = d.model.bootedAt(m.memberId());
      long up = Math.max(0, Duration.between(booted, now).getSeconds());
      String state = switch (m.role() == null ? MemberRole.LINECARD : m.role()) {
        case PRIMARY -> "master";
        case BACKUP -> "backup";
        case LINECARD -> "linecard";
      };
      b.append("<route-engine>\n<slot>").append(m.memberId()).append("</slot>\n")
          .append("<mastership-state>").append(state).append("</mastership-state>\n")
          .append("<mastership-priority>").append(d.config.mastershipPriority(m.memberId()))
          .append("</mastership-priority>\n")
          .append("<status>OK</status>\n<memory-dram-size>2048 MB</memory-dram-size>\n")
          .append("<memory-buffer-utilization>37</memory-buffer-utilization>\n")
          .append("<cpu-user>5</cpu-user>\n<cpu-background>0</cpu-background>\n<cpu-system>4</cpu-system>\n")
          .append("<cpu-interrupt>0</cpu-interrupt>\n<cpu-idle>91</cpu-idle>\n")
          .append("<model>").append(SimXml.esc(String.valueOf(m.model()).toUpperCase(Locale.ROOT))).append("</model>\n")
          .append("<serial-number>").append(SimXml.esc(m.serialNumber())).append("</serial-number>\n")
          .append("<start-time junos:seconds=\"").append(booted.getEpochSecond()).append("\">")
          .append(LOCAL.format(booted.atZone(ZoneOffset.UTC))).append("</start-time>\n")
          .append("<up-time junos:seconds=\"").append(up).append("\">").append(uptimeText(up)).append("</up-time>\n")
          .append("<last-reboot-reason>Router rebooted after a normal shutdown.</last-reboot-reason>\n")
          .append("<load-average-one>0.12</load-average-one>\n<load-average-five>0.10</load-average-five>\n")
          .append("<load-average-fifteen>0.08</load-average-fifteen>\n</route-engine>\n");
    }
    return b.append("</route-engine-information>").toString();
  }

  private static String uptimeText(long seconds) {
    long days = seconds / 86400;
    long hours = seconds % 86400 / 3600;
    long minutes = seconds % 3600 / 60;
    long secs = seconds % 60;
    return (days > 0 ? days + " days, " : "") + hours + " hours, " + minutes + " minutes, " + secs + " seconds";
  }

  static String uptime(SimState d) {
    Instant now = d.model.clock().instant();
    Instant booted = d.model.bootedAt(d.primary().memberId());
    long up = Math.max(0, Duration.between(booted, now).getSeconds());
    return "<system-uptime-information xmlns=\"" + NS + "junos\">\n<current-time>\n<date-time junos:seconds=\""
        + now.getEpochSecond() + "\">" + LOCAL.format(now.atZone(ZoneOffset.UTC)) + "</date-time>\n</current-time>\n"
        + "<system-booted-time>\n<date-time junos:seconds=\"" + booted.getEpochSecond() + "\">"
        + LOCAL.format(booted.atZone(ZoneOffset.UTC)) + "</date-time>\n<time-length junos:seconds=\"" + up + "\">"
        + uptimeText(up) + "</time-length>\n</system-booted-time>\n</system-uptime-information>";
  }

  // ---------------------------------------------------------------- show interfaces

  private static Reply interfaces(RpcCall c) {
    c.allowOnly("terse", "brief", "detail", "extensive", "media", "statistics", "routing-instance",
        "interface-name", "snmp-index");
    String instance = c.arg("routing-instance");
    String only = c.arg("interface-name");
    boolean terse = c.flag("terse");
    SimState d = c.device();
    StringBuilder b = new StringBuilder("<interface-information xmlns=\"").append(NS).append("junos-interface\"")
        .append(terse ? " junos:style=\"terse\"" : "").append(">\n");
    if ("__juniper_private1__".equals(instance)) {
      // The internal routing instance: the addresses of this RE's roles, which /etc/hosts.junos names.
      int self = c.member();
      // as Junos shows the private instance in terse: the physical interface carries only its logical one
      b.append("<physical-interface>\n")
          .append("<logical-interface>\n<name>bme0.0</name>\n<admin-status>up</admin-status>\n<oper-status>up</oper-status>\n")
          .append("<filter-information>\n</filter-information>\n")
          .append("<address-family>\n<address-family-name>inet</address-family-name>\n")
          .append("<interface-address>\n<ifa-local junos:emit=\"emit\">128.0.0.1/2</ifa-local>\n</interface-address>\n")
          .append("<interface-address>\n<ifa-local junos:emit=\"emit\">128.0.0.").append(16 + self)
          .append("/2</ifa-local>\n</interface-address>\n</address-family>\n")
          .append("<address-family>\n<address-family-name>tnp</address-family-name>\n<interface-address>\n")
          .append("<ifa-local junos:emit=\"emit\">0x").append(Integer.toHexString(0x10 + self))
          .append("</ifa-local>\n</interface-address>\n</address-family>\n</logical-interface>\n</physical-interface>\n");
      return Reply.of(b.append("</interface-information>").toString());
    }
    if (instance != null && !instance.equals("default") && !d.config.hasRoutingInstance(instance)) {
      throw RpcFailure.failed("routing instance " + instance + " not found");
    }
    return Reply.of(interfaceList(d, only, terse));
  }

  static String interfaceList(SimState d, @Nullable String only, boolean terse) {
    StringBuilder b = new StringBuilder("<interface-information xmlns=\"").append(NS).append("junos-interface\"")
        .append(terse ? " junos:style=\"terse\"" : "").append(">\n");
    int shown = 0;
    for (String name : physicalInterfaces(d)) {
      if (only != null && !matches(only, name)) {
        continue;
      }
      shown++;
      b.append("<physical-interface>\n<name>").append(name).append("</name>\n<admin-status>up</admin-status>\n")
          .append("<oper-status>").append(name.startsWith("me0") || name.startsWith("vme") ? "up" : "down")
          .append("</oper-status>\n");
      if (!terse) {
        b.append("<local-index>").append(shown + 100).append("</local-index>\n<snmp-index>").append(shown + 500)
            .append("</snmp-index>\n<if-type>Ethernet</if-type>\n<link-level-type>Ethernet</link-level-type>\n")
            .append("<mtu>1514</mtu>\n<speed>1000mbps</speed>\n");
      }
      for (String unit : d.config.units(name)) {
        b.append("<logical-interface>\n<name>").append(name).append('.').append(unit).append("</name>\n")
            .append("<admin-status>up</admin-status>\n<oper-status>down</oper-status>\n</logical-interface>\n");
      }
      b.append("</physical-interface>\n");
    }
    if (only != null && shown == 0) {
      throw RpcFailure.failed("device " + only + " not found");
    }
    return b.append("</interface-information>").toString();
  }

  private static boolean matches(String pattern, String name) {
    if (pattern.contains("*")) {
      return name.matches(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
    }
    return name.equals(pattern) || name.equals(pattern.replaceAll("\\.\\d+$", ""));
  }

  /** ge-M/0/P for every port of every present member, then the management interfaces. */
  static List<String> physicalInterfaces(SimState d) {
    List<String> out = new ArrayList<>();
    for (VcMember m : d.presentMembers()) {
      Matcher ports = PORTS.matcher(String.valueOf(m.model()));
      int n = ports.find() ? Integer.parseInt(ports.group(1)) : 48;
      for (int p = 0; p < n; p++) {
        out.add("ge-" + m.memberId() + "/0/" + p);
      }
    }
    out.add("me0");
    out.add("vme");
    return out;
  }

  // ---------------------------------------------------------------- show ethernet-switching table

  /** An ELS switch (EX4300 on 21.x): the l2ng MAC database, empty in the simulation. */
  private static String ethernetSwitching() {
    return "<l2ng-l2ald-rtb-macdb xmlns=\"" + NS + "junos-l2al\">\n<l2ng-l2ald-ethernet-switching-table-summary>\n"
        + "<l2ng-l2-total-mac-count>0</l2ng-l2-total-mac-count>\n<l2ng-l2-total-smac-count>0</l2ng-l2-total-smac-count>\n"
        + "</l2ng-l2ald-ethernet-switching-table-summary>\n</l2ng-l2ald-rtb-macdb>";
  }
}
