package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.PhcDeviceException;

/**
 * The agent no longer holds the lease of the VC (it expired without renewal, another agent took the VC over, an
 * operator cancelled it, or the agent is stopping): the device operation was not started. Thrown by the device
 * operations a {@link FleetAgent} hands to the engine, so that an agent that lost its lease never acts on the
 * device as its owner; the engine then stops, and the state it saved on the device is where the next owner
 * resumes.
 */
public final class LeaseLostException extends PhcDeviceException {
  private static final long serialVersionUID = 1L;

  LeaseLostException(String operation, String vcName, String reason) {
    super(operation, null, "not done: the agent no longer holds the lease of " + vcName + " (" + reason + ")", false,
        null);
  }
}
