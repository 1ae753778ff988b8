package dev.phonehome.phc.testkit.junos;

import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/**
 * One RPC as a handler sees it: the operation element, its name, the session it came on and the device.
 *
 * @param op the operation element (the child of {@code <rpc>})
 * @param name its local name
 * @param session the NETCONF session
 * @param device the device state shared by all sessions
 */
record RpcCall(Element op, String name, SimSession session, SimState device) {

  /** The member the session runs on (the primary when the session opened). */
  int member() {
    return session.memberId();
  }

  /** The trimmed text of a child element, or null when absent. */
  @Nullable String arg(String child) {
    return SimXml.childText(op, child);
  }

  /** The trimmed text of a required child element. */
  String requireArg(String child) {
    String v = arg(child);
    if (v == null || v.isEmpty()) {
      throw RpcFailure.missing(child);
    }
    return v;
  }

  boolean flag(String child) {
    return SimXml.hasChild(op, child);
  }

  /** The {@code <member>} argument, or -1 when absent. */
  int memberArg() {
    String m = arg("member");
    if (m == null || m.isEmpty()) {
      return -1;
    }
    try {
      int id = Integer.parseInt(m);
      if (id < 0 || id > 9) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new RpcFailure("protocol", "operation-failed", "invalid value: member " + m
          + " (expecting a member id 0 to 9)", "member", null, null);
    }
  }

  /**
   * Junos refuses arguments an RPC does not take: "syntax error" naming the element. Call with every argument
   * the RPC accepts.
   */
  void allowOnly(String... arguments) {
    java.util.List<String> allowed = java.util.List.of(arguments);
    for (Element e : SimXml.children(op)) {
      if (!allowed.contains(SimXml.localName(e))) {
        throw RpcFailure.syntax(SimXml.localName(e));
      }
    }
  }

  /** An XML attribute of the operation element, or null when absent. */
  @Nullable String attr(String name) {
    return op.hasAttribute(name) ? op.getAttribute(name) : null;
  }
}
