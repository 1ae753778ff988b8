package dev.phonehome.phc.junos;

import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import java.time.Duration;
import java.util.List;

/** Test helper: a JunosDeviceOperations connected to a simulated device over real SSH on loopback. */
final class SimulatedVc {
  private SimulatedVc() {}

  static JunosDeviceOperations.Builder client(SimulatedJunosDevice device, VirtualClock clock) {
    return JunosDeviceOperations.builder()
        .host(device.host())
        .port(device.port())
        .password(device.username(), device.password())
        .hostKeyVerification(HostKeyVerification.pinned(List.of(device.hostKey())))
        .clock(clock)
        .sleeper(clock)
        .connectTimeout(Duration.ofSeconds(10))
        .rpcTimeout(Duration.ofSeconds(20))
        .installTimeout(Duration.ofSeconds(20))
        .commitTimeout(Duration.ofSeconds(20))
        .checksumTimeout(Duration.ofSeconds(20))
        .scriptTimeout(Duration.ofSeconds(20))
        .reconnectTimeout(Duration.ofMinutes(30));
  }
}
