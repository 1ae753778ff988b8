package dev.phonehome.phc.testkit;

import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;

/** The engine survives damaged, stale and missing state on FakeVirtualChassis. */
class FakeVirtualChassisStateRecoveryTest extends StateRecoveryKit {
  @Override
  protected DeviceOperations bind(VirtualChassisModel model, VirtualClock clock) {
    return FakeVirtualChassis.builder(model).imageStaging(ImageStaging.DEVICE_FETCHES).build();
  }
}
