package dev.phonehome.phc.testkit.faults;

import dev.phonehome.phc.testkit.vc.VcFault;
import java.util.List;
import java.util.Map;

/**
 * A schedule of faults for one run, aimed by fraction: a fault at fraction {@code f} of crash point {@code op}
 * hits occurrence {@code 1 + floor(f * n)} where {@code n} is how often a clean run of the same configuration
 * reaches that point, so every fault lands inside the run.
 *
 * @param faults the faults, each firing once
 * @param recovery an optional crash armed when the first crash happened: it hits the next process while it
 *     recovers (loading the state, its first saves)
 * @param seed seeds the client's Random (backoff jitter, run id)
 */
record FaultSchedule(List<Fault> faults, Fault.Recovery recovery, long seed) {

  /** Crash points of the model: where a device-side crash can be aimed. */
  static final List<String> DEVICE_OPERATIONS = List.of("install-image", "reboot", "pin-roles", "unpin-roles",
      "load-configuration", "commit", "run-script", "fetch-file", "write-file", "persist-state", "write-member-file",
      "rename-member-file", "load-state");

  /** Crash points that can also crash right after the operation took effect. */
  static final List<String> AFTER_OPERATIONS = List.of("install-image", "reboot", "pin-roles", "unpin-roles",
      "load-configuration", "commit", "run-script", "fetch-file");

  /** One fault. */
  sealed interface Fault {
    /** The process dies at a device operation: before it takes effect, or (after=true) right after. */
    record DeviceCrash(String operation, boolean after, int permille) implements Fault {
      @Override
      public String toString() {
        return "crash " + (after ? "after " : "at ") + operation + "@" + permille + "‰";
      }
    }

    /** The whole VC loses power at a device operation (the process dies with it): before or after it takes effect. */
    record PowerLoss(String operation, boolean after, int permille) implements Fault {
      @Override
      public String toString() {
        return "power loss " + (after ? "after " : "at ") + operation + "@" + permille + "‰";
      }
    }

    /** Something happens to one HTTP call to the phone-home server. */
    record Transport(TransportFault kind, int permille) implements Fault {
      @Override
      public String toString() {
        return kind + "@" + permille + "‰";
      }
    }

    /** A crash of the recovering process at its {@code n}-th pass of {@code operation} (load-state, writes). */
    record Recovery(String operation, int n) implements Fault {
      @Override
      public String toString() {
        return "then crash during recovery at " + operation + " #" + n;
      }
    }
  }

  /** Arms the faults in a fresh world, aimed with the clean run's counts. */
  void arm(FaultWorld world, Map<String, Integer> cleanCounts) {
    for (Fault f : faults) {
      if (f instanceof Fault.DeviceCrash d) {
        int n = FaultInvariants.occurrence(cleanCounts.getOrDefault(d.operation(), 0), d.permille());
        if (n > 0) {
          world.model.inject(d.after() ? new VcFault.CrashAfter(d.operation(), n) : new VcFault.CrashAt(d.operation(), n));
        }
      } else if (f instanceof Fault.PowerLoss p) {
        int n = FaultInvariants.occurrence(cleanCounts.getOrDefault(p.operation(), 0), p.permille());
        if (n > 0) {
          world.model.inject(new VcFault.PowerLoss(p.operation(), n, p.after()));
        }
      } else if (f instanceof Fault.Transport t) {
        int n = FaultInvariants.occurrence(cleanCounts.getOrDefault("phs-call", 0), t.permille());
        if (n > 0) {
          world.transport.faults.putIfAbsent(n, t.kind());
        }
      }
    }
    if (recovery != null) {
      world.onFirstCrashDo(recovery);
    }
  }

  @Override
  public String toString() {
    return faults + (recovery == null ? "" : " " + recovery) + " seed=" + seed;
  }
}
