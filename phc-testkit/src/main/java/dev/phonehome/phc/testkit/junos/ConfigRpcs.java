package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.w3c.dom.Element;

/**
 * Junos configuration RPCs: {@code lock-configuration}, {@code unlock-configuration},
 * {@code open-configuration}/{@code close-configuration} (private candidates), {@code load-configuration}
 * (XML, text, {@code action="set"}, merge/replace/override/update, {@code rollback="N"}),
 * {@code commit-configuration} (check, log, confirmed, synchronize), {@code get-configuration} (candidate or
 * committed, XML/text/set, subtree filter, {@code rollback="N"}, {@code compare="rollback"}) and
 * {@code get-commit-information}. All on the device's {@link ConfigDatabase}.
 */
final class ConfigRpcs {
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

  private ConfigRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("lock-configuration", c -> {
      c.allowOnly();
      c.device().config.lock(c.session());
      return Reply.ok();
    });
    r.register("unlock-configuration", c -> {
      c.allowOnly();
      c.device().config.unlock(c.session());
      return Reply.ok();
    });
    r.register("open-configuration", ConfigRpcs::openConfiguration);
    r.register("close-configuration", c -> {
      c.device().config.closePrivate(c.session());
      return Reply.ok();
    });
    r.register("load-configuration", ConfigRpcs::load);
    r.register("commit-configuration", ConfigRpcs::commit);
    r.register("get-configuration", ConfigRpcs::getConfiguration);
    r.register("get-commit-information", c -> Reply.of(commitInformation(c.device())));
  }

  private static Reply openConfiguration(RpcCall c) {
    c.allowOnly("private", "exclusive", "shared", "dynamic", "batch", "ephemeral", "ephemeral-instance");
    if (c.flag("private")) {
      c.device().config.openPrivate(c.session());
    } else if (c.flag("exclusive")) {
      c.device().config.lock(c.session());
    } else if (!c.flag("shared")) {
      String mode = SimXml.children(c.op()).isEmpty() ? "open-configuration" : SimXml.localName(SimXml.children(c.op()).get(0));
      throw RpcFailure.failed("configuration database " + mode + " is not available on this platform");
    }
    return Reply.ok();
  }

  // ---------------------------------------------------------------- load

  private static Reply load(RpcCall c) {
    try {
      return doLoad(c);
    } catch (RpcFailure f) {
      throw f.wrappedIn("load-configuration-results");
    }
  }

  private static Reply doLoad(RpcCall c) {
    SimState d = c.device();
    String rollback = c.attr("rollback");
    if (rollback != null) {
      int n;
      try {
        n = Integer.parseInt(rollback);
      } catch (NumberFormatException e) {
        throw new RpcFailure("protocol", "operation-failed", "invalid rollback number: " + rollback, "rollback", null, null);
      }
      d.config.rollbackInto(c.session(), n);
      return loaded();
    }
    if (c.attr("url") != null) {
      throw RpcFailure.failed("error: could not resolve file: " + c.attr("url"));
    }
    String action = c.attr("action") == null ? "merge" : c.attr("action");
    String format = c.attr("format") == null ? "xml" : c.attr("format");
    if (action.equals("set")) {
      Element e = SimXml.firstChild(c.op(), "configuration-set");
      if (e == null) {
        e = SimXml.firstChild(c.op(), "configuration-text");
      }
      if (e == null) {
        throw RpcFailure.missing("configuration-set");
      }
      String text = e.getTextContent();
      d.config.load(c.session(), t -> ConfigText.applySet(t, text), Bytes.utf8(text), ConfigurationHandling.MERGE);
      return loaded();
    }
    ConfigurationHandling handling = switch (action) {
      case "merge", "replace" -> ConfigurationHandling.MERGE;
      case "override", "update" -> ConfigurationHandling.REPLACE;
      default -> throw new RpcFailure("protocol", "operation-failed", "invalid value: " + action
          + " (expecting merge, replace, override, update or set)", "action", null, null);
    };
    boolean honourReplace = action.equals("replace");
    boolean override = action.equals("override") || action.equals("update");
    switch (format) {
      case "text" -> {
        Element e = SimXml.firstChild(c.op(), "configuration-text");
        if (e == null) {
          throw RpcFailure.missing("configuration-text");
        }
        String text = e.getTextContent();
        d.config.load(c.session(), t -> {
          if (override) {
            t.children.clear();
          }
          ConfigText.applyText(t, text, honourReplace);
        }, Bytes.utf8(text), handling);
      }
      case "xml" -> {
        Element config = SimXml.firstChild(c.op(), "configuration");
        if (config == null) {
          throw RpcFailure.missing("configuration");
        }
        d.config.load(c.session(), t -> {
          if (override) {
            t.children.clear();
          }
          for (Element e : SimXml.children(config)) {
            ConfigTree.applyXml(t, e, honourReplace);
          }
        }, Bytes.utf8(SimXml.serialize(config)), handling);
      }
      default -> throw new RpcFailure("protocol", "operation-failed", "invalid value: " + format
          + " (expecting xml or text)", "format", null, null);
    }
    return loaded();
  }

  private static Reply loaded() {
    return Reply.of("<load-configuration-results>\n<ok/>\n</load-configuration-results>");
  }

  // ---------------------------------------------------------------- commit

  private static Reply commit(RpcCall c) {
    c.allowOnly("check", "log", "confirmed", "confirm-timeout", "synchronize", "force-synchronize", "full",
        "detail", "no-synchronize", "at-time", "rollback");
    boolean check = c.flag("check");
    Duration confirm = null;
    if (c.flag("confirmed")) {
      String minutes = c.arg("confirm-timeout");
      try {
        confirm = Duration.ofMinutes(minutes == null || minutes.isEmpty() ? 10 : Integer.parseInt(minutes));
      } catch (NumberFormatException e) {
        throw new RpcFailure("protocol", "operation-failed", "invalid value: " + minutes, "confirm-timeout", null, null);
      }
    }
    c.device().config.commit(c.session(), check, c.arg("log"), confirm);
    StringBuilder results = new StringBuilder("<commit-results>\n");
    for (VcMember m : c.device().presentMembers()) {
      if (m.role() == MemberRole.PRIMARY || m.role() == MemberRole.BACKUP) {
        results.append("<routing-engine junos:style=\"show-name\">\n<name>fpc").append(m.memberId()).append("</name>\n")
            .append(check ? "<commit-check-success/>" : "<commit-success/>").append("\n</routing-engine>\n");
      }
    }
    return Reply.of(results.append("</commit-results>").toString());
  }

  // ---------------------------------------------------------------- get-configuration

  private static Reply getConfiguration(RpcCall c) {
    c.allowOnly("configuration");
    SimState d = c.device();
    String database = c.attr("database") == null ? "candidate" : c.attr("database");
    String format = c.attr("format") == null ? "xml" : c.attr("format");
    String rollback = c.attr("rollback");
    ConfigTree base = switch (database) {
      case "candidate" -> d.config.candidate(c.session());
      case "committed" -> d.config.committed();
      default -> throw new RpcFailure("protocol", "operation-failed", "invalid value: " + database
          + " (expecting candidate or committed)", "database", null, null);
    };
    if ("rollback".equals(c.attr("compare"))) {
      int n = rollbackNumber(rollback == null ? "0" : rollback);
      String diff = ConfigDatabase.diff(d.config.rollback(n), base);
      return Reply.of("<configuration-information>\n<configuration-output>\n" + SimXml.esc(diff)
          + "</configuration-output>\n</configuration-information>");
    }
    if (rollback != null) {
      base = d.config.rollback(rollbackNumber(rollback));
    }
    Element filter = SimXml.firstChild(c.op(), "configuration");
    ConfigTree shown = filter == null ? base : filter(base, filter);
    return Reply.of(render(d, shown, format, database.equals("candidate") && d.config.candidateModified()));
  }

  private static int rollbackNumber(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new RpcFailure("protocol", "operation-failed", "invalid rollback number: " + s, "rollback", null, null);
    }
  }

  /** The configuration in Junos' reply shape for the format ({@code xml}, {@code text}, {@code set}). */
  static String render(SimState d, ConfigTree t, String format, boolean changed) {
    String version = d.primary().version();
    switch (format) {
      case "xml" -> {
        StringBuilder b = new StringBuilder("<configuration").append(d.config.commitAttributes());
        if (changed) {
          b.append(" junos:changed-seconds=\"").append(d.model.clock().instant().getEpochSecond())
              .append("\" junos:changed-localtime=\"").append(LOCAL.format(d.model.clock().instant().atZone(ZoneOffset.UTC)))
              .append('"');
        }
        b.append(">\n    <version>").append(SimXml.esc(String.valueOf(version))).append("</version>\n");
        t.childrenXml(b, 1);
        return b.append("</configuration>").toString();
      }
      case "text" -> {
        return "<configuration-text>\n" + SimXml.esc(d.config.lastCommitLine() + "version " + version + ";\n"
            + t.text()) + "</configuration-text>";
      }
      case "set" -> {
        return "<configuration-set>\n" + SimXml.esc("set version " + version + "\n" + t.setCommands())
            + "</configuration-set>";
      }
      default -> throw new RpcFailure("protocol", "operation-failed", "invalid value: " + format
          + " (expecting xml, text or set)", "format", null, null);
    }
  }

  /**
   * A NETCONF subtree filter over a configuration: each filter element selects the statements of that name
   * (and that {@code <name>}, when given); an element with no other children selects the whole statement.
   */
  static ConfigTree filter(ConfigTree data, Element filter) {
    ConfigTree out = new ConfigTree(data.name);
    out.key = data.key;
    for (Element f : SimXml.children(filter)) {
      String name = SimXml.localName(f);
      Element keyEl = SimXml.firstChild(f, "name");
      String key = keyEl != null && SimXml.children(keyEl).isEmpty() && !SimXml.text(keyEl).isEmpty()
          ? SimXml.text(keyEl) : null;
      boolean deeper = SimXml.children(f).stream().anyMatch(k -> k != keyEl);
      for (ConfigTree c : data.children) {
        if (!c.name.equals(name) || (key != null && !key.equals(c.key))) {
          continue;
        }
        if (!deeper || c.value != null) {
          out.children.add(c.copy());
        } else {
          ConfigTree sub = filter(c, f);
          if (!sub.children.isEmpty() || c.key != null) {
            out.children.add(sub);
          }
        }
      }
    }
    return out;
  }

  private static String commitInformation(SimState d) {
    StringBuilder b = new StringBuilder("<commit-information>\n");
    for (int i = 0; i < d.config.rollbackCount(); i++) {
      ConfigDatabase.Commit c = d.config.commitRecord(i);
      b.append("<commit-history>\n<sequence-number>").append(i).append("</sequence-number>\n<user>")
          .append(SimXml.esc(c.user())).append("</user>\n<client>").append(c.client()).append("</client>\n")
          .append("<date-time junos:seconds=\"").append(c.at().getEpochSecond()).append("\">")
          .append(LOCAL.format(c.at().atZone(ZoneOffset.UTC))).append("</date-time>\n");
      if (c.comment() != null) {
        b.append("<log>").append(SimXml.esc(c.comment())).append("</log>\n");
      }
      b.append("</commit-history>\n");
    }
    return b.append("</commit-information>").toString();
  }

}
