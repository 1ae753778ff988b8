package dev.phonehome.phc.junos;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.testkit.DeviceOperationsCompatibilityKit;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.Nested;

/**
 * JunosDeviceOperations passes the compatibility kit against the simulated Junos device: with the device
 * fetching images in both framings, and with the agent pushing them over SFTP and over SCP.
 */
class JunosDeviceOperationsCompatibilityTest {

  abstract static class OverSsh extends DeviceOperationsCompatibilityKit {
    private SimulatedJunosDevice device;

    abstract boolean chunked();

    JunosDeviceOperations.Builder configure(JunosDeviceOperations.Builder b) {
      return b;
    }

    @Override
    protected DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) {
      device = SimulatedJunosDevice.builder(model).chunkedFraming(chunked()).start();
      return configure(SimulatedVc.client(device, clock)).build();
    }

    @Override
    protected void release(DeviceOperations operations) throws Exception {
      super.release(operations);
      device.close();
    }
  }

  @Nested
  class DeviceFetchesChunkedFraming extends OverSsh {
    @Override
    boolean chunked() {
      return true;
    }
  }

  @Nested
  class DeviceFetchesEndOfMessageFraming extends OverSsh {
    @Override
    boolean chunked() {
      return false;
    }
  }

  @Nested
  class AgentPushesOverSftp extends OverSsh {
    @Override
    boolean chunked() {
      return true;
    }

    @Override
    JunosDeviceOperations.Builder configure(JunosDeviceOperations.Builder b) {
      return b.imageStaging(ImageStaging.AGENT_PUSHES).imageTransfer(ImageTransfer.SFTP);
    }
  }

  @Nested
  class AgentPushesOverScp extends OverSsh {
    @Override
    boolean chunked() {
      return false;
    }

    @Override
    JunosDeviceOperations.Builder configure(JunosDeviceOperations.Builder b) {
      return b.imageStaging(ImageStaging.AGENT_PUSHES).imageTransfer(ImageTransfer.SCP);
    }
  }
}
