package dev.phonehome.phc.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.junos.internal.JunosXml;
import dev.phonehome.phc.junos.internal.RpcReply;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.RecordedRpc;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Element;

/**
 * The NETCONF plumbing of the binding: how it wraps RPCs, how it reads errors (error-tag kept, missing files
 * told apart from unknown RPCs), and the exclusive candidate lock around load and commit, released on every path.
 */
@Timeout(60)
class JunosNetconfPlumbingTest {
  private final VirtualClock clock = new VirtualClock();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private VirtualChassisModel vc() {
    return VirtualChassisModel.builder().clock(clock)
        .member(0, "PE0", "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8").build();
  }

  private SimulatedJunosDevice device(VirtualChassisModel vc) {
    SimulatedJunosDevice d = SimulatedJunosDevice.builder(vc).start();
    open.add(d);
    return d;
  }

  private JunosDeviceOperations ops(SimulatedJunosDevice d) {
    JunosDeviceOperations o = SimulatedVc.client(d, clock).build();
    open.add(o);
    return o;
  }

  // ---------------------------------------------------------------- the <rpc> element

  @Test
  void rpcsGoInAPrefixedNcRpcWithTheJunosOperationUnqualifiedAsNcclientAndPyezSendThem() throws Exception {
    SimulatedJunosDevice d = device(vc());
    ops(d).members();
    RecordedRpc first = d.recordedRpcs().get(0);
    assertThat(first.xml()).startsWith("<nc:rpc xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"1\">"
        + "<get-virtual-chassis-information/></nc:rpc>");
    Element rpc = JunosXml.parse(first.xml());
    Element op = JunosXml.children(rpc).get(0);
    assertThat(rpc.getNamespaceURI()).isEqualTo("urn:ietf:params:xml:ns:netconf:base:1.0");
    assertThat(op.getNamespaceURI()).as("the Junos operation is not in the NETCONF namespace").isNull();
  }

  @Test
  void closeSessionIsTheBaseOperationInTheNetconfNamespace() {
    SimulatedJunosDevice d = device(vc());
    JunosDeviceOperations o = SimulatedVc.client(d, clock).build();
    o.members();
    o.close();
    assertThat(d.recordedRpcs()).last().satisfies(r -> assertThat(r.xml()).contains("<nc:close-session/>"));
  }

  // ---------------------------------------------------------------- errors

  private static RpcReply reply(String errors) throws Exception {
    return RpcReply.parse("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" + errors + "</rpc-reply>");
  }

  private static String error(String tag, String message, String badElement) {
    return "<rpc-error><error-type>protocol</error-type>" + (tag == null ? "" : "<error-tag>" + tag + "</error-tag>")
        + "<error-severity>error</error-severity><error-message>" + message + "</error-message>"
        + (badElement == null ? "" : "<error-info><bad-element>" + badElement + "</bad-element></error-info>")
        + "</rpc-error>";
  }

  @Test
  void theErrorTagTypeAndPathAreKept() throws Exception {
    RpcReply r = reply("<rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag>"
        + "<error-severity>error</error-severity><error-path>[edit vlans]</error-path>"
        + "<error-message>configuration database locked by: x</error-message></rpc-error>");
    assertThat(r.errors()).singleElement().satisfies(p -> {
      assertThat(p.tag()).isEqualTo("lock-denied");
      assertThat(p.type()).isEqualTo("protocol");
      assertThat(p.path()).isEqualTo("[edit vlans]");
    });
  }

  @Test
  void aMissingFileIsDecidedByErrorTagAndPath() throws Exception {
    String path = "/var/tmp/phc-state";
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-failed",
        "could not resolve file: /var/tmp/phc-state", null)), path)).isTrue();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-failed",
        "rm: /var/tmp/phc-state: No such file or directory", null)), "fpc1:" + path)).isTrue();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error(null,
        "could not resolve file: /var/tmp/phc-state", null)), path)).as("no tag at all (xnm:error)").isTrue();
  }

  @Test
  void anUnknownRpcOrAnotherFailureIsNotAMissingFile() throws Exception {
    String path = "/var/tmp/phc-state";
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-failed", "syntax error", "file-show")), path))
        .as("Junos: unknown RPC").isFalse();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-not-supported",
        "xml: definition not found", "file-show")), path)).as("another server: unknown RPC").isFalse();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-failed",
        "rpc definition not found", null)), path)).as("'not found' without the path").isFalse();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("access-denied",
        "/var/tmp/phc-state: file not found or permission denied", null)), path)).as("another tag").isFalse();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-failed",
        "could not resolve file: /var/tmp/other", null)), path)).as("another file").isFalse();
    assertThat(JunosDeviceOperations.isMissingFile(reply(error("operation-failed",
        "could not resolve file: /var/tmp/phc-state", null) + error("operation-failed", "disk full", null)), path))
        .as("a second, different error").isFalse();
  }

  @Test
  void aDeviceThatDoesNotKnowFileShowFailsLoadStateInsteadOfReportingNoState() {
    SimulatedJunosDevice d = device(vc());
    d.inject(new dev.phonehome.phc.testkit.junos.JunosSimulationFault.UnknownRpc("file-show"));
    JunosDeviceOperations o = ops(d);
    assertThatThrownBy(o::loadState).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("syntax error");
    d.clearFaults();
    assertThat(o.loadState()).as("a real missing file is no state").isEmpty();
  }

  // ---------------------------------------------------------------- the candidate lock

  private static final Bytes CONFIG = Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>");

  @Test
  void loadAndCommitRunUnderTheExclusiveLockWhichIsReleasedAfterTheCommit() {
    SimulatedJunosDevice d = device(vc());
    JunosDeviceOperations o = ops(d);
    o.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    o.commitConfiguration();
    assertThat(d.rpcSummaries("lock-configuration", "load-configuration", "commit-configuration",
        "unlock-configuration")).containsExactly("lock-configuration", "load-configuration", "commit-configuration",
        "unlock-configuration");
    // released: another client can lock now
    JunosDeviceOperations other = ops(d);
    other.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    other.commitConfiguration();
  }

  @Test
  void whileOneClientHoldsTheLockAnotherCannotLoadAndIsToldWhy() {
    SimulatedJunosDevice d = device(vc());
    JunosDeviceOperations first = ops(d);
    JunosDeviceOperations second = ops(d);
    first.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    assertThatThrownBy(() -> second.loadConfiguration(CONFIG, ConfigurationHandling.MERGE))
        .isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("cannot take the exclusive configuration lock")
        .hasMessageContaining("configuration database locked by");
    first.commitConfiguration();
    second.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    second.commitConfiguration();
  }

  @Test
  void aFailedLoadRollsTheCandidateBackAndReleasesTheLock() {
    VirtualChassisModel vc = vc();
    SimulatedJunosDevice d = device(vc);
    JunosDeviceOperations o = ops(d);
    assertThatThrownBy(() -> o.loadConfiguration(Bytes.utf8("system { host-name x; }}"), ConfigurationHandling.MERGE))
        .isInstanceOf(PhcDeviceException.class).hasMessageContaining("syntax error");
    List<String> tail = d.recordedRpcs().stream().map(RecordedRpc::xml).toList();
    assertThat(tail.get(tail.size() - 2)).contains("<load-configuration rollback=\"0\"/>");
    assertThat(tail.get(tail.size() - 1)).contains("<unlock-configuration/>");
    ops(d).loadConfiguration(CONFIG, ConfigurationHandling.MERGE); // the lock is free
  }

  @Test
  void aFailedCommitRollsTheCandidateBackAndReleasesTheLock() {
    VirtualChassisModel vc = vc();
    SimulatedJunosDevice d = device(vc);
    JunosDeviceOperations o = ops(d);
    vc.inject(new VcFault.CommitFails(1));
    o.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    assertThatThrownBy(o::commitConfiguration).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("configuration check-out failed");
    assertThat(d.rpcSummaries()).endsWith("commit-configuration", "load-configuration", "unlock-configuration");
    assertThat(vc.commitCount()).isZero();
    JunosDeviceOperations other = ops(d);
    other.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    other.commitConfiguration();
    assertThat(vc.commitCount()).isEqualTo(1);
  }

  @Test
  void aSessionLostBetweenLoadAndCommitFailsTheCommitInsteadOfCommittingNothing() {
    VirtualChassisModel vc = vc();
    SimulatedJunosDevice d = device(vc);
    JunosDeviceOperations o = ops(d);
    o.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    d.dropSessions();
    assertThatThrownBy(o::commitConfiguration).isInstanceOf(PhcDeviceException.class)
        .satisfies(e -> assertThat(((PhcDeviceException) e).sessionLost()).isTrue())
        .hasMessageContaining("load it again")
        .hasMessageContaining("the NETCONF session that loaded the configuration");
    assertThat(vc.commitCount()).isZero();
    o.loadConfiguration(CONFIG, ConfigurationHandling.MERGE);
    o.commitConfiguration();
    assertThat(vc.commitCount()).isEqualTo(1);
  }

  @Test
  void pinningRolesLocksLoadsCommitsAndUnlocks() {
    SimulatedJunosDevice d = device(vc());
    JunosDeviceOperations o = ops(d);
    o.pinRoles(0, 1);
    o.unpinRoles();
    assertThat(d.rpcSummaries("lock-configuration", "load-configuration", "commit-configuration",
        "unlock-configuration")).containsExactly(
        "lock-configuration", "load-configuration", "commit-configuration", "unlock-configuration",
        "lock-configuration", "load-configuration", "commit-configuration", "unlock-configuration");
  }
}
