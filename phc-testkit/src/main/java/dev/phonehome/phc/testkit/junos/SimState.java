package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The device behind every session of one {@link SimulatedJunosDevice}: the VC model, the settings, the NETCONF
 * faults and what Junos keeps per device beyond the model (the configuration database, the configuration lock).
 * Handlers reach it through {@link RpcCall#device()}; calls are serialized by the dispatcher.
 */
final class SimState {
  final VirtualChassisModel model;
  final SimulatedJunosDevice.Settings settings;
  final ConfigDatabase config;
  private final Runnable dropAllSessions;
  private final java.util.function.IntPredicate killSession;
  private final Map<JunosSimulationFault, int[]> seen = new IdentityHashMap<>();

  SimState(VirtualChassisModel model, SimulatedJunosDevice.Settings settings, Runnable dropAllSessions,
      java.util.function.IntPredicate killSession) {
    this.model = model;
    this.settings = settings;
    this.dropAllSessions = dropAllSessions;
    this.killSession = killSession;
    this.config = new ConfigDatabase(model);
  }

  /** Ends another NETCONF session ({@code kill-session}); false when there is none with that id. */
  boolean killSession(int sessionId) {
    return killSession.test(sessionId);
  }

  /** The whole VC loses power: the model reboots every member, every session drops. */
  void powerLoss() {
    model.powerLoss();
    dropAllSessions.run();
  }

  /**
   * Counts one event against every fault of the given type that matches; returns the fault that reaches its
   * occurrence now (and removes it), or null.
   */
  <F extends JunosSimulationFault> @Nullable F fire(Class<F> type, Predicate<F> matches,
      java.util.function.ToIntFunction<F> occurrence) {
    for (JunosSimulationFault f : settings.faults()) {
      if (!type.isInstance(f)) {
        continue;
      }
      F typed = type.cast(f);
      if (!matches.test(typed)) {
        continue;
      }
      int[] n = seen.computeIfAbsent(f, k -> new int[1]);
      n[0]++;
      if (n[0] >= occurrence.applyAsInt(typed)) {
        settings.faults().remove(f);
        seen.remove(f);
        return typed;
      }
    }
    return null;
  }

  /** The host name the device reports: the committed {@code system host-name}, else the configured default. */
  String hostName() {
    String configured = config.committedHostName();
    return configured != null ? configured : settings.hostName();
  }

  /** The present primary, or a Junos-shaped failure when the VC has none (it is rebooting). */
  VcMember primary() {
    for (VcMember m : model.members()) {
      if (m.isPresent() && m.role() == MemberRole.PRIMARY) {
        return m;
      }
    }
    throw RpcFailure.failed("the Virtual Chassis has no master: members are rebooting");
  }

  List<VcMember> presentMembers() {
    return model.members().stream().filter(VcMember::isPresent).toList();
  }
}
