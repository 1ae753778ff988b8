package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * {@link DeviceConnector#junos}: one started SSH client shared by every VC of the agent. It knows the open SSH
 * sessions by address, so that a VC whose lease was lost is cut off without a closing RPC.
 */
final class JunosConnector implements DeviceConnector {
  private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
  private final CredentialsResolver credentials;
  private final HostKeyVerification hostKeys;
  private final Consumer<JunosDeviceOperations.Builder> settings;
  private @Nullable SshClient client;
  private boolean closed;

  JunosConnector(CredentialsResolver credentials, HostKeyVerification hostKeys,
      Consumer<JunosDeviceOperations.Builder> settings) {
    this.credentials = credentials;
    this.hostKeys = hostKeys;
    this.settings = settings;
  }

  private synchronized SshClient client() {
    if (closed) {
      throw new IllegalStateException("the connector is closed");
    }
    if (client == null) {
      SshClient c = SshClient.setUpDefaultClient();
      c.addSessionListener(new SessionListener() {
        @Override
        public void sessionCreated(Session session) {
          if (session instanceof ClientSession cs) {
            sessions.add(cs);
          }
        }

        @Override
        public void sessionClosed(Session session) {
          sessions.remove(session);
        }
      });
      c.start();
      client = c;
    }
    return client;
  }

  @Override
  public DeviceOperations connect(VcTarget target) {
    SshCredentials login = credentials.resolve(target.credentials());
    JunosDeviceOperations.Builder b = JunosDeviceOperations.builder().host(target.host()).port(target.port())
        .hostKeyVerification(hostKeys).sshClient(client());
    if (login.password() != null) {
      b.password(login.username(), login.password());
    } else {
      b.keyPair(login.username(), java.util.Objects.requireNonNull(login.keyPair()));
    }
    settings.accept(b);
    return b.build();
  }

  /** Closes every SSH session to the VC's address at once (no close-session RPC, no unlock: the device ends both). */
  @Override
  public void abandon(VcTarget target, DeviceOperations device) {
    for (ClientSession s : sessions) {
      if (sameAddress(s.getConnectAddress(), target)) {
        s.close(true);
      }
    }
  }

  private static boolean sameAddress(SocketAddress a, VcTarget target) {
    if (a instanceof SshdSocketAddress s) {
      return s.getPort() == target.port() && s.getHostName().equalsIgnoreCase(target.host());
    }
    if (a instanceof InetSocketAddress i) {
      return i.getPort() == target.port() && i.getHostString().equalsIgnoreCase(target.host());
    }
    return false;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.stop();
      client = null;
    }
  }

  @Override
  public String toString() {
    return "Junos over NETCONF/SSH, " + hostKeys;
  }
}
