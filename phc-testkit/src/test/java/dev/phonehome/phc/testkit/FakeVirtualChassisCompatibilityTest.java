package dev.phonehome.phc.testkit;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.Nested;

/** FakeVirtualChassis passes the DeviceOperations compatibility kit, with either image staging. */
class FakeVirtualChassisCompatibilityTest {

  @Nested
  class AgentPushes extends DeviceOperationsCompatibilityKit {
    @Override
    protected DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) {
      return FakeVirtualChassis.builder(model).imageStaging(ImageStaging.AGENT_PUSHES).build();
    }
  }

  @Nested
  class DeviceFetches extends DeviceOperationsCompatibilityKit {
    @Override
    protected DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) {
      return FakeVirtualChassis.builder(model).imageStaging(ImageStaging.DEVICE_FETCHES).build();
    }
  }
}
