package dev.phonehome.phc.testkit.junos;

import org.jspecify.annotations.Nullable;

/**
 * What the device sends back for one RPC: the body inside {@code <rpc-reply>}, and whether the session ends
 * after it. A null body means no reply at all: the session drops (a reboot of the session's member, a power
 * loss, an injected fault).
 */
record Reply(@Nullable String body, boolean closeAfter) {
  static Reply of(String body) {
    return new Reply(body, false);
  }

  static Reply ok() {
    return new Reply("<ok/>", false);
  }

  /** The device goes away without answering. */
  static Reply dropped() {
    return new Reply(null, true);
  }
}
