/**
 * {@link dev.phonehome.phc.api.device.DeviceOperations} for Junos Virtual Chassis over NETCONF/SSH:
 * {@link dev.phonehome.phc.junos.JunosDeviceOperations}.
 */
@NullMarked
package dev.phonehome.phc.junos;

import org.jspecify.annotations.NullMarked;
