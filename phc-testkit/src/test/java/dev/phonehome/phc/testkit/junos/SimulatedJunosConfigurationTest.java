package dev.phonehome.phc.testkit.junos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulated VC's configuration database through a bare NETCONF client: Junos RPCs and base NETCONF
 * operations on one candidate, commits with a rollback history, locks between sessions.
 */
@Timeout(30)
class SimulatedJunosConfigurationTest {
  private final VirtualClock clock = new VirtualClock();
  private final VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock)
      .member(0, "PE0", "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8")
      .member(2, "PE2", "ex4300-48p", "20.4R3.8").primary(1).backup(2).build();
  private final SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();

  @AfterEach
  void close() {
    device.close();
  }

  private static String loadSet(String commands) {
    return "<load-configuration action=\"set\" format=\"text\"><configuration-set>" + commands
        + "</configuration-set></load-configuration>";
  }

  private static String text(String reply, String element) {
    int a = reply.indexOf('>', reply.indexOf("<" + element)) + 1;
    int b = reply.indexOf("</" + element + ">");
    return reply.substring(a, b).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
  }

  @Test
  void setTextAndXmlLoadsAllLandInOneCandidateShownInEveryFormat() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      assertThat(nc.rpc(loadSet("set system host-name sw-set\nset interfaces ge-0/0/1 unit 0 family ethernet-switching")))
          .contains("<load-configuration-results>", "<ok/>");
      assertThat(nc.rpc("<load-configuration format=\"text\"><configuration-text>system {\n  location {\n"
          + "    building \"lab 1\";\n  }\n}\n</configuration-text></load-configuration>")).contains("<ok/>");
      assertThat(nc.rpc("<load-configuration format=\"xml\" action=\"merge\"><configuration><vlans><vlan>"
          + "<name>v10</name><vlan-id>10</vlan-id></vlan></vlans></configuration></load-configuration>")).contains("<ok/>");

      String xml = nc.rpc("<get-configuration/>");
      assertThat(xml).contains("junos:changed-seconds", "<host-name>sw-set</host-name>", "<name>ge-0/0/1</name>",
          "<building>lab 1</building>", "<name>v10</name>", "<vlan-id>10</vlan-id>");
      String asText = text(nc.rpc("<get-configuration format=\"text\"/>"), "configuration-text");
      assertThat(asText).contains("## Last commit:", "version 20.4R3.8;", "host-name sw-set;", "building \"lab 1\";",
          "    ge-0/0/1 {\n        unit 0 {\n            family ethernet-switching;\n        }\n    }",
          "    v10 {\n        vlan-id 10;\n    }");
      String asSet = text(nc.rpc("<get-configuration format=\"set\"/>"), "configuration-set");
      assertThat(asSet).contains("set system host-name sw-set\n",
          "set interfaces ge-0/0/1 unit 0 family ethernet-switching\n", "set vlans v10 vlan-id 10\n");
      assertThat(nc.rpc("<get-configuration database=\"committed\"/>")).doesNotContain("sw-set");
    }
  }

  @Test
  void compareRollbackShowsTheCandidatesChangesAndNothingOnceCommitted() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      String none = text(nc.rpc("<get-configuration compare=\"rollback\" rollback=\"0\" format=\"text\"/>"),
          "configuration-output");
      assertThat(none).isEqualTo("\n");
      nc.rpc(loadSet("set system host-name sw1\ndelete vlans default"));
      String diff = text(nc.rpc("<get-configuration compare=\"rollback\" rollback=\"0\" format=\"text\"/>"),
          "configuration-output");
      assertThat(diff).isEqualTo("\n[edit system]\n+   host-name sw1;\n[edit vlans]\n-   default {\n-       vlan-id 1;\n-   }\n");
      assertThat(nc.rpc("<commit-configuration><log>first</log></commit-configuration>"))
          .contains("<commit-results>", "<name>fpc1</name>", "<name>fpc2</name>", "<commit-success/>");
      assertThat(text(nc.rpc("<get-configuration compare=\"rollback\" rollback=\"0\" format=\"text\"/>"),
          "configuration-output")).isEqualTo("\n");
      assertThat(text(nc.rpc("<get-configuration compare=\"rollback\" rollback=\"1\" format=\"text\"/>"),
          "configuration-output")).contains("+   host-name sw1;");
    }
    assertThat(vc.commitCount()).isEqualTo(1);
  }

  @Test
  void rollbackLoadsAnEarlierCommitAndSixCommitsKeepRollbacksZeroToFive() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      for (int i = 1; i <= 6; i++) {
        nc.rpc(loadSet("set system host-name sw" + i));
        assertThat(nc.rpc("<commit-configuration/>")).contains("<commit-success/>");
      }
      for (int n = 0; n <= 5; n++) {
        assertThat(nc.rpc("<get-configuration rollback=\"" + n + "\" database=\"committed\"/>"))
            .contains("<host-name>sw" + (6 - n) + "</host-name>");
      }
      assertThat(nc.rpc("<load-configuration rollback=\"3\"/>")).contains("<ok/>");
      assertThat(nc.rpc("<get-configuration/>")).contains("<host-name>sw3</host-name>");
      nc.rpc("<commit-configuration/>");
      assertThat(nc.rpc("<get-configuration database=\"committed\"/>")).contains("<host-name>sw3</host-name>");
      assertThat(nc.rpc("<get-software-information/>")).contains("<host-name>sw3</host-name>");
      assertThat(nc.rpc("<load-configuration rollback=\"77\"/>"))
          .contains("<load-configuration-results>", "rollback 77: no such configuration");
      assertThat(nc.rpc("<get-commit-information/>")).contains("<sequence-number>7</sequence-number>");
    }
  }

  @Test
  void commitCheckNamesEveryProblemAndCommitsNothing() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(loadSet("set vlans v10 vlan-id 5000\nset virtual-chassis member 1 mastership-priority 300"));
      String checked = nc.rpc("<commit-configuration><check/></commit-configuration>");
      assertThat(checked).contains("<error-path>[edit vlans v10]</error-path>", "Value 5000 is not within range (1..4094)",
          "<error-path>[edit virtual-chassis member 1]</error-path>", "Value 300 is not within range (1..255)",
          "configuration check-out failed");
      assertThat(nc.rpc("<commit-configuration/>")).contains("configuration check-out failed");
      assertThat(nc.rpc("<validate><source><candidate/></source></validate>")).contains("configuration check-out failed");
      assertThat(nc.rpc("<discard-changes/>")).contains("<ok/>");
      assertThat(nc.rpc("<commit-configuration><check/></commit-configuration>")).contains("<commit-check-success/>");
    }
    assertThat(vc.commitCount()).isZero();
  }

  @Test
  void aSyntaxErrorInALoadChangesNothingAndNamesTheToken() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      String bad = nc.rpc("<load-configuration format=\"text\"><configuration-text>system { host-name x; }}"
          + "</configuration-text></load-configuration>");
      assertThat(bad).contains("<load-configuration-results>", "<error-message>\nsyntax error\n</error-message>",
          "<bad-element>}</bad-element>");
      assertThat(nc.rpc(loadSet("frobnicate system host-name y"))).contains("<bad-element>frobnicate</bad-element>");
      assertThat(nc.rpc("<get-configuration/>")).doesNotContain("host-name");
    }
  }

  @Test
  void anExclusiveLockKeepsOtherSessionsOutAndEndsWithItsSession() throws Exception {
    try (RawNetconf a = RawNetconf.open(device); RawNetconf b = RawNetconf.open(device)) {
      assertThat(a.rpc("<lock-configuration/>")).contains("<ok/>");
      assertThat(b.rpc("<lock><target><candidate/></target></lock>"))
          .contains("<error-tag>lock-denied</error-tag>", "configuration database locked by:", "<session-id>");
      assertThat(b.rpc(loadSet("set system host-name b"))).contains("configuration database locked by:");
      assertThat(b.rpc("<commit/>")).contains("configuration database locked by:");
      a.rpc(loadSet("set system host-name a"));
      a.close();
      // the lock and a's uncommitted change went with a's session (the server ends a session shortly after the
      // client closes it: ask again until it has, within 10 s)
      String lockedAgain = b.rpc("<lock-configuration/>");
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!lockedAgain.contains("<ok/>") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
        lockedAgain = b.rpc("<lock-configuration/>");
      }
      assertThat(lockedAgain).contains("<ok/>");
      assertThat(b.rpc("<get-configuration/>")).doesNotContain("<host-name>a</host-name>");
      assertThat(b.rpc("<unlock-configuration/>")).contains("<ok/>");
      assertThat(b.rpc("<unlock-configuration/>")).contains("configuration database not locked");
    }
  }

  @Test
  void aLockIsRefusedWhileAnotherSessionHasUncommittedChanges() throws Exception {
    try (RawNetconf a = RawNetconf.open(device); RawNetconf b = RawNetconf.open(device)) {
      a.rpc(loadSet("set system host-name a"));
      assertThat(b.rpc("<lock-configuration/>")).contains("configuration database modified");
      assertThat(a.rpc("<lock-configuration/>")).contains("<ok/>");
    }
  }

  @Test
  void netconfEditConfigValidateCommitAndGetConfigShareTheCandidate() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      assertThat(nc.rpc("<nc:lock><nc:target><nc:candidate/></nc:target></nc:lock>")).contains("<ok/>");
      assertThat(nc.rpc("<nc:edit-config><nc:target><nc:candidate/></nc:target><nc:config><configuration><system>"
          + "<host-name>nc1</host-name></system><vlans><vlan><name>default</name>"
          + "<vlan-id nc:operation=\"delete\"/></vlan></vlans></configuration></nc:config></nc:edit-config>")).contains("<ok/>");
      assertThat(nc.rpc("<nc:get-config><nc:source><nc:candidate/></nc:source><nc:filter type=\"subtree\">"
          + "<configuration><system><host-name/></system></configuration></nc:filter></nc:get-config>"))
          .contains("<data>", "<host-name>nc1</host-name>").doesNotContain("<services>");
      assertThat(nc.rpc("<nc:validate><nc:source><nc:candidate/></nc:source></nc:validate>")).contains("<ok/>");
      assertThat(nc.rpc("<nc:commit/>")).contains("<ok/>");
      assertThat(nc.rpc("<nc:unlock><nc:target><nc:candidate/></nc:target></nc:unlock>")).contains("<ok/>");
      String running = nc.rpc("<nc:get-config><nc:source><nc:running/></nc:source></nc:get-config>");
      assertThat(running).contains("<host-name>nc1</host-name>", "<name>default</name>").doesNotContain("<vlan-id>1</vlan-id>");
      assertThat(nc.rpc("<nc:get/>")).contains("<data>", "<host-name>nc1</host-name>");
      assertThat(nc.rpc("<nc:edit-config><nc:target><nc:running/></nc:target><nc:config><configuration/></nc:config>"
          + "</nc:edit-config>")).contains("operation-not-supported");
    }
  }

  @Test
  void aConfirmedCommitNotConfirmedInTimeRollsBackOnItsOwn() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(loadSet("set system host-name tentative"));
      nc.rpc("<commit-configuration><confirmed/><confirm-timeout>5</confirm-timeout></commit-configuration>");
      assertThat(nc.rpc("<get-configuration database=\"committed\"/>")).contains("tentative");
      clock.advance(Duration.ofMinutes(6));
      assertThat(nc.rpc("<get-configuration database=\"committed\"/>")).doesNotContain("tentative");
      nc.rpc(loadSet("set system host-name kept"));
      nc.rpc("<commit-configuration><confirmed/><confirm-timeout>5</confirm-timeout></commit-configuration>");
      nc.rpc("<commit-configuration/>");
      clock.advance(Duration.ofMinutes(6));
      assertThat(nc.rpc("<get-configuration database=\"committed\"/>")).contains("kept");
    }
  }

  @Test
  void mastershipPrioritiesPinRolesAndShowInTheVirtualChassisFacts() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc(loadSet("set virtual-chassis member 1 mastership-priority 255\nset virtual-chassis member 2 mastership-priority 255"));
      nc.rpc("<commit-configuration/>");
      assertThat(vc.pins()).hasValue(new VirtualChassisModel.Pins(1, 2));
      assertThat(nc.rpc("<get-virtual-chassis-information/>")).contains("<member-priority>255</member-priority>");
      assertThat(vc.commitCount()).as("role pins are not the provisioned configuration").isZero();
      nc.rpc(loadSet("delete virtual-chassis"));
      nc.rpc("<commit-configuration/>");
      assertThat(vc.pins()).isEmpty();
    }
  }

  @Test
  void theModelsCommitFaultFailsTheCommitAndKeepsTheCandidate() throws Exception {
    vc.inject(new VcFault.CommitFails(1));
    try (RawNetconf nc = RawNetconf.open(device)) {
      nc.rpc("<load-configuration><configuration><system><host-name>sw1</host-name></system></configuration>"
          + "</load-configuration>");
      assertThat(nc.rpc("<commit-configuration/>")).contains("configuration check-out failed");
      assertThat(nc.rpc("<commit-configuration/>")).contains("<commit-success/>");
    }
    assertThat(vc.committedConfiguration()).singleElement()
        .satisfies(c -> assertThat(c.utf8()).contains("<host-name>sw1</host-name>"));
    assertThat(vc.lastConfigurationHandling()).isEqualTo(ConfigurationHandling.MERGE);
  }

  @Test
  void commandFormatTextAnswersCliText() throws Exception {
    try (RawNetconf nc = RawNetconf.open(device)) {
      String version = nc.rpc("<command format=\"text\">show version</command>");
      assertThat(version).contains("<output>", "fpc0:", "Hostname: vc-sim", "Model: ex4300-48p", "Junos: 20.4R3.8")
          .doesNotContain("<software-information>");
      assertThat(nc.rpc("<command format=\"text\">show configuration system</command>"))
          .contains("<configuration-output>", "services {");
      assertThat(nc.rpc("<command format=\"text\">show virtual-chassis</command>")).contains("Master*", "PE1");
      assertThat(nc.rpc("<command>show version</command>")).contains("<software-information>");
      assertThat(nc.rpc("<command format=\"text\">show frobnicator</command>"))
          .contains("syntax error", "<bad-element>frobnicator</bad-element>");
    }
  }
}
