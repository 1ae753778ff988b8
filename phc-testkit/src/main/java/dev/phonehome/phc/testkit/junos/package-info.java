/**
 * A simulated Junos device: {@link dev.phonehome.phc.testkit.junos.SimulatedJunosDevice} serves NETCONF over
 * SSH on loopback, backed by a {@link dev.phonehome.phc.testkit.vc.VirtualChassisModel}.
 */
@NullMarked
package dev.phonehome.phc.testkit.junos;

import org.jspecify.annotations.NullMarked;
