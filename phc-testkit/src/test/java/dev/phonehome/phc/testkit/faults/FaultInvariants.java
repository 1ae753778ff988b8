package dev.phonehome.phc.testkit.faults;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.engine.StateEnvelope;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The invariants of issue 10's fault schedules, shared by every world that runs them: {@code FaultScheduleTest}
 * over {@code FakeVirtualChassis} and {@code JunosFaultScheduleTest} (phc-junos) over the simulated Junos VC
 * through the real binding. They read only the VC model, the server's store and the client's result, so they
 * cannot be satisfied by what the client says about itself.
 */
public final class FaultInvariants {
  private FaultInvariants() {}

  /**
   * Everything that does not hold at the end of a schedule:
   *
   * <ol>
   *   <li>every member present on {@code targetVersion}, none failed;
   *   <li>the committed configuration is exactly {@code expectedCommitted} (repeats of the same merge allowed),
   *       applied as a merge, and the role pins are undone;
   *   <li>every table-2 notification and bootstrap-complete stored exactly once after the server's
   *       de-duplication ({@code expectedTable2}: what a run without faults stores), every stored notification
   *       has an id and no id twice, nothing left queued or refused;
   * </ol>
   * plus {@code seenWhileRunning} (violations noticed at crash moments, e.g. by a {@link StateFileWatch}).
   */
  public static List<String> check(List<String> seenWhileRunning, VirtualChassisModel model, String targetVersion,
      Set<String> expectedCommitted, List<DeviceNotification> stored, List<String> expectedTable2,
      PhoneHomeResult result) {
    return check(seenWhileRunning, model, targetVersion, expectedCommitted, stored, expectedTable2, result, false);
  }

  /**
   * {@link #check}; with {@code rolesMayChange} (the VC re-formed during the run, e.g. after a power loss) the
   * table-2 lines are compared by type and member only (the text names the role's path: "Member detected and
   * successfully upgraded." for a backup or linecard, "Successfully upgraded." for the primary), a linecard reboot
   * announcement may come or go, and no line may be stored twice.
   */
  public static List<String> check(List<String> seenWhileRunning, VirtualChassisModel model, String targetVersion,
      Set<String> expectedCommitted, List<DeviceNotification> stored, List<String> expectedTable2,
      PhoneHomeResult result, boolean rolesMayChange) {
    List<String> out = new ArrayList<>(seenWhileRunning);
    for (VcMember m : model.members()) {
      if (!m.isPresent() || !targetVersion.equals(m.version())) {
        out.add("member " + m.memberId() + " is not present on " + targetVersion + ": " + m);
      }
    }
    if (!result.failedMembers().isEmpty()) {
      out.add("failed members: " + result.failedMembers());
    }
    Set<String> configs = new HashSet<>();
    model.committedConfiguration().forEach(c -> configs.add(c.utf8()));
    if (!configs.equals(expectedCommitted)) {
      out.add("committed configuration is not exactly the one asked: " + model.committedConfiguration()
          + ", expected " + expectedCommitted);
    }
    if (model.lastConfigurationHandling() != ConfigurationHandling.MERGE) {
      out.add("configuration handling " + model.lastConfigurationHandling() + ", asked merge");
    }
    if (model.pins().isPresent()) {
      out.add("role pins left: " + model.pins());
    }
    List<String> table2 = table2(stored);
    List<String> expected = new ArrayList<>(rolesMayChange ? byMemberAndType(expectedTable2) : expectedTable2);
    List<String> sortedActual = new ArrayList<>(rolesMayChange ? byMemberAndType(table2) : table2);
    sortedActual.sort(null);
    expected.sort(null);
    if (rolesMayChange) {
      // The VC re-formed (a power loss): members may have been upgraded in other roles than in the clean run,
      // so their texts differ and a linecard reboot may be announced; each member's outcomes, once each, and
      // no line twice, still hold.
      expected.removeIf(l -> l.startsWith(ProgressType.VC_MEMBER_REBOOT_INITIATED.name()));
      sortedActual.removeIf(l -> l.startsWith(ProgressType.VC_MEMBER_REBOOT_INITIATED.name()));
      if (new HashSet<>(table2).size() != table2.size()) {
        out.add("a table-2 notification is stored twice: " + table2);
      }
    }
    if (!sortedActual.equals(expected)) {
      out.add("table-2 notifications stored are not exactly once each:\n  stored   " + table2 + "\n  expected "
          + expectedTable2);
    }
    Set<String> ids = new HashSet<>();
    for (DeviceNotification n : stored) {
      if (n.report().notificationId() == null || !ids.add(n.report().notificationId().toString())) {
        out.add("stored notification without an id or twice: " + n.report());
      }
    }
    if (!result.notificationsQueued().isEmpty() || !result.notificationsRefused().isEmpty()) {
      out.add("notifications left queued " + result.notificationsQueued() + " or refused "
          + result.notificationsRefused());
    }
    return out;
  }

  /**
   * The table-2 notifications (and bootstrap-complete) stored, as {@code type serial text} lines with the
   * member's role left out (it is the role at the moment, which timing may change), in stored order.
   */
  public static List<String> table2(List<DeviceNotification> stored) {
    List<String> out = new ArrayList<>();
    for (DeviceNotification n : stored) {
      ProgressReport r = n.report();
      if (r.type().isVirtualChassis() || r.type().equals(ProgressType.BOOTSTRAP_COMPLETE)) {
        MemberRef m = r.member();
        String text = String.valueOf(r.message());
        if (m != null) {
          text = text.replaceFirst("^member \\d+ \\(serial [^,]+, role [a-z]+\\): ", "");
        }
        out.add(r.type().name() + (m == null ? "" : " " + m.serialNumber()) + " " + text);
      }
    }
    return out;
  }

  /** Successful installs per member id, from the model's log (more than one: a re-install after a crash). */
  public static java.util.Map<Integer, Integer> installs(VirtualChassisModel model) {
    java.util.Map<Integer, Integer> out = new java.util.TreeMap<>();
    for (String s : model.operationSummaries("install-image")) {
      if (!s.contains("result=")) {
        int member = Integer.parseInt(s.replaceAll(".*member=(\\d+).*", "$1"));
        out.merge(member, 1, Integer::sum);
      }
    }
    return out;
  }

  /** {@code type serial} of each table-2 line (the text left out). */
  private static List<String> byMemberAndType(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      String[] w = l.split(" ");
      out.add(w.length > 1 && !w[0].equals(ProgressType.BOOTSTRAP_COMPLETE.name()) && !w[1].isEmpty()
          && Character.isUpperCase(w[1].charAt(0)) && w[1].matches("[A-Z0-9-]+") ? w[0] + " " + w[1] : w[0]);
    }
    return out;
  }

  /**
   * A fault aimed by fraction: {@code permille} of a point a clean run reaches {@code count} times hits
   * occurrence {@code 1 + floor(permille * count / 1000)}, so it lands inside the run; 0 when the clean run never
   * reaches the point.
   */
  public static int occurrence(int count, int permille) {
    return count == 0 ? 0 : 1 + (int) ((long) permille * count / 1000);
  }

  /**
   * No state file is ever missing or unreadable at a moment the device could lose power: every state file on any
   * member verifies, and once a state was saved a present member holds one. Call {@link #check} at each such
   * moment (a crash, a power loss, the end); violations accumulate.
   */
  public static final class StateFileWatch {
    private final VirtualChassisModel model;
    private final List<String> violations;
    private boolean everSaved;

    /** Watches {@code model}'s {@link VirtualChassisModel#STATE_PATH} files; adds what it finds to {@code violations}. */
    public StateFileWatch(VirtualChassisModel model, List<String> violations) {
      this.model = model;
      this.violations = violations;
    }

    /**
     * Checks now. With no member present (the VC lost power and is booting) a copy on any member counts: the
     * members come back with their files and the engine reads every present member.
     */
    public void check(String when) {
      boolean anyPresentHasOne = false;
      boolean anyHasOne = false;
      boolean anyPresent = false;
      for (VcMember m : model.members()) {
        anyPresent |= m.isPresent();
        Optional<Bytes> state = model.storedState(m.memberId());
        if (state.isEmpty()) {
          continue;
        }
        anyHasOne = true;
        everSaved = true;
        try {
          StateEnvelope.open(state.get());
        } catch (StateEnvelope.CorruptStateException e) {
          violations.add("the state file on member " + m.memberId() + " is unreadable " + when + ": "
              + e.getMessage());
        }
        if (m.isPresent()) {
          anyPresentHasOne = true;
        }
      }
      if (everSaved && !anyPresentHasOne && (anyPresent || !anyHasOne)) {
        violations.add("no present member holds a state file " + when + "; members " + model.members());
      }
    }
  }
}
