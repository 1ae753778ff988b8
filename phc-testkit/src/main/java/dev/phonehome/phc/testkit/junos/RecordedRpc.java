package dev.phonehome.phc.testkit.junos;

import java.time.Instant;
import java.util.Objects;

/**
 * An RPC the simulated device received.
 *
 * @param at virtual time of receipt
 * @param sessionId the NETCONF session it came on
 * @param name the RPC's element name ({@code request-package-add}); for {@code <command>} the command text
 *     prefixed by {@code command:} ({@code command:show version invoke-on all-routing-engines})
 * @param member the {@code <member>} argument, or -1
 * @param xml the {@code <rpc>} as received
 * @param user the SSH user of the session (who issued it)
 */
public record RecordedRpc(Instant at, int sessionId, String name, int member, String xml, String user) {
  public RecordedRpc {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(xml, "xml");
    Objects.requireNonNull(user, "user");
  }

  /** An RPC whose user is not known (recorded before sessions had one). */
  public RecordedRpc(Instant at, int sessionId, String name, int member, String xml) {
    this(at, sessionId, name, member, xml, "");
  }

  /** {@code name} or {@code name member=N}: handy in order assertions. */
  public String summary() {
    return member < 0 ? name : name + " member=" + member;
  }
}
