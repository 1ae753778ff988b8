package dev.phonehome.phc.core.internal.engine;

import dev.phonehome.phc.api.device.StartConditions;
import dev.phonehome.phc.api.device.StartConditions.VcpKind;
import dev.phonehome.phc.api.device.StartConditions.VcpLink;
import dev.phonehome.phc.api.model.VcMember;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * SPEC 4.1 step 1: a phone-home run starts only on a VC whose members are all on the factory-default
 * configuration, that is not in mixed mode, and whose members are cabled in a ring through dedicated or default
 * Virtual Chassis ports. This says, in words an operator can act on, what does not hold. The ring is judged
 * from the ports' links: every member has two dedicated or default VCP links up (to two different members when
 * there are more than two), all members are connected, and no link runs through a network port made a VCP.
 * While a member the VC knows is not present, its links are down and the ring cannot be seen: then only the
 * configured ports and a VC split in parts are reported (a missing member is table 1's business).
 */
public final class StartConditionCheck {
  private StartConditionCheck() {}

  /**
   * What is wrong, one line each; empty when the conditions hold.
   *
   * @param members the members as the device reports them now
   */
  public static List<String> problems(StartConditions c, List<VcMember> members) {
    List<String> out = new ArrayList<>();
    if (!c.factoryDefaultConfiguration()) {
      out.add("the configuration is not the factory default" + (c.configurationNote() == null ? ""
          : " (" + c.configurationNote() + ")") + "; zeroize the Virtual Chassis (request system zeroize)");
    }
    if (c.mixedMode()) {
      out.add("the Virtual Chassis is in mixed mode; phone-home needs a non-mixed Virtual Chassis");
    }
    Set<Integer> present = new TreeSet<>();
    boolean allPresent = true;
    for (VcMember m : members) {
      if (m.isPresent()) {
        present.add(m.memberId());
      } else {
        allPresent = false;
      }
    }
    if (present.size() < 2) {
      return out; // a standalone device: nothing is cabled
    }
    Map<Integer, List<VcpLink>> up = new TreeMap<>();
    present.forEach(id -> up.put(id, new ArrayList<>()));
    for (VcpLink l : c.vcpLinks()) {
      if (!l.up() || l.neighborMemberId() == null || !present.contains(l.memberId())
          || !present.contains(l.neighborMemberId())) {
        continue;
      }
      if (l.kind() == VcpKind.CONFIGURED) {
        out.add("member " + l.memberId() + " reaches member " + l.neighborMemberId() + " through port " + l.port()
            + ", a network port made a Virtual Chassis port; cable the ring through dedicated or default VCPs");
        continue;
      }
      up.get(l.memberId()).add(l);
    }
    // With a member down (booting, powered off) its ports are down too: the ring cannot be seen, and table 1
    // deals with the missing member. Only what is certainly wrong is reported then: configured ports, a split.
    for (var e : allPresent ? up.entrySet() : Map.<Integer, List<VcpLink>>of().entrySet()) {
      List<VcpLink> links = e.getValue();
      Set<Integer> neighbours = new TreeSet<>();
      links.forEach(l -> neighbours.add(l.neighborMemberId()));
      if (links.size() < 2) {
        out.add("member " + e.getKey() + " has " + links.size() + " dedicated or default VCP link(s) up"
            + (neighbours.isEmpty() ? "" : " (to member " + neighbours.iterator().next() + ")")
            + "; a ring needs two on every member");
      } else if (present.size() > 2 && neighbours.size() < 2) {
        out.add("member " + e.getKey() + " is cabled to member " + neighbours.iterator().next()
            + " only; in a ring every member has two different neighbours");
      }
    }
    Set<Integer> reached = reachable(present.iterator().next(), up);
    if (!reached.containsAll(present)) {
      Set<Integer> cut = new TreeSet<>(present);
      cut.removeAll(reached);
      out.add("members " + cut + " are not connected to members " + reached + " through dedicated or default VCPs");
    }
    return out;
  }

  private static Set<Integer> reachable(int from, Map<Integer, List<VcpLink>> up) {
    Set<Integer> seen = new HashSet<>();
    Deque<Integer> todo = new ArrayDeque<>();
    todo.add(from);
    while (!todo.isEmpty()) {
      int m = todo.poll();
      if (!seen.add(m)) {
        continue;
      }
      for (VcpLink l : up.getOrDefault(m, List.of())) {
        todo.add(l.neighborMemberId());
      }
    }
    return new TreeSet<>(seen);
  }
}
