package dev.phonehome.phc.testkit.store;

import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.core.server.InMemoryDeviceStore;

/** phc's default store keeps every rule of the kit. */
class InMemoryDeviceStoreCompatibilityTest extends DeviceStoreCompatibilityKit {
  @Override
  protected DeviceStore newStore(int maxNotificationsPerDevice) {
    return InMemoryDeviceStore.create(maxNotificationsPerDevice, 100);
  }
}
