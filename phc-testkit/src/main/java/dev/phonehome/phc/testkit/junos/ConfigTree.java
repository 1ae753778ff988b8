package dev.phonehome.phc.testkit.junos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Element;

/**
 * A Junos configuration as a tree, convertible to and from the three formats Junos speaks: XML
 * ({@code <configuration>}), curly-brace text and {@code set} commands. It carries no schema; a few tables
 * below say what the formats cannot tell by themselves (which statements are lists keyed by a name, which lists
 * drop their keyword in text, which leaves hold several values). Statements keep the order they were added in.
 *
 * <p>A node is a container (children, no key, no value), a list entry (a {@code key}: the {@code <name>} of XML,
 * the word after the keyword in text), or a leaf (a {@code value}); a container without children is an empty
 * leaf ({@code ethernet-switching;}).
 */
final class ConfigTree {
  /** Lists whose entries are written without their keyword in text and set ({@code interfaces ge-0/0/0}). */
  static final Map<String, String> KEYLESS = Map.of("interfaces", "interface", "vlans", "vlan",
      "routing-instances", "instance");
  /** Keywords followed by the entry's name in text and set ({@code unit 0}, {@code user bob}). */
  static final Set<String> LISTS = Set.of("unit", "user", "member", "file", "host", "address", "route",
      "neighbor", "group", "policy-statement", "term", "server", "name-server", "interface", "vlan-id-list",
      "client", "prefix-list", "filter", "contents", "community");
  /** Statements that are always containers, even with one word after them ({@code family inet;}). */
  static final Set<String> CONTAINERS = Set.of("family");
  /** The top-level statements of a Junos configuration; anything else is a syntax error. */
  static final Set<String> TOP_LEVEL = Set.of("version", "groups", "apply-groups", "system", "chassis", "services",
      "security", "interfaces", "snmp", "forwarding-options", "event-options", "routing-options", "protocols",
      "policy-options", "class-of-service", "firewall", "routing-instances", "vlans", "virtual-chassis", "poe",
      "switch-options", "access", "applications", "ethernet-switching-options", "multi-chassis", "bridge-domains",
      "accounting-options", "logical-systems", "vmhost", "fabric", "dynamic-profiles", "jsrc", "smtp", "schedulers",
      "unified-edge", "access-profile", "diameter", "multicast-snooping-options", "chassis-cluster");

  /** Junos refuses a top-level statement it does not know: "syntax error" naming it. */
  static void checkTopLevel(String name) {
    if (!TOP_LEVEL.contains(name)) {
      throw RpcFailure.syntax(name).withPath("[edit]");
    }
  }

  /** Leaves that hold several values ({@code members [ v10 v20 ];}). */
  static final Set<String> LEAF_LISTS = Set.of("members", "apply-groups", "domain-search");

  final String name;
  @Nullable String key;
  @Nullable String value;
  final List<ConfigTree> children = new ArrayList<>();

  ConfigTree(String name) {
    this.name = name;
  }

  static ConfigTree root() {
    return new ConfigTree("configuration");
  }

  static ConfigTree entry(String name, String key) {
    ConfigTree t = new ConfigTree(name);
    t.key = key;
    return t;
  }

  static ConfigTree leaf(String name, @Nullable String value) {
    ConfigTree t = new ConfigTree(name);
    t.value = value;
    return t;
  }

  boolean isLeaf() {
    return value != null;
  }

  boolean isEntry() {
    return key != null;
  }

  @Nullable ConfigTree child(String childName, @Nullable String childKey) {
    for (ConfigTree c : children) {
      if (c.name.equals(childName) && Objects.equals(c.key, childKey) && !(LEAF_LISTS.contains(childName))) {
        return c;
      }
    }
    return null;
  }

  @Nullable ConfigTree child(String childName) {
    return child(childName, null);
  }

  /** The child container or entry, created when absent (a leaf of that name becomes a container). */
  ConfigTree container(String childName, @Nullable String childKey) {
    ConfigTree c = child(childName, childKey);
    if (c == null) {
      c = new ConfigTree(childName);
      c.key = childKey;
      children.add(c);
    } else if (c.value != null) {
      // "family ethernet-switching;" then "family ethernet-switching { ... }": the leaf's word is a statement
      String word = c.value;
      c.value = null;
      c.children.add(new ConfigTree(word));
    }
    return c;
  }

  /** Sets a leaf (adds a value to a leaf-list). */
  void setLeaf(String leafName, String leafValue) {
    if (LEAF_LISTS.contains(leafName)) {
      for (ConfigTree c : children) {
        if (c.name.equals(leafName) && leafValue.equals(c.value)) {
          return;
        }
      }
      children.add(leaf(leafName, leafValue));
      return;
    }
    ConfigTree c = child(leafName, null);
    if (c == null) {
      children.add(leaf(leafName, leafValue));
    } else {
      c.children.clear();
      c.value = leafValue;
    }
  }

  /** An empty leaf ({@code ssh;}), unless a statement of that name is already there. */
  void setFlag(String flagName) {
    if (child(flagName, null) == null) {
      children.add(new ConfigTree(flagName));
    }
  }

  ConfigTree copy() {
    ConfigTree t = new ConfigTree(name);
    t.key = key;
    t.value = value;
    for (ConfigTree c : children) {
      t.children.add(c.copy());
    }
    return t;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ConfigTree t)) {
      return false;
    }
    return name.equals(t.name) && Objects.equals(key, t.key) && Objects.equals(value, t.value)
        && children.equals(t.children);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, key, value, children);
  }

  /** Deep equality ignoring the order of statements. */
  boolean sameContent(ConfigTree o) {
    return canonical().equals(o.canonical());
  }

  private String canonical() {
    List<String> kids = new ArrayList<>();
    for (ConfigTree c : children) {
      kids.add(c.canonical());
    }
    java.util.Collections.sort(kids);
    return name + "\u0001" + key + "\u0001" + value + "{" + String.join("\u0002", kids) + "}";
  }

  // ---------------------------------------------------------------- merge

  /** Merges {@code other}'s statements into this one (both are the same statement). */
  void merge(ConfigTree other) {
    for (ConfigTree oc : other.children) {
      if (oc.isLeaf()) {
        setLeaf(oc.name, Objects.requireNonNull(oc.value));
      } else if (oc.children.isEmpty() && !oc.isEntry()) {
        ConfigTree existing = child(oc.name, null);
        if (existing == null) {
          children.add(new ConfigTree(oc.name));
        }
      } else {
        container(oc.name, oc.key).merge(oc);
      }
    }
  }

  /** Removes a direct child statement; true when there was one. */
  boolean remove(String childName, @Nullable String childKey, @Nullable String leafListValue) {
    return children.removeIf(c -> c.name.equals(childName) && Objects.equals(c.key, childKey)
        && (leafListValue == null || leafListValue.equals(c.value)));
  }

  // ---------------------------------------------------------------- XML

  /** Reads a {@code <configuration>} element's children into a new tree (junos: attributes ignored). */
  static ConfigTree fromXml(Element configuration) {
    ConfigTree root = root();
    for (Element e : SimXml.children(configuration)) {
      applyXml(root, e, false);
    }
    return root;
  }

  /**
   * Applies one XML statement to {@code parent} the way Junos loads XML: merge by default; the
   * {@code operation} attribute (NETCONF) or Junos' {@code delete="delete"} / {@code replace="replace"} change
   * that. With {@code honourReplace} false, {@code replace} is treated as merge (Junos honours it only with
   * {@code action="replace"}).
   */
  static void applyXml(ConfigTree parent, Element e, boolean honourReplace) {
    String name = SimXml.localName(e);
    if (parent.name.equals("configuration") && parent.key == null) {
      checkTopLevel(name);
    }
    String op = attr(e, "operation");
    if (op == null && "delete".equals(attr(e, "delete"))) {
      op = "delete";
    }
    if (op == null && "replace".equals(attr(e, "replace"))) {
      op = "replace";
    }
    List<Element> kids = SimXml.children(e);
    Element keyElement = SimXml.firstChild(e, "name");
    String key = keyElement != null && SimXml.children(keyElement).isEmpty() ? SimXml.text(keyElement) : null;
    boolean leaf = kids.isEmpty() && SimXml.hasOwnText(e);
    if ("delete".equals(op) || "remove".equals(op)) {
      if (leaf && LEAF_LISTS.contains(name)) {
        parent.remove(name, null, SimXml.text(e));
      } else {
        parent.remove(name, key, null);
      }
      return;
    }
    if (leaf) {
      parent.setLeaf(name, SimXml.text(e));
      return;
    }
    if (kids.isEmpty()) {
      parent.setFlag(name);
      return;
    }
    if (honourReplace && "replace".equals(op)) {
      parent.remove(name, key, null);
    }
    ConfigTree node = parent.container(name, key);
    for (Element k : kids) {
      if (k == keyElement) {
        continue;
      }
      applyXml(node, k, honourReplace);
    }
  }

  private static @Nullable String attr(Element e, String local) {
    var attrs = e.getAttributes();
    for (int i = 0; i < attrs.getLength(); i++) {
      var a = attrs.item(i);
      String ln = a.getLocalName() == null ? a.getNodeName() : a.getLocalName();
      if (ln.equals(local)) {
        return a.getNodeValue();
      }
    }
    return null;
  }

  /** Writes this node's children as XML statements (the caller writes the {@code <configuration>} element). */
  void childrenXml(StringBuilder b, int depth) {
    for (ConfigTree c : children) {
      c.xml(b, depth);
    }
  }

  private void xml(StringBuilder b, int depth) {
    String pad = "    ".repeat(depth);
    if (value != null) {
      b.append(pad).append('<').append(name).append('>').append(SimXml.esc(value)).append("</").append(name)
          .append(">\n");
      return;
    }
    if (key == null && children.isEmpty()) {
      b.append(pad).append('<').append(name).append("/>\n");
      return;
    }
    b.append(pad).append('<').append(name).append(">\n");
    if (key != null) {
      b.append(pad).append("    <name>").append(SimXml.esc(key)).append("</name>\n");
    }
    childrenXml(b, depth + 1);
    b.append(pad).append("</").append(name).append(">\n");
  }

  // ---------------------------------------------------------------- text

  /** The children as Junos curly-brace text. */
  String text() {
    StringBuilder b = new StringBuilder();
    for (ConfigTree c : children) {
      c.text(b, 0, name);
    }
    return b.toString();
  }

  /** One statement (and its block) as text lines, indented four spaces per level. */
  void text(StringBuilder b, int depth, String parentName) {
    String pad = "    ".repeat(depth);
    String head = head(parentName);
    if (value != null) {
      if (LEAF_LISTS.contains(name)) {
        b.append(pad).append(name).append(' ').append(quote(value)).append(";\n");
      } else {
        b.append(pad).append(head).append(' ').append(quote(value)).append(";\n");
      }
      return;
    }
    if (children.isEmpty()) {
      b.append(pad).append(head).append(";\n");
      return;
    }
    if (CONTAINERS.contains(name) && children.size() == 1 && children.get(0).children.isEmpty()
        && children.get(0).value == null && children.get(0).key == null) {
      b.append(pad).append(head).append(' ').append(children.get(0).name).append(";\n");
      return;
    }
    b.append(pad).append(head).append(" {\n");
    List<ConfigTree> lists = new ArrayList<>();
    for (ConfigTree c : children) {
      if (c.value != null && LEAF_LISTS.contains(c.name)) {
        if (!lists.isEmpty() && !lists.get(0).name.equals(c.name)) {
          flushLeafList(b, depth + 1, lists);
        }
        lists.add(c);
        continue;
      }
      flushLeafList(b, depth + 1, lists);
      c.text(b, depth + 1, name);
    }
    flushLeafList(b, depth + 1, lists);
    b.append(pad).append("}\n");
  }

  private static void flushLeafList(StringBuilder b, int depth, List<ConfigTree> values) {
    if (values.isEmpty()) {
      return;
    }
    String pad = "    ".repeat(depth);
    if (values.size() == 1) {
      b.append(pad).append(values.get(0).name).append(' ').append(quote(values.get(0).value)).append(";\n");
    } else {
      b.append(pad).append(values.get(0).name).append(" [");
      for (ConfigTree v : values) {
        b.append(' ').append(quote(v.value));
      }
      b.append(" ];\n");
    }
    values.clear();
  }

  /** The statement's words: {@code unit 0}, or just {@code ge-0/0/0} in a keyword-less list. */
  String head(String parentName) {
    if (key == null) {
      return name;
    }
    String keyless = KEYLESS.get(parentName);
    return name.equals(keyless) ? quote(key) : name + " " + quote(key);
  }

  static String quote(@Nullable String s) {
    if (s == null) {
      return "";
    }
    if (!s.isEmpty() && s.chars().noneMatch(ch -> Character.isWhitespace(ch) || "{};\"#[]".indexOf(ch) >= 0)) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  // ---------------------------------------------------------------- set

  /** The configuration as {@code set} commands, one per leaf. */
  String setCommands() {
    StringBuilder b = new StringBuilder();
    for (ConfigTree c : children) {
      c.set(b, "set", name);
    }
    return b.toString();
  }

  private void set(StringBuilder b, String prefix, String parentName) {
    String here = prefix + " " + head(parentName);
    if (value != null) {
      b.append(here).append(' ').append(quote(value)).append('\n');
      return;
    }
    if (children.isEmpty()) {
      b.append(here).append('\n');
      return;
    }
    for (ConfigTree c : children) {
      c.set(b, here, name);
    }
  }

  /** The {@code [edit ...]} words of a path of statements below the root. */
  static String editPath(List<ConfigTree> path) {
    StringBuilder b = new StringBuilder("[edit");
    String parent = "configuration";
    for (ConfigTree t : path) {
      b.append(' ').append(t.head(parent));
      parent = t.name;
    }
    return b.append(']').toString();
  }
}
