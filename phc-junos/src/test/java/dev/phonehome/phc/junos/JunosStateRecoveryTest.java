package dev.phonehome.phc.junos;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.testkit.StateRecoveryKit;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.AfterEach;

/**
 * The engine survives damaged, stale and missing state with JunosDeviceOperations over NETCONF/SSH against the
 * simulated Junos VC (whose file-put and file-copy are not atomic): each run is a new process with a new session.
 */
class JunosStateRecoveryTest extends StateRecoveryKit {
  private SimulatedJunosDevice device;

  @Override
  protected DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) {
    if (device == null) {
      device = SimulatedJunosDevice.builder(model).start();
    }
    return SimulatedVc.client(device, clock).build();
  }

  @AfterEach
  void stopDevice() {
    if (device != null) {
      device.close();
    }
  }
}
