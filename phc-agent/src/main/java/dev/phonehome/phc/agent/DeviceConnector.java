package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.junos.HostKeyVerification;
import dev.phonehome.phc.junos.JunosDeviceOperations;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link FleetAgent} reaches the VC it claimed: {@link #junos} (NETCONF over SSH, the default binding), or
 * your own. The agent closes what {@link #connect} returns when it is {@link AutoCloseable}, and closes the
 * connector when the agent closes.
 */
@FunctionalInterface
public interface DeviceConnector extends AutoCloseable {

  /**
   * The device operations for {@code target}. Connecting lazily (at the first operation) is fine: the agent's
   * first call is {@link DeviceOperations#deviceInfo()}.
   */
  DeviceOperations connect(VcTarget target);

  /**
   * The agent lost the lease of {@code target} while {@code device} was connected: end its connection without
   * sending anything more (no closing RPC: another agent may own the VC by now). Called before the agent closes
   * {@code device}. The default does nothing.
   */
  default void abandon(VcTarget target, DeviceOperations device) {}

  @Override
  default void close() {}

  /**
   * Junos over NETCONF/SSH ({@link JunosDeviceOperations}), logging in with the credentials {@code credentials}
   * resolves for each VC, the host key checked by {@code hostKeys}; one SSH client (one thread pool) for every VC of
   * the agent.
   */
  static DeviceConnector junos(CredentialsResolver credentials, HostKeyVerification hostKeys) {
    return junos(credentials, hostKeys, b -> {});
  }

  /**
   * As {@link #junos(CredentialsResolver, HostKeyVerification)}, with {@code settings} applied to each VC's
   * {@link JunosDeviceOperations.Builder} (timeouts, image staging, directories) after the host, port, credentials
   * and host key verification.
   */
  static DeviceConnector junos(CredentialsResolver credentials, HostKeyVerification hostKeys,
      Consumer<JunosDeviceOperations.Builder> settings) {
    return new JunosConnector(Objects.requireNonNull(credentials, "credentials"),
        Objects.requireNonNull(hostKeys, "hostKeys"), Objects.requireNonNull(settings, "settings"));
  }
}
