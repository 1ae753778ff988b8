package dev.phonehome.phc.junos;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.testkit.DeviceOperationsCompatibilityKit;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.Nested;

/** JunosDeviceOperations passes the compatibility kit against the simulated Junos device, in both framings. */
class JunosDeviceOperationsCompatibilityTest {

  abstract static class OverSsh extends DeviceOperationsCompatibilityKit {
    private SimulatedJunosDevice device;

    abstract boolean chunked();

    @Override
    protected DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) {
      device = SimulatedJunosDevice.builder(model).chunkedFraming(chunked()).start();
      return SimulatedVc.client(device, clock).build();
    }

    @Override
    protected void release(DeviceOperations operations) throws Exception {
      super.release(operations);
      device.close();
    }
  }

  @Nested
  class ChunkedFraming extends OverSsh {
    @Override
    boolean chunked() {
      return true;
    }
  }

  @Nested
  class EndOfMessageFraming extends OverSsh {
    @Override
    boolean chunked() {
      return false;
    }
  }
}
