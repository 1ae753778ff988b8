package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.VcMember;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;

/** Configuration RPCs. */
final class ConfigRpcs {
  private ConfigRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("load-configuration", ConfigRpcs::load);
    r.register("commit-configuration", ConfigRpcs::commit);
    r.register("lock", c -> Reply.ok());
    r.register("unlock", c -> Reply.ok());
    r.register("discard-changes", c -> Reply.ok());
  }

  private static Reply load(RpcCall c) {
    String action = c.attr("action") == null ? "merge" : c.attr("action");
    ConfigurationHandling handling = switch (action) {
      case "merge" -> ConfigurationHandling.MERGE;
      case "override", "replace", "update" -> ConfigurationHandling.REPLACE;
      default -> throw new RpcFailure("protocol", "operation-failed", "invalid value: " + action, "action", null, null)
          .wrappedIn("load-configuration-results");
    };
    if ("text".equals(c.attr("format"))) {
      c.device().config.loadText(c.requireArg("configuration-text"), handling);
      return Reply.of("<load-configuration-results>\n<ok/>\n</load-configuration-results>");
    }
    Element config = SimXml.firstChild(c.op(), "configuration");
    if (config == null) {
      throw RpcFailure.missing("configuration").wrappedIn("load-configuration-results");
    }
    c.device().config.loadXml(config, handling);
    return Reply.of("<load-configuration-results>\n<ok/>\n</load-configuration-results>");
  }

  private static Reply commit(RpcCall c) {
    boolean check = c.flag("check");
    List<String> res = new ArrayList<>();
    for (VcMember m : c.device().presentMembers()) {
      if (m.role() != null && m.role() != dev.phonehome.phc.api.model.MemberRole.LINECARD) {
        res.add("fpc" + m.memberId());
      }
    }
    if (!check) {
      try {
        c.device().config.commit();
      } catch (PhcDeviceException e) {
        throw RpcFailure.failed(e.getMessage().replaceFirst("^commit: ", ""));
      }
    }
    StringBuilder results = new StringBuilder("<commit-results>\n");
    for (String re : res) {
      results.append("<routing-engine junos:style=\"show-name\">\n<name>").append(re).append("</name>\n")
          .append(check ? "<commit-check-success/>" : "<commit-success/>").append("\n</routing-engine>\n");
    }
    return Reply.of(results.append("</commit-results>").toString());
  }
}
