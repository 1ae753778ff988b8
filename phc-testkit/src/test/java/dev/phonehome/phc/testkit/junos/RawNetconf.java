package dev.phonehome.phc.testkit.junos;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelSubsystem;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * A bare NETCONF client for simulator tests (MINA and the simulator's own framing, nothing from phc-junos):
 * sends what a test writes, byte for byte, and returns the device's messages.
 */
final class RawNetconf implements AutoCloseable {
  private final SshClient ssh;
  final ClientSession session;
  final ChannelSubsystem channel;
  final InputStream in;
  final OutputStream out;
  private final SimFraming framing = new SimFraming(64 << 20);
  private final List<String> pending = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private boolean chunked;

  RawNetconf(SimulatedJunosDevice device) throws Exception {
    ssh = SshClient.setUpDefaultClient();
    ssh.setServerKeyVerifier((s, a, key) -> KeyUtils.compareKeys(key, device.hostKey()));
    ssh.start();
    session = ssh.connect(device.username(), device.host(), device.port()).verify(Duration.ofSeconds(10))
        .getClientSession();
    session.addPasswordIdentity(device.password());
    session.auth().verify(Duration.ofSeconds(10));
    channel = session.createSubsystemChannel("netconf");
    channel.open().verify(Duration.ofSeconds(10));
    in = channel.getInvertedOut();
    out = channel.getInvertedIn();
  }

  /** Opens a session and exchanges hellos (base:1.0 only: end-of-message framing). */
  static RawNetconf open(SimulatedJunosDevice device) throws Exception {
    RawNetconf r = new RawNetconf(device);
    r.hello();
    return r;
  }

  void send(String xml) throws Exception {
    out.write(SimFraming.frame(xml, chunked));
    out.flush();
  }

  /** The next message, or null when the device closed the session. */
  String next() throws Exception {
    byte[] buf = new byte[8192];
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

  /** Sends one operation the way ncclient and PyEZ do (prefixed nc:rpc, unqualified Junos element) and waits. */
  String rpc(String operation) throws Exception {
    send("<nc:rpc xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\" message-id=\"" + ids.incrementAndGet()
        + "\">" + operation + "</nc:rpc>");
    return next();
  }

  @Override
  public void close() {
    session.close(true);
    ssh.stop();
  }
}
