/**
 * An in-memory Virtual Chassis for tests: {@link dev.phonehome.phc.testkit.vc.VirtualChassisModel} (the chassis),
 * {@code FakeVirtualChassis} (its {@code DeviceOperations} view) and scriptable
 * {@link dev.phonehome.phc.testkit.vc.VcFault faults}.
 */
@NullMarked
package dev.phonehome.phc.testkit.vc;

import org.jspecify.annotations.NullMarked;
