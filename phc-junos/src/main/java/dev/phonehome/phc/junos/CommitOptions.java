package dev.phonehome.phc.junos;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How {@link JunosDeviceOperations#commitConfiguration()} commits.
 *
 * @param checkFirst run {@code commit check} before committing
 * @param synchronize {@code commit synchronize} (to every routing engine): true, false, or null for "when the
 *     VC has more than one present member"
 * @param confirmedTimeout when set, {@code commit confirmed} with this timeout (whole minutes, at least 1),
 *     followed by a confirming plain commit once the first one succeeded
 */
public record CommitOptions(boolean checkFirst, @Nullable Boolean synchronize, @Nullable Duration confirmedTimeout) {
  public CommitOptions {
    if (confirmedTimeout != null && confirmedTimeout.toMinutes() < 1) {
      throw new IllegalArgumentException("confirmed commit timeout must be at least 1 minute, was " + confirmedTimeout);
    }
  }

  /** No check, synchronize on a VC, not confirmed. */
  public static CommitOptions defaults() {
    return new CommitOptions(false, null, null);
  }
}
