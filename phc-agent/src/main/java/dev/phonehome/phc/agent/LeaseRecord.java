package dev.phonehome.phc.agent;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One lease of a VC, granted to one agent: the interval in which that agent, and no other, drove the VC.
 *
 * @param vcName the VC
 * @param generation the lease's fencing token (the VC's claims are numbered 1, 2, ...)
 * @param agent the agent it was granted to
 * @param claimedAt when it was granted (database time)
 * @param endedAt when it ended: completion, failure, release, cancel; for an expired lease, the last instant it was
 *     valid. Null while it is held.
 * @param outcome how it ended ({@code completed}, {@code retry}, {@code failed}, {@code expired}, {@code released},
 *     {@code cancelled}), null while it is held
 * @param engineStart how the engine began under it: {@code fresh} (no state on the device), {@code resumed} (from
 *     the state saved on the device) or {@code restarted} (the saved state did not verify); null before it began
 * @param resumedStep the engine step it resumed at, from the device's saved state
 * @param error the error that ended it, when one did
 */
public record LeaseRecord(
    String vcName,
    long generation,
    String agent,
    Instant claimedAt,
    @Nullable Instant endedAt,
    @Nullable String outcome,
    @Nullable String engineStart,
    @Nullable String resumedStep,
    @Nullable String error) {}
