package dev.phonehome.phc.testkit.junos;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The device's configuration database, as Junos keeps it: the committed configuration with its rollback
 * history (rollback 0 is the active one; 50 are kept, as on Junos), the shared candidate, private candidates
 * ({@code open-configuration <private/>}), the exclusive lock ({@code lock-configuration} and NETCONF
 * {@code <lock>}) and confirmed commits that roll back on their own when not confirmed in time (virtual time).
 *
 * <p>It stays consistent with the model: every load is logged to {@code VirtualChassisModel.loadConfiguration}
 * and every commit goes through {@code VirtualChassisModel.commitConfiguration} (so model faults such as
 * {@code CommitFails} apply), except loads and commits that only change {@code virtual-chassis member N
 * mastership-priority}, which instead pin or unpin the roles in the model. The VC facts read from it (the host
 * name, mastership priorities, interface units). A {@code zeroize} of the model resets it to the factory
 * default.
 */
final class ConfigDatabase {
  static final int HISTORY = 50;
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT);

  /** One committed configuration. */
  record Commit(ConfigTree tree, Instant at, String user, @Nullable String comment, String client) {}

  private final VirtualChassisModel model;
  private final LinkedList<Commit> history = new LinkedList<>();
  private ConfigTree candidate;
  /** Session that changed the shared candidate since the last commit, 0 when unknown or clean. */
  private int modifiedBy;
  private boolean modified;
  private int lockOwner = -1;
  private String lockUser = "";
  private Instant lockSince = Instant.EPOCH;
  private final Map<Integer, ConfigTree> privates = new HashMap<>();
  private @Nullable Instant confirmDeadline;
  private int zeroizes;

  ConfigDatabase(VirtualChassisModel model) {
    this.model = model;
    this.zeroizes = model.operationSummaries("zeroize").size();
    reset();
  }

  private void reset() {
    history.clear();
    history.add(new Commit(factoryDefault(), model.clock().instant(), "root", null, "cli"));
    candidate = committed().copy();
    modified = false;
    modifiedBy = 0;
    privates.clear();
    confirmDeadline = null;
  }

  /** The factory-default configuration of an EX4300 Virtual Chassis (what {@code request system zeroize} leaves). */
  static ConfigTree factoryDefault() {
    ConfigTree root = ConfigTree.root();
    ConfigText.applyText(root, """
        system {
            commit {
                factory-settings {
                    reset-virtual-chassis-configuration;
                    reset-chassis-lcd-menu;
                }
            }
            services {
                ssh;
                netconf {
                    ssh;
                }
            }
            syslog {
                user * {
                    any emergency;
                }
                file messages {
                    any notice;
                    authorization info;
                }
                file interactive-commands {
                    interactive-commands any;
                }
            }
        }
        protocols {
            lldp {
                interface all;
            }
            lldp-med {
                interface all;
            }
            rstp {
                interface all;
            }
        }
        vlans {
            default {
                vlan-id 1;
            }
        }
        """, false);
    return root;
  }

  /** Called before every RPC: applies what virtual time did (a confirmed commit expiring) and a zeroize. */
  void tick() {
    int z = model.operationSummaries("zeroize").size();
    if (z != zeroizes) {
      zeroizes = z;
      reset();
      lockOwner = -1;
    }
    Instant deadline = confirmDeadline;
    if (deadline != null && !model.clock().instant().isBefore(deadline)) {
      confirmDeadline = null;
      ConfigTree previous = history.size() > 1 ? history.get(1).tree().copy() : factoryDefault();
      history.addFirst(new Commit(previous, model.clock().instant(), "root", "commit confirmed rollback", "cli"));
      trim();
      candidate = previous.copy();
      modified = false;
      applyPins();
    }
  }

  // ---------------------------------------------------------------- reading

  ConfigTree committed() {
    return history.getFirst().tree();
  }

  Commit commitRecord(int n) {
    return history.get(n);
  }

  /** Rollback {@code n} (0 = the active configuration). */
  ConfigTree rollback(int n) {
    if (n < 0 || n >= history.size()) {
      throw RpcFailure.failed("rollback " + n + ": no such configuration (" + history.size()
          + " rollbacks kept: 0 to " + (history.size() - 1) + ")");
    }
    return history.get(n).tree();
  }

  int rollbackCount() {
    return history.size();
  }

  /** The candidate this session sees: its private one, or the shared one. */
  ConfigTree candidate(SimSession s) {
    ConfigTree p = privates.get(s.id());
    return p != null ? p : candidate;
  }

  boolean candidateModified() {
    return modified;
  }

  int mastershipPriority(int member) {
    ConfigTree m = find(committed(), "virtual-chassis", "member:" + member);
    if (m != null) {
      ConfigTree p = m.child("mastership-priority");
      if (p != null && p.value != null) {
        try {
          return Integer.parseInt(p.value);
        } catch (NumberFormatException e) {
          return 128;
        }
      }
    }
    return 128;
  }

  @Nullable String committedHostName() {
    ConfigTree h = find(committed(), "system", "host-name");
    return h == null ? null : h.value;
  }

  List<String> units(String physicalInterface) {
    ConfigTree i = find(committed(), "interfaces", "interface:" + physicalInterface);
    List<String> out = new ArrayList<>();
    if (i != null) {
      for (ConfigTree c : i.children) {
        if (c.name.equals("unit") && c.key != null) {
          out.add(c.key);
        }
      }
    }
    return out;
  }

  boolean hasRoutingInstance(String name) {
    return find(committed(), "routing-instances", "instance:" + name) != null;
  }

  /** Follows {@code name} or {@code name:key} steps from the root; null when absent. */
  static @Nullable ConfigTree find(ConfigTree root, String... steps) {
    ConfigTree at = root;
    for (String s : steps) {
      int colon = s.indexOf(':');
      at = colon < 0 ? at.child(s, null) : at.child(s.substring(0, colon), s.substring(colon + 1));
      if (at == null) {
        return null;
      }
    }
    return at;
  }

  /** The commit attributes Junos puts on {@code <configuration>}. */
  String commitAttributes() {
    Commit c = history.getFirst();
    return " junos:commit-seconds=\"" + c.at().getEpochSecond() + "\" junos:commit-localtime=\""
        + LOCAL.format(c.at().atZone(ZoneOffset.UTC)) + "\" junos:commit-user=\"" + SimXml.esc(c.user()) + "\"";
  }

  String lastCommitLine() {
    Commit c = history.getFirst();
    return "## Last commit: " + LOCAL.format(c.at().atZone(ZoneOffset.UTC)) + " by " + c.user() + "\n";
  }

  // ---------------------------------------------------------------- locks

  void lock(SimSession s) {
    if (lockOwner == s.id()) {
      throw new RpcFailure("protocol", "lock-denied", "configuration database locked by this session", null, null,
          null).withInfo("<session-id>" + s.id() + "</session-id>");
    }
    if (lockOwner >= 0) {
      throw lockedBy();
    }
    if (modified && modifiedBy != s.id()) {
      throw new RpcFailure("protocol", "lock-denied", "configuration database modified", null, null, null)
          .withInfo("<session-id>0</session-id>");
    }
    lockOwner = s.id();
    lockUser = s.user();
    lockSince = model.clock().instant();
  }

  void unlock(SimSession s) {
    if (lockOwner != s.id()) {
      throw RpcFailure.failed("configuration database not locked" + (lockOwner >= 0 ? " by this session" : ""));
    }
    lockOwner = -1;
  }

  boolean lockedBy(SimSession s) {
    return lockOwner == s.id();
  }

  private RpcFailure lockedBy() {
    return new RpcFailure("protocol", "lock-denied", "configuration database locked by:\n  " + lockUser
        + " terminal netconf (pid " + (1000 + lockOwner % 1000) + ") on since "
        + LOCAL.format(lockSince.atZone(ZoneOffset.UTC)) + "\n  exclusive [edit]", null, null, null)
        .withInfo("<session-id>" + lockOwner + "</session-id>");
  }

  /** Changes to the shared candidate need the lock, or no lock held by another session. */
  private void checkWritable(SimSession s) {
    if (privates.containsKey(s.id())) {
      return;
    }
    if (lockOwner >= 0 && lockOwner != s.id()) {
      throw lockedBy();
    }
  }

  /** A session ended: its lock goes, and with it the uncommitted changes it made (RFC 6241 8.3.5.2). */
  void sessionEnded(int sessionId) {
    privates.remove(sessionId);
    if (lockOwner == sessionId) {
      lockOwner = -1;
      if (modified && modifiedBy == sessionId) {
        candidate = committed().copy();
        modified = false;
        modifiedBy = 0;
        model.discardCandidateConfiguration();
      }
    }
  }

  // ---------------------------------------------------------------- private candidates

  void openPrivate(SimSession s) {
    if (privates.containsKey(s.id())) {
      throw RpcFailure.failed("users currently editing the configuration: private database already open");
    }
    if (lockOwner >= 0 && lockOwner != s.id()) {
      throw lockedBy();
    }
    if (modified && modifiedBy != s.id()) {
      throw RpcFailure.failed("shared configuration database modified\nUsers currently editing the configuration:\n"
          + "  uncommitted changes in the shared candidate");
    }
    privates.put(s.id(), committed().copy());
  }

  void closePrivate(SimSession s) {
    privates.remove(s.id());
  }

  // ---------------------------------------------------------------- changes

  /**
   * Edits this session's candidate: {@code edit} works on a copy, which replaces the candidate only when it
   * succeeds (a load with errors changes nothing). {@code logged} is what the model's load log records.
   */
  void load(SimSession s, Consumer<ConfigTree> edit, Bytes logged, ConfigurationHandling handling) {
    checkWritable(s);
    ConfigTree before = candidate(s);
    ConfigTree work = before.copy();
    edit.accept(work);
    work.remove("version", null, null); // Junos sets the version statement itself
    boolean pinOnly = onlyPrioritiesDiffer(before, work);
    if (!pinOnly) {
      model.loadConfiguration(logged, handling);
    }
    store(s, work);
  }

  void rollbackInto(SimSession s, int n) {
    checkWritable(s);
    ConfigTree target = rollback(n).copy();
    if (!onlyPrioritiesDiffer(candidate(s), target)) {
      model.loadConfiguration(Bytes.utf8(toXml(target)), ConfigurationHandling.REPLACE);
    }
    store(s, target);
  }

  void discard(SimSession s) {
    checkWritable(s);
    if (privates.containsKey(s.id())) {
      privates.put(s.id(), committed().copy());
      return;
    }
    candidate = committed().copy();
    modified = false;
    modifiedBy = 0;
    model.discardCandidateConfiguration();
  }

  private void store(SimSession s, ConfigTree work) {
    if (privates.containsKey(s.id())) {
      privates.put(s.id(), work);
      return;
    }
    candidate = work;
    modified = !work.sameContent(committed());
    modifiedBy = modified ? s.id() : 0;
  }

  /** The problems {@code commit check} finds, each a Junos-shaped error; empty when it would commit. */
  List<RpcFailure> check(ConfigTree c) {
    List<RpcFailure> out = new ArrayList<>();
    ConfigTree vc = c.child("virtual-chassis");
    if (vc != null) {
      for (ConfigTree m : vc.children) {
        if (!m.name.equals("member") || m.key == null) {
          continue;
        }
        if (!m.key.matches("[0-9]")) {
          out.add(range("[edit virtual-chassis]", "member", m.key, 0, 9));
        }
        ConfigTree p = m.child("mastership-priority");
        if (p != null && (p.value == null || !inRange(p.value, 1, 255))) {
          out.add(range("[edit virtual-chassis member " + m.key + "]", "mastership-priority", p.value, 1, 255));
        }
      }
    }
    ConfigTree vlans = c.child("vlans");
    if (vlans != null) {
      Map<String, String> ids = new TreeMap<>();
      for (ConfigTree v : vlans.children) {
        ConfigTree id = v.child("vlan-id");
        if (id == null || id.value == null) {
          continue;
        }
        if (!inRange(id.value, 1, 4094)) {
          out.add(range("[edit vlans " + v.key + "]", "vlan-id", id.value, 1, 4094));
        } else if (ids.containsKey(id.value)) {
          out.add(new RpcFailure("protocol", "operation-failed", "l2ald: Duplicate vlan-id exists for vlan "
              + v.key + " (same as vlan " + ids.get(id.value) + ")", null, "[edit vlans]", null));
        } else {
          ids.put(id.value, String.valueOf(v.key));
        }
      }
    }
    ConfigTree host = find(c, "system", "host-name");
    if (host != null && (host.value == null || !host.value.matches("[A-Za-z0-9][A-Za-z0-9.-]{0,254}"))) {
      out.add(new RpcFailure("protocol", "operation-failed", "Invalid host-name: '" + host.value
          + "' (letters, digits, '-' and '.' only)", "host-name", "[edit system]", null));
    }
    return out;
  }

  private static boolean inRange(String v, int lo, int hi) {
    try {
      int n = Integer.parseInt(v);
      return n >= lo && n <= hi;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static RpcFailure range(String path, String element, @Nullable String value, int lo, int hi) {
    return new RpcFailure("protocol", "operation-failed", "Value " + value + " is not within range (" + lo + ".."
        + hi + ")", element, path, null);
  }

  /**
   * Commits this session's candidate (or checks it). Confirmed commits roll back on their own unless another
   * commit confirms them within {@code confirmTimeout}.
   *
   * @throws RpcFailure with every problem found, then "configuration check-out failed"
   */
  void commit(SimSession s, boolean checkOnly, @Nullable String comment, @Nullable Duration confirmTimeout) {
    ConfigTree next = candidate(s);
    boolean priv = privates.containsKey(s.id());
    if (!priv && lockOwner >= 0 && lockOwner != s.id()) {
      throw lockedBy();
    }
    if (priv && modified) {
      throw RpcFailure.failed("shared configuration database modified\nprivate candidate cannot be committed "
          + "while the shared candidate has uncommitted changes");
    }
    List<RpcFailure> problems = check(next);
    if (!problems.isEmpty()) {
      problems.add(RpcFailure.failed("configuration check-out failed"));
      throw RpcFailure.all(problems);
    }
    if (checkOnly) {
      return;
    }
    boolean pinOnly = !next.sameContent(committed()) && onlyPrioritiesDiffer(committed(), next)
        && model.candidateConfiguration().isEmpty();
    if (!pinOnly) {
      try {
        model.commitConfiguration();
      } catch (PhcDeviceException e) {
        throw RpcFailure.failed(JunosRpcHandler.deviceMessage(e));
      }
    }
    confirmDeadline = confirmTimeout == null ? null : model.clock().instant().plus(confirmTimeout);
    history.addFirst(new Commit(next.copy(), model.clock().instant(), s.user(), comment, "netconf"));
    trim();
    if (priv) {
      privates.put(s.id(), committed().copy());
    }
    candidate = committed().copy();
    modified = false;
    modifiedBy = 0;
    applyPins();
  }

  private void trim() {
    while (history.size() > HISTORY) {
      history.removeLast();
    }
  }

  /** True when two configurations differ in nothing but {@code virtual-chassis member N mastership-priority}. */
  private static boolean onlyPrioritiesDiffer(ConfigTree a, ConfigTree b) {
    return withoutPriorities(a).sameContent(withoutPriorities(b));
  }

  private static ConfigTree withoutPriorities(ConfigTree t) {
    ConfigTree c = t.copy();
    ConfigTree vc = c.child("virtual-chassis");
    if (vc != null) {
      for (ConfigTree m : vc.children) {
        if (m.name.equals("member")) {
          m.remove("mastership-priority", null, null);
        }
      }
      vc.children.removeIf(m -> m.name.equals("member") && m.children.isEmpty());
      if (vc.children.isEmpty()) {
        c.remove("virtual-chassis", null, null);
      }
    }
    return c;
  }

  /**
   * Two members at priority 255 pin the primary and backup roles in the model (the current primary keeps the
   * primary role); with none at 255 the pins go.
   */
  private void applyPins() {
    List<Integer> top = new ArrayList<>();
    for (int id = 0; id <= 9; id++) {
      if (mastershipPriority(id) == 255) {
        top.add(id);
      }
    }
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

  // ---------------------------------------------------------------- formats

  static String toXml(ConfigTree t) {
    StringBuilder b = new StringBuilder("<configuration>\n");
    t.childrenXml(b, 1);
    return b.append("</configuration>").toString();
  }

  /** {@code show | compare}: what changed from {@code from} to {@code to}, as Junos prints it. */
  static String diff(ConfigTree from, ConfigTree to) {
    StringBuilder out = new StringBuilder();
    diff(from, to, new ArrayList<>(), out);
    return out.toString();
  }

  private static void diff(ConfigTree a, ConfigTree b, List<ConfigTree> path, StringBuilder out) {
    StringBuilder here = new StringBuilder();
    List<ConfigTree[]> both = new ArrayList<>();
    for (ConfigTree x : a.children) {
      if (match(b, x) == null) {
        lines(here, '-', x, a.name);
      }
    }
    for (ConfigTree y : b.children) {
      ConfigTree x = match(a, y);
      if (x == null) {
        lines(here, '+', y, b.name);
      } else if (y.value != null || x.value != null) {
        if (!Objects.equals(x.value, y.value)) {
          lines(here, '-', x, a.name);
          lines(here, '+', y, b.name);
        }
      } else {
        both.add(new ConfigTree[] {x, y});
      }
    }
    if (here.length() > 0) {
      out.append(ConfigTree.editPath(path)).append('\n').append(here);
    }
    for (ConfigTree[] p : both) {
      List<ConfigTree> deeper = new ArrayList<>(path);
      deeper.add(p[1]);
      diff(p[0], p[1], deeper, out);
    }
  }

  private static @Nullable ConfigTree match(ConfigTree parent, ConfigTree s) {
    for (ConfigTree c : parent.children) {
      if (!c.name.equals(s.name) || !Objects.equals(c.key, s.key)) {
        continue;
      }
      if (ConfigTree.LEAF_LISTS.contains(s.name) && s.value != null) {
        if (s.value.equals(c.value)) {
          return c;
        }
        continue;
      }
      if ((c.value != null) == (s.value != null) || s.key != null) {
        return c;
      }
    }
    return null;
  }

  private static void lines(StringBuilder out, char marker, ConfigTree node, String parentName) {
    StringBuilder t = new StringBuilder();
    node.text(t, 0, parentName);
    for (String line : t.toString().split("\n")) {
      out.append(marker).append("   ").append(line).append('\n');
    }
  }
}
