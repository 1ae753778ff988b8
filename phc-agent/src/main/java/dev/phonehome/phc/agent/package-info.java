/**
 * Scale-out of off-box agents on PostgreSQL. {@link dev.phonehome.phc.agent.AgentWorkQueue} is a work queue of
 * Virtual Chassis in a database several agent processes share; {@link dev.phonehome.phc.agent.FleetAgent} claims
 * VCs from it under a lease and drives each with the phone-home client. A VC is driven by one agent at a time; an
 * agent that dies mid-VC is taken over by another once its lease expires, and the engine resumes from the state it
 * saved on the device.
 */
@NullMarked
package dev.phonehome.phc.agent;

import org.jspecify.annotations.NullMarked;
