package dev.phonehome.phc.agent;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link FleetAgent} does with the queue, for logs and metrics. Methods run on the agent's threads: be fast,
 * do not throw, do not call back into the agent. Every method has a no-op default.
 */
public interface FleetAgentListener {
  FleetAgentListener NONE = new FleetAgentListener() {};

  /** The agent claimed a VC; {@code takenOverFrom} names the agent whose lease expired, else null. */
  default void claimed(VcTarget vc, long generation, int attempt, @Nullable String takenOverFrom) {}

  /**
   * The engine began under the lease: {@code how} is {@code fresh}, {@code resumed} (from the state saved on the
   * device, at {@code step}) or {@code restarted} (the saved state did not verify).
   */
  default void engineStarted(VcTarget vc, String how, @Nullable String step) {}

  /** The process completed and the completion was recorded. */
  default void completed(VcTarget vc, String result) {}

  /** The attempt failed; the VC is {@code next} ({@link VcState#QUEUED} for a retry, or {@link VcState#FAILED}). */
  default void failed(VcTarget vc, String error, VcState next) {}

  /** The agent lost the lease and stopped driving the VC (another agent resumes it). */
  default void leaseLost(VcTarget vc, String reason) {}

  /** The agent stopped and gave the VC back at once. */
  default void released(VcTarget vc) {}

  /** The queue could not be read or written (claims and renewals are retried). */
  default void queueUnavailable(RuntimeException error) {}
}
