package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.device.StartConditions;
import dev.phonehome.phc.api.model.VcMember;
import java.util.List;

/**
 * {@code show virtual-chassis vc-port} ({@code <get-virtual-chassis-port-information/>}): per member (a
 * {@code multi-routing-engine-item} named {@code fpcN}), its Virtual Chassis ports with type, status and the
 * neighbour at the other end, from the model's VCP cabling. Our own template, shaped after Junos 21.x on an
 * EX4300 VC (element names as in the {@code virtual-chassis-port-information} reply), not captured output.
 */
final class VcPortRpcs {
  private VcPortRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("get-virtual-chassis-port-information", c -> {
      FactRpcs.requireVc(c, "get-virtual-chassis-port-information");
      return Reply.of(ports(c.device()));
    });
  }

  static String ports(SimState d) {
    List<StartConditions.VcpLink> links = d.model.vcpLinks();
    StringBuilder b = new StringBuilder("<multi-routing-engine-results>\n");
    for (VcMember m : d.model.members()) {
      if (!m.isPresent()) {
        continue;
      }
      b.append("<multi-routing-engine-item>\n<re-name>fpc").append(m.memberId()).append("</re-name>\n")
          .append("<virtual-chassis-port-information junos:style=\"brief\">\n<port-list>\n");
      for (StartConditions.VcpLink l : links) {
        if (l.memberId() != m.memberId()) {
          continue;
        }
        b.append("<port-information>\n<port-name>").append(SimXml.esc(l.port())).append("</port-name>\n")
            .append("<port-type>").append(type(l.kind())).append("</port-type>\n")
            .append("<trunk-id>").append(l.up() ? "1" : "-1").append("</trunk-id>\n")
            .append("<port-status>").append(l.up() ? "Up" : "Down").append("</port-status>\n")
            .append("<port-speed>40000</port-speed>\n");
        if (l.up() && l.neighborMemberId() != null) {
          b.append("<neighbor-id>").append(l.neighborMemberId()).append("</neighbor-id>\n")
              .append("<neighbor-interface>vcp-255/").append(SimXml.esc(l.port())).append("</neighbor-interface>\n");
        }
        b.append("</port-information>\n");
      }
      b.append("</port-list>\n</virtual-chassis-port-information>\n</multi-routing-engine-item>\n");
    }
    return b.append("</multi-routing-engine-results>").toString();
  }

  /**
   * The Type column: EX4300 QSFP+ ports are VCPs by default and Junos shows them as {@code Configured}, like a
   * network port someone made a VCP; dedicated ports show {@code Dedicated}; LLDP-converted ones
   * {@code Auto-Configured}. The binding tells default from configured by model and port.
   */
  private static String type(StartConditions.VcpKind kind) {
    return switch (kind) {
      case DEDICATED -> "Dedicated";
      case DEFAULT, CONFIGURED, UNKNOWN -> "Configured";
    };
  }
}
