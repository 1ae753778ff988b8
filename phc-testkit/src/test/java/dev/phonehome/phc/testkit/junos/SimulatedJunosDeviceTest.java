package dev.phonehome.phc.testkit.junos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulated device seen through a bare NETCONF client (MINA and the simulator's own framing). */
@Timeout(30)
class SimulatedJunosDeviceTest {
  private final VirtualClock clock = new VirtualClock();
  private final VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock)
      .member(0, "PE0", "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8")
      .member(2, "PE2", "ex4300-48p", "20.4R3.8").primary(1).backup(2).build();
  private final SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
  private final SshClient ssh = SshClient.setUpDefaultClient();

  SimulatedJunosDeviceTest() {
    ssh.setServerKeyVerifier((s, a, key) -> KeyUtils.compareKeys(key, device.hostKey()));
    ssh.start();
  }

  @AfterEach
  void close() {
    ssh.stop();
    device.close();
  }

  /** A raw session speaking end-of-message framing (the client offers only base:1.0). */
  private final class Raw implements AutoCloseable {
    final ClientSession session;
    final ChannelSubsystem channel;
    final InputStream in;
    final OutputStream out;
    final SimFraming framing = new SimFraming(1 << 20);
    final List<String> pending = new ArrayList<>();

    Raw() throws Exception {
      session = authenticatedSession();
      channel = session.createSubsystemChannel("netconf");
      channel.open().verify(Duration.ofSeconds(10));
      in = channel.getInvertedOut();
      out = channel.getInvertedIn();
    }

    /**
     * A new SSH session, authenticated. An authentication that gets no answer within 10 s is tried once more on a
     * new connection, as {@code NetconfSession} treats it (a lost session, not a refusal): about once in a few
     * thousand runs the MINA client here waits for an answer that never comes (seen in CI and once in 400 local
     * repetitions; never reproduced with MINA's debug log on). What these tests check starts after authentication.
     */
    private ClientSession authenticatedSession() throws Exception {
      for (int attempt = 1; ; attempt++) {
        ClientSession s = ssh.connect(device.username(), device.host(), device.port()).verify(Duration.ofSeconds(10))
            .getClientSession();
        s.addPasswordIdentity(device.password());
        try {
          s.auth().verify(Duration.ofSeconds(10));
          return s;
        } catch (SshException e) {
          s.close(true);
          if (attempt > 1 || !(e.getCause() instanceof TimeoutException)) {
            throw e;
          }
          System.err.println("SSH authentication got no answer within 10 s; trying once more: " + e.getMessage());
        }
      }
    }

    void send(String xml) throws Exception {
      out.write(SimFraming.frame(xml, false));
      out.flush();
    }

    /** The next message, or null when the device closed the session. */
    String next() throws Exception {
      byte[] buf = new byte[4096];
      while (pending.isEmpty()) {
        int n = in.read(buf);
        if (n < 0) {
          return null;
        }
        pending.addAll(framing.feed(buf, 0, n));
        byte[] rest = framing.takePending();
        pending.addAll(framing.feed(rest, 0, rest.length));
      }
      return pending.remove(0);
    }

    String hello() throws Exception {
      String hello = next();
      send("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
          + "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>");
      return hello;
    }

    @Override
    public void close() {
      session.close(true);
    }
  }

  @Test
  void helloAdvertisesTheJunosCapabilitiesAndASessionId() throws Exception {
    try (Raw raw = new Raw()) {
      String hello = raw.hello();
      assertThat(hello).startsWith("<!-- No zombies were killed");
      assertThat(hello).contains("<capability>urn:ietf:params:netconf:base:1.0</capability>",
          "<capability>urn:ietf:params:netconf:base:1.1</capability>",
          "<capability>urn:ietf:params:netconf:capability:candidate:1.0</capability>",
          "<capability>urn:ietf:params:netconf:capability:confirmed-commit:1.0</capability>",
          "<capability>urn:ietf:params:netconf:capability:validate:1.0</capability>",
          "<capability>urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file</capability>",
          "<capability>http://xml.juniper.net/netconf/junos/1.0</capability>")
          .containsPattern("<session-id>\\d+</session-id>");
    }
  }

  @Test
  void virtualChassisReplyIsShapedLikeJunosAndEchoesTheMessageId() throws Exception {
    try (Raw raw = new Raw()) {
      raw.hello();
      raw.send("<rpc message-id=\"m-42\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"
          + "<get-virtual-chassis-information/></rpc>");
      String reply = raw.next();
      assertThat(reply).contains("<rpc-reply xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"",
          "xmlns:junos=\"http://xml.juniper.net/junos/", "message-id=\"m-42\"",
          "<member-list junos:style=\"single-slot\">",
          "<member-id>1</member-id>\n<fpc-slot>(FPC 1)</fpc-slot>\n<member-serial-number>PE1</member-serial-number>",
          "<member-role>Master*</member-role>", "<member-role>Backup</member-role>", "<member-role>Linecard</member-role>");
      assertThat(device.rpcSummaries()).containsExactly("get-virtual-chassis-information");
    }
  }

  @Test
  void anUnknownRpcIsAnRpcError() throws Exception {
    try (Raw raw = new Raw()) {
      raw.hello();
      raw.send("<rpc message-id=\"1\"><get-frobnicator/></rpc>");
      assertThat(raw.next()).contains("<error-severity>error</error-severity>", "get-frobnicator");
    }
  }

  @Test
  void rebootingThePrimaryAnswersThenEndsTheSession() throws Exception {
    try (Raw raw = new Raw()) {
      raw.hello();
      raw.send("<rpc message-id=\"1\"><request-reboot><member>1</member></request-reboot></rpc>");
      assertThat(raw.next()).contains("<request-reboot-status", "Shutdown NOW!");
      assertThat(raw.next()).isNull();
    }
    assertThat(vc.primaryMemberId()).hasValue(2);
  }

  @Test
  void aConnectionWhileNoMemberIsPrimaryIsDropped() throws Exception {
    vc.reboot(List.of(0, 1, 2));
    try (Raw raw = new Raw()) {
      assertThat(raw.next()).isNull();
    }
    assertThat(device.sessionsRefused()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(4));
    try (Raw raw = new Raw()) {
      assertThat(raw.hello()).contains("<hello");
    }
  }

  @Test
  void splitWritesStillCarryWholeMessages() throws Exception {
    device.inject(new JunosSimulationFault.SplitWrites(3));
    try (Raw raw = new Raw()) {
      raw.hello();
      raw.send("<rpc message-id=\"7\"><command>show version invoke-on all-routing-engines</command></rpc>");
      String reply = raw.next();
      assertThat(reply).contains("<re-name>fpc0</re-name>", "<re-name>fpc1</re-name>", "<re-name>fpc2</re-name>",
          "<junos-version>20.4R3.8</junos-version>");
    }
    assertThat(device.rpcSummaries()).containsExactly("command:show version invoke-on all-routing-engines");
  }

  @Test
  void aPackageAddWithoutMemberInstallsOnEveryMemberAsOnAnExVirtualChassis() throws Exception {
    try (VirtualChassisModel.FileWriter w = vc.openFile("/var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz")) {
      w.write(new byte[] {1, 2, 3});
      w.commit();
    }
    try (RawNetconf nc = RawNetconf.open(device)) {
      String reply = nc.rpc("<request-package-add><no-validate/><package-name>/var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz"
          + "</package-name></request-package-add>");
      assertThat(reply).contains("fpc0:", "fpc1:", "fpc2:", "JUNOS 21.4R3.15 will become active at next reboot",
          "<package-result>0</package-result>");
      assertThat(nc.rpc("<request-package-add><package-name>/var/tmp/missing.tgz</package-name><member>1</member>"
          + "</request-package-add>")).contains("ERROR: package: /var/tmp/missing.tgz is not found or empty",
          "<package-result>1</package-result>");
    }
    for (int m = 0; m < 3; m++) {
      assertThat(vc.stagedVersion(m)).as("member " + m).hasValue("21.4R3.15");
    }
  }

  @Test
  void theDeviceListsTheRpcsItAnswers() {
    assertThat(device.supportedRpcs()).contains("get-route-engine-information", "file-rename", "load-configuration",
        "get-config", "edit-config", "validate", "commit", "lock", "request-package-add", "command");
  }
}
