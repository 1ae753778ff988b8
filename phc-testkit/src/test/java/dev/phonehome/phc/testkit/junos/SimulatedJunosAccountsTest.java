package dev.phonehome.phc.testkit.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several logins on one simulated device, and every recorded RPC names the user who issued it. */
@Timeout(30)
class SimulatedJunosAccountsTest {
  private final VirtualChassisModel vc = VirtualChassisModel.builder().clock(new VirtualClock())
      .member(0, "PE0", "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8").build();
  private final SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc)
      .account("agent-1", "pw-1").account("agent-2", "pw-2").start();
  private final SshClient ssh = SshClient.setUpDefaultClient();

  SimulatedJunosAccountsTest() {
    ssh.setServerKeyVerifier((s, a, key) -> KeyUtils.compareKeys(key, device.hostKey()));
    ssh.start();
  }

  @AfterEach
  void close() {
    ssh.stop();
    device.close();
  }

  /** Logs in, says hello, sends one RPC, reads its reply; returns the device's hello. */
  private String rpc(String user, String password, String rpc) throws Exception {
    try (ClientSession session = ssh.connect(user, device.host(), device.port()).verify(Duration.ofSeconds(10))
        .getClientSession()) {
      session.addPasswordIdentity(password);
      session.auth().verify(Duration.ofSeconds(10));
      try (ChannelSubsystem channel = session.createSubsystemChannel("netconf")) {
        channel.open().verify(Duration.ofSeconds(10));
        InputStream in = channel.getInvertedOut();
        OutputStream out = channel.getInvertedIn();
        SimFraming framing = new SimFraming(1 << 20);
        String hello = read(in, framing);
        out.write(SimFraming.frame("<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><capabilities>"
            + "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>", false));
        out.write(SimFraming.frame("<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">" + rpc
            + "</rpc>", false));
        out.flush();
        assertThat(read(in, framing)).contains("<rpc-reply");
        return hello;
      }
    }
  }

  private static String read(InputStream in, SimFraming framing) throws Exception {
    byte[] buf = new byte[4096];
    while (true) {
      byte[] rest = framing.takePending();
      java.util.List<String> got = framing.feed(rest, 0, rest.length);
      if (!got.isEmpty()) {
        return got.get(0);
      }
      int n = in.read(buf);
      if (n < 0) {
        throw new AssertionError("closed: " + new String(buf, StandardCharsets.UTF_8));
      }
      got = framing.feed(buf, 0, n);
      if (!got.isEmpty()) {
        return got.get(0);
      }
    }
  }

  @Test
  void eachAccountLogsInAndItsRpcsAreRecordedWithItsName() throws Exception {
    assertThat(rpc("agent-1", "pw-1", "<get-software-information/>")).contains("<!-- user agent-1, class super-user -->");
    rpc("agent-2", "pw-2", "<get-virtual-chassis-information/>");
    rpc(device.username(), device.password(), "<get-software-information/>");
    assertThat(device.recordedRpcs()).extracting(RecordedRpc::user, RecordedRpc::name).containsExactly(
        org.assertj.core.groups.Tuple.tuple("agent-1", "get-software-information"),
        org.assertj.core.groups.Tuple.tuple("agent-2", "get-virtual-chassis-information"),
        org.assertj.core.groups.Tuple.tuple("phc", "get-software-information"));
  }

  @Test
  void anAccountsPasswordDoesNotLogInAnotherUser() {
    assertThatThrownBy(() -> rpc("agent-1", "pw-2", "<get-software-information/>")).hasMessageContaining("uth");
    assertThatThrownBy(() -> rpc("nobody", "pw-1", "<get-software-information/>")).hasMessageContaining("uth");
    assertThat(device.recordedRpcs()).isEmpty();
  }
}
