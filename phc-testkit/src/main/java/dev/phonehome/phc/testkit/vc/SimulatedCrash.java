package dev.phonehome.phc.testkit.vc;

/**
 * Thrown by the test kit to simulate the phone-home process dying (power loss, the host rebooting) at a chosen
 * point. It is not a {@code PhcException}: the engine does not catch it, so it ends {@code run()} the way a
 * crash would. A test then builds a new client over the same chassis, which resumes from the persisted state.
 */
public final class SimulatedCrash extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimulatedCrash(String message) {
    super(message);
  }
}
