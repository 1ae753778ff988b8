package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import java.util.function.Consumer;
import org.apache.sshd.client.SshClient;
import org.jspecify.annotations.Nullable;

/** {@link DeviceConnector#junos}: one started SSH client shared by every VC of the agent. */
final class JunosConnector implements DeviceConnector {
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
