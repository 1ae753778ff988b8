package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/**
 * The base NETCONF operations (RFC 6241) the hello advertises, as Junos answers them: {@code <get>},
 * {@code <get-config>}, {@code <edit-config>}, {@code <validate>}, {@code <commit>} (also confirmed),
 * {@code <discard-changes>}, {@code <lock>}/{@code <unlock>} and {@code <kill-session>}; on the same
 * configuration database as the Junos RPCs. Junos has no writable running datastore: edits go to the
 * candidate, and {@code <lock>} of running or candidate locks the candidate.
 */
final class NetconfRpcs {
  private NetconfRpcs() {}

  static void register(JunosRpcHandler r) {
    r.register("get", c -> {
      c.allowOnly("filter");
      return Reply.of(data(c, c.device().config.committed(), SimXml.firstChild(c.op(), "filter")));
    });
    r.register("get-config", NetconfRpcs::getConfig);
    r.register("edit-config", NetconfRpcs::editConfig);
    r.register("validate", NetconfRpcs::validate);
    r.register("commit", NetconfRpcs::commit);
    r.register("discard-changes", c -> {
      c.allowOnly();
      c.device().config.discard(c.session());
      return Reply.ok();
    });
    r.register("lock", c -> {
      target(c, "target");
      c.device().config.lock(c.session());
      return Reply.ok();
    });
    r.register("unlock", c -> {
      target(c, "target");
      c.device().config.unlock(c.session());
      return Reply.ok();
    });
    r.register("kill-session", c -> {
      c.allowOnly("session-id");
      String id = c.requireArg("session-id");
      int n;
      try {
        n = Integer.parseInt(id);
      } catch (NumberFormatException e) {
        throw new RpcFailure("protocol", "invalid-value", "invalid session-id: " + id, "session-id", null, null);
      }
      if (n == c.session().id()) {
        throw new RpcFailure("protocol", "invalid-value", "cannot kill the current session", "session-id", null, null);
      }
      if (!c.device().killSession(n)) {
        throw new RpcFailure("protocol", "invalid-value", "session " + n + " does not exist", "session-id", null, null);
      }
      return Reply.ok();
    });
  }

  /** The datastore named in {@code <source>} or {@code <target>}: running or candidate. */
  private static String target(RpcCall c, String element) {
    Element e = SimXml.firstChild(c.op(), element);
    if (e == null) {
      throw new RpcFailure("protocol", "missing-element", "missing mandatory argument", element, null, null);
    }
    for (Element k : SimXml.children(e)) {
      String n = SimXml.localName(k);
      if (n.equals("running") || n.equals("candidate")) {
        return n;
      }
      throw new RpcFailure("protocol", "invalid-value", "invalid datastore: " + n
          + " (this device has running and candidate)", n, null, null);
    }
    throw new RpcFailure("protocol", "missing-element", "missing datastore", element, null, null);
  }

  private static Reply getConfig(RpcCall c) {
    c.allowOnly("source", "filter");
    String source = target(c, "source");
    ConfigTree t = source.equals("running") ? c.device().config.committed() : c.device().config.candidate(c.session());
    return Reply.of(data(c, t, SimXml.firstChild(c.op(), "filter")));
  }

  /** {@code <data>} with the configuration, filtered by a subtree filter whose top element is configuration. */
  private static String data(RpcCall c, ConfigTree t, @Nullable Element filter) {
    ConfigTree shown = t;
    if (filter != null) {
      String type = filter.hasAttribute("type") ? filter.getAttribute("type") : "subtree";
      if (!type.equals("subtree")) {
        throw new RpcFailure("protocol", "invalid-value", "filter type " + type + " is not supported", "filter",
            null, null);
      }
      Element top = SimXml.firstChild(filter, "configuration");
      if (top == null) {
        return "<data>\n</data>";
      }
      shown = ConfigRpcs.filter(t, top);
    }
    return "<data>\n" + ConfigRpcs.render(c.device(), shown, "xml", false) + "\n</data>";
  }

  private static Reply editConfig(RpcCall c) {
    c.allowOnly("target", "default-operation", "test-option", "error-option", "config", "config-text", "url");
    if (target(c, "target").equals("running")) {
      throw new RpcFailure("protocol", "operation-not-supported", "edit-config of running is not supported: "
          + "edit the candidate and commit", "running", null, null);
    }
    String defaultOp = c.arg("default-operation") == null ? "merge" : c.arg("default-operation");
    if (!defaultOp.equals("merge") && !defaultOp.equals("replace") && !defaultOp.equals("none")) {
      throw new RpcFailure("protocol", "invalid-value", "invalid default-operation: " + defaultOp,
          "default-operation", null, null);
    }
    SimState d = c.device();
    Element config = SimXml.firstChild(c.op(), "config");
    if (config != null) {
      Element conf = SimXml.firstChild(config, "configuration");
      if (conf == null) {
        throw new RpcFailure("protocol", "missing-element", "missing mandatory argument", "configuration", null, null);
      }
      d.config.load(c.session(), t -> {
        if (defaultOp.equals("replace")) {
          t.children.clear();
        }
        for (Element e : SimXml.children(conf)) {
          ConfigTree.applyXml(t, e, true);
        }
      }, Bytes.utf8(SimXml.serialize(conf)),
          defaultOp.equals("replace") ? ConfigurationHandling.REPLACE : ConfigurationHandling.MERGE);
      return Reply.ok();
    }
    Element configText = SimXml.firstChild(c.op(), "config-text");
    if (configText != null) {
      Element text = SimXml.firstChild(configText, "configuration-text");
      if (text == null) {
        throw new RpcFailure("protocol", "missing-element", "missing mandatory argument", "configuration-text", null, null);
      }
      String s = text.getTextContent();
      d.config.load(c.session(), t -> {
        if (defaultOp.equals("replace")) {
          t.children.clear();
        }
        ConfigText.applyText(t, s, true);
      }, Bytes.utf8(s), defaultOp.equals("replace") ? ConfigurationHandling.REPLACE : ConfigurationHandling.MERGE);
      return Reply.ok();
    }
    throw new RpcFailure("protocol", "missing-element", "missing mandatory argument", "config", null, null);
  }

  private static Reply validate(RpcCall c) {
    c.allowOnly("source");
    String source = target(c, "source");
    ConfigTree t = source.equals("running") ? c.device().config.committed() : c.device().config.candidate(c.session());
    var problems = c.device().config.check(t);
    if (!problems.isEmpty()) {
      problems.add(RpcFailure.failed("configuration check-out failed"));
      throw RpcFailure.all(problems);
    }
    return Reply.ok();
  }

  /** NETCONF {@code <commit>}: {@code confirm-timeout} is in seconds here (minutes in Junos' own RPC). */
  private static Reply commit(RpcCall c) {
    c.allowOnly("confirmed", "confirm-timeout", "persist", "persist-id");
    Duration confirm = null;
    if (c.flag("confirmed")) {
      String seconds = c.arg("confirm-timeout");
      try {
        confirm = Duration.ofSeconds(seconds == null || seconds.isEmpty() ? 600 : Long.parseLong(seconds));
      } catch (NumberFormatException e) {
        throw new RpcFailure("protocol", "invalid-value", "invalid confirm-timeout: " + seconds, "confirm-timeout",
            null, null);
      }
    }
    c.device().config.commit(c.session(), false, null, confirm);
    return Reply.ok();
  }
}
