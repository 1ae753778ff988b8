package dev.phonehome.phc.agent;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One VC of the {@link AgentWorkQueue} as an operator sees it: what it is, where it is, which agent holds it, how
 * often it was tried and why the last try failed.
 *
 * @param target the VC as enqueued
 * @param state where it is
 * @param attempts claims so far
 * @param owner the agent holding the lease (state {@link VcState#RUNNING}), else null
 * @param leaseGeneration the fencing token of the current (or last) lease: +1 per claim
 * @param leaseExpiresAt when the current lease runs out unless renewed (running only)
 * @param heartbeatAt the owner's last renewal (running only)
 * @param step the engine step the owner last reported (for example {@code DETECT_LINECARDS})
 * @param deviceSerial the VC primary's serial as the device reported it, once known
 * @param notBefore when a queued VC may be claimed (the retry backoff)
 * @param lastError why the last attempt failed, or null
 * @param result what the completed process reported (provisioning server, members)
 * @param enqueuedAt when it was enqueued
 * @param completedAt when it completed
 * @param completedBy the agent that recorded the completion
 */
public record QueuedVc(
    VcTarget target,
    VcState state,
    int attempts,
    @Nullable String owner,
    long leaseGeneration,
    @Nullable Instant leaseExpiresAt,
    @Nullable Instant heartbeatAt,
    @Nullable String step,
    @Nullable String deviceSerial,
    Instant notBefore,
    @Nullable String lastError,
    @Nullable String result,
    Instant enqueuedAt,
    @Nullable Instant completedAt,
    @Nullable String completedBy) {

  /** The VC's name in the queue. */
  public String name() {
    return target.name();
  }
}
