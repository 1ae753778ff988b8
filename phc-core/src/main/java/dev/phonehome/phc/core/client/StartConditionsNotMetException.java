package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.PhcDeviceException;
import java.util.List;

/**
 * The client did not start: the Virtual Chassis does not meet phone-home's start conditions (SPEC 4.1 step 1:
 * every member on the factory-default configuration, not in mixed mode, cabled in a ring through dedicated or
 * default Virtual Chassis ports). Nothing was asked of any server and nothing was changed on the device. The
 * operator must act on the device (zeroize it, recable it), or, knowing better, start the client with
 * {@link PhoneHomeClient.Builder#overrideStartConditions(String)}.
 */
public final class StartConditionsNotMetException extends PhcDeviceException {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  public StartConditionsNotMetException(List<String> problems) {
    super("start-conditions", null, "phone-home does not start: " + String.join("; ", problems)
        + " (PhoneHomeClient.Builder.overrideStartConditions(reason) starts it anyway)");
    this.problems = List.copyOf(problems);
  }

  /** What does not hold, one line each. */
  public List<String> problems() {
    return problems;
  }
}
