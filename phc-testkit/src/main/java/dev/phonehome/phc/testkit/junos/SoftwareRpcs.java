package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.VcMember;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Software install and reboot: {@code request system software add}, {@code request system reboot}. */
final class SoftwareRpcs {
  private static final String RULE = "--------------------------------------------------------------------------\n";

  private SoftwareRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("request-package-add", SoftwareRpcs::packageAdd);
    r.register("request-package-validate", SoftwareRpcs::packageValidate);
    r.register("request-reboot", SoftwareRpcs::reboot);
    r.register("request-system-storage-cleanup", c -> {
      c.allowOnly("no-confirm", "dry-run");
      return Reply.of("<system-storage-cleanup-information>\n<success/>\n<file-list>\n</file-list>\n"
          + "</system-storage-cleanup-information>");
    });
  }

  /**
   * Installs on one member ({@code <member>}) or, without it, on every present member of the VC, as
   * {@code request system software add} does on an EX Virtual Chassis. With {@code <reboot/>} the members
   * reboot afterwards.
   */
  private static Reply packageAdd(RpcCall c) {
    c.allowOnly("package-name", "member", "no-validate", "validate", "reboot", "force", "no-copy", "unlink",
        "best-effort-load", "partition");
    String path = FileRpcs.resolve(c, c.requireArg("package-name")).path();
    SimState d = c.device();
    int member = c.memberArg();
    List<Integer> targets = new ArrayList<>();
    if (member >= 0) {
      targets.add(member);
    } else {
      for (VcMember m : d.presentMembers()) {
        targets.add(m.memberId());
      }
    }
    boolean omit = d.settings.faults().stream().anyMatch(f -> f instanceof JunosSimulationFault.OmitPackageResult);
    String name = path.substring(path.lastIndexOf('/') + 1);
    StringBuilder out = new StringBuilder("<output>\n");
    boolean failed = false;
    for (int id : targets) {
      if (targets.size() > 1 || member >= 0) {
        out.append("fpc").append(id).append(":\n").append(RULE);
      }
      try {
        d.model.installImage(id, path);
        String version = d.model.stagedVersion(id).orElse("");
        out.append("Verified ").append(SimXml.esc(name))
            .append(" signed by PackageProductionECP256_2022 method ECDSA256+SHA256\n")
            .append("Installing package '").append(SimXml.esc(path)).append("' ...\n")
            .append("JUNOS ").append(SimXml.esc(version)).append(" will become active at next reboot\n")
            .append("WARNING: A reboot is required to load this software correctly\n")
            .append("WARNING:     Use the 'request system reboot' command\n")
            .append("WARNING:         when software installation is complete\n");
      } catch (PhcDeviceException e) {
        failed = true;
        out.append("Installing package '").append(SimXml.esc(path)).append("' ...\n")
            .append(SimXml.esc(errorText(e))).append('\n');
      }
    }
    out.append("</output>");
    String result = omit ? "" : "\n<package-result>" + (failed ? 1 : 0) + "</package-result>";
    if (!failed && c.flag("reboot")) {
      d.model.reboot(targets);
      return new Reply(out + result, sessionGone(c));
    }
    return Reply.of(out + result);
  }

  private static Reply packageValidate(RpcCall c) {
    c.allowOnly("package-name", "member");
    String path = FileRpcs.resolve(c, c.requireArg("package-name")).path();
    if (c.device().model.file(path).isEmpty()) {
      return Reply.of("<output>\nERROR: package: " + SimXml.esc(path) + " is not found or empty\n</output>\n"
          + "<package-result>1</package-result>");
    }
    return Reply.of("<output>\nChecking compatibility with configuration\nInitializing...\n"
        + "Verified manifest signed by PackageProductionECP256_2022 method ECDSA256+SHA256\n"
        + "Validating against /config/juniper.conf.gz\nmgd: commit complete\nValidation succeeded\n</output>\n"
        + "<package-result>0</package-result>");
  }

  private static String errorText(PhcDeviceException e) {
    String m = e.getMessage();
    int i = m.indexOf("ERROR");
    if (i >= 0) {
      return m.substring(i);
    }
    if (m.contains("no such file")) {
      return "ERROR: package: " + m.substring(m.indexOf("no such file: ") + 14) + " is not found or empty";
    }
    int colon = m.indexOf(": ");
    return "ERROR: " + (colon >= 0 && m.startsWith("install-image") ? m.substring(colon + 2) : m);
  }

  /**
   * Reboots one member ({@code <member>}) or every present member (an EX VC reboots as a whole). A reboot of
   * the session's own member ends the session after the reply.
   */
  private static Reply reboot(RpcCall c) {
    c.allowOnly("member", "in", "at", "all-members", "local", "both-routing-engines", "message", "other-routing-engine");
    SimState d = c.device();
    int member = c.memberArg();
    List<Integer> ids = new ArrayList<>();
    if (member >= 0) {
      if (d.model.member(member).map(VcMember::isPresent).orElse(false)) {
        ids.add(member);
      } else {
        throw RpcFailure.failed("error: member " + member + " is not present in the Virtual Chassis");
      }
    } else if (c.flag("local")) {
      ids.add(c.member());
    } else {
      for (VcMember m : d.presentMembers()) {
        ids.add(m.memberId());
      }
    }
    d.model.reboot(ids);
    StringBuilder status = new StringBuilder();
    for (int id : ids) {
      status.append("Rebooting fpc").append(id).append('\n');
    }
    String body = "<request-reboot-results>\n<request-reboot-status reboot-time=\""
        + d.model.clock().instant().getEpochSecond() + "\">\n" + status + "Shutdown NOW!\n[pid "
        + (4000 + c.session().id() % 1000) + "]\n</request-reboot-status>\n</request-reboot-results>";
    return new Reply(body, sessionGone(c));
  }

  private static boolean sessionGone(RpcCall c) {
    OptionalInt p = c.device().model.primaryMemberId();
    return p.isEmpty() || p.getAsInt() != c.member();
  }
}
