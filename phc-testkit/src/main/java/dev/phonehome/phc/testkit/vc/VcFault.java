package dev.phonehome.phc.testkit.vc;

import dev.phonehome.phc.api.device.ScriptPhase;
import java.util.Objects;

/**
 * A fault a test injects into a {@link VirtualChassisModel} ({@link VirtualChassisModel#inject(VcFault)}).
 * Faults with a count are used up one occurrence at a time.
 */
public sealed interface VcFault {

  /** The member goes down on its next reboot and never comes back. */
  record MemberNeverReturns(int memberId) implements VcFault {}

  /** The member's next {@code times} reboots take {@code extra} longer than the model's reboot time. */
  record SlowReboot(int memberId, java.time.Duration extra, int times) implements VcFault {
    public SlowReboot {
      Objects.requireNonNull(extra, "extra");
    }
  }

  /** Installing an image on the member fails {@code times} times (use {@link Integer#MAX_VALUE} for always). */
  record InstallFails(int memberId, int times) implements VcFault {}

  /**
   * Installing on the member reports success {@code times} times but does not take effect: the member comes back
   * from its reboot on the old version.
   */
  record InstallDoesNotTakeEffect(int memberId, int times) implements VcFault {}

  /** A device-side image download fails {@code times} times (the connection breaks). */
  record DownloadFails(int times) implements VcFault {}

  /** A device-side image download delivers corrupt bytes {@code times} times (its checksum does not match). */
  record CorruptImage(int times) implements VcFault {}

  /** A script of the phase exits with {@code exitStatus} {@code times} times. */
  record ScriptFails(ScriptPhase phase, int exitStatus, int times) implements VcFault {
    public ScriptFails {
      Objects.requireNonNull(phase, "phase");
    }
  }

  /** Committing the configuration fails {@code times} times. */
  record CommitFails(int times) implements VcFault {}

  /**
   * The engine "crashes" (the device operation throws {@link SimulatedCrash}) when operation {@code operation}
   * (an {@link VcOperation#name()}, e.g. {@code install-image}) is called for the {@code occurrence}-th time
   * (1-based), before the operation takes effect. {@code persist-state} crashes after the state is stored.
   */
  record CrashAt(String operation, int occurrence) implements VcFault {
    public CrashAt {
      Objects.requireNonNull(operation, "operation");
      if (occurrence < 1) {
        throw new IllegalArgumentException("occurrence is 1-based, was " + occurrence);
      }
    }
  }

  /**
   * The engine "crashes" (the device operation throws {@link SimulatedCrash}) right after operation
   * {@code operation} took effect for the {@code occurrence}-th time (1-based): the image is installed, the
   * reboot issued, the configuration loaded or committed, the roles pinned, the script run, the image fetched,
   * but the engine did not hear of it.
   */
  record CrashAfter(String operation, int occurrence) implements VcFault {
    public CrashAfter {
      Objects.requireNonNull(operation, "operation");
      if (occurrence < 1) {
        throw new IllegalArgumentException("occurrence is 1-based, was " + occurrence);
      }
    }
  }
  /**
   * The whole VC loses power ({@link VirtualChassisModel#powerLoss()}) at operation {@code operation}'s
   * {@code occurrence}-th call (1-based): before it takes effect, or ({@code after}) right after. The phone-home
   * process dies with it (the operation throws {@link SimulatedCrash}); a state file being written keeps what was
   * written so far (half of it), as with a crash at {@code write-member-file}.
   */
  record PowerLoss(String operation, int occurrence, boolean after) implements VcFault {
    public PowerLoss {
      Objects.requireNonNull(operation, "operation");
      if (occurrence < 1) {
        throw new IllegalArgumentException("occurrence is 1-based, was " + occurrence);
      }
    }
  }
}
