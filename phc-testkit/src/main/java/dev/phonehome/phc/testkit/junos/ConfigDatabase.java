package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/** The device's configuration: candidate and committed, kept beside the model's load/commit log. */
final class ConfigDatabase {
  private final VirtualChassisModel model;
  private final TreeMap<Integer, Integer> committedPriorities = new TreeMap<>();
  private final TreeMap<Integer, Integer> candidatePriorities = new TreeMap<>();

  ConfigDatabase(VirtualChassisModel model) {
    this.model = model;
  }

  int mastershipPriority(int member) {
    return committedPriorities.getOrDefault(member, 128);
  }

  @Nullable String committedHostName() {
    return null;
  }

  List<String> units(String physicalInterface) {
    return List.of();
  }

  boolean hasRoutingInstance(String name) {
    return false;
  }

  void loadXml(Element config, ConfigurationHandling handling) {
    if (isOnlyMastershipPriorities(config)) {
      applyPriorities(config);
    } else {
      model.loadConfiguration(Bytes.utf8(SimXml.serialize(config)), handling);
    }
  }

  void loadText(String text, ConfigurationHandling handling) {
    model.loadConfiguration(Bytes.utf8(text), handling);
  }

  void commit() {
    boolean pinOnly = !candidatePriorities.isEmpty() && model.candidateConfiguration().isEmpty();
    if (!candidatePriorities.isEmpty()) {
      candidatePriorities.forEach((id, prio) -> {
        if (prio < 0) {
          committedPriorities.remove(id);
        } else {
          committedPriorities.put(id, prio);
        }
      });
      candidatePriorities.clear();
      applyPins();
    }
    if (!pinOnly) {
      model.commitConfiguration();
    }
  }

  private static boolean isOnlyMastershipPriorities(Element config) {
    List<Element> top = SimXml.children(config);
    if (top.size() != 1 || !SimXml.localName(top.get(0)).equals("virtual-chassis")) {
      return false;
    }
    for (Element member : SimXml.children(top.get(0))) {
      if (!SimXml.localName(member).equals("member")) {
        return false;
      }
      for (Element leaf : SimXml.children(member)) {
        String ln = SimXml.localName(leaf);
        if (!ln.equals("name") && !ln.equals("mastership-priority")) {
          return false;
        }
      }
    }
    return true;
  }

  private void applyPriorities(Element config) {
    for (Element member : SimXml.children(SimXml.children(config).get(0))) {
      int id = Integer.parseInt(String.valueOf(SimXml.childText(member, "name")));
      Element prio = SimXml.firstChild(member, "mastership-priority");
      if (prio == null) {
        continue;
      }
      if ("delete".equals(prio.getAttribute("operation"))) {
        candidatePriorities.put(id, -1);
      } else {
        candidatePriorities.put(id, Integer.parseInt(SimXml.text(prio)));
      }
    }
  }

  private void applyPins() {
    List<Integer> top = new ArrayList<>();
    committedPriorities.forEach((id, prio) -> {
      if (prio == 255) {
        top.add(id);
      }
    });
    if (top.size() == 2) {
      int a = top.get(0);
      int c = top.get(1);
      OptionalInt p = model.primaryMemberId();
      if (p.isPresent() && p.getAsInt() == c) {
        model.pinRoles(c, a);
      } else {
        model.pinRoles(a, c);
      }
    } else if (top.isEmpty() && model.pins().isPresent()) {
      model.unpinRoles();
    }
  }
}
