package dev.phonehome.phc.testkit.junos;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads Junos curly-brace text and {@code set}/{@code delete} commands into a {@link ConfigTree}. Errors are
 * Junos-shaped: "syntax error" naming the token ({@code bad-element}) and the {@code [edit ...]} path.
 */
final class ConfigText {
  private ConfigText() {}

  /** What a statement's words name, once walked. */
  private enum Kind { LEAF, FLAG, CONTAINER, ENTRY }

  private record Locator(ConfigTree parent, String name, @Nullable String key, @Nullable String value, Kind kind) {}

  // ---------------------------------------------------------------- tokens

  private static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int end = text.indexOf("*/", i + 2);
        if (end < 0) {
          throw RpcFailure.syntax("/*").withPath("[edit]");
        }
        i = end + 2;
      } else if (c == '#') {
        int end = text.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if ("{};[]".indexOf(c) >= 0) {
        out.add(String.valueOf(c));
        i++;
      } else if (c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        boolean closed = false;
        while (i < n) {
          char d = text.charAt(i++);
          if (d == '\\' && i < n) {
            b.append(text.charAt(i++));
          } else if (d == '"') {
            closed = true;
            break;
          } else {
            b.append(d);
          }
        }
        if (!closed) {
          throw new RpcFailure("protocol", "operation-failed", "syntax error, expecting '\"'", "\"" + b, "[edit]",
              null);
        }
        out.add("\u0000" + b); // marks a quoted word: never a keyword or punctuation
      } else {
        int start = i;
        while (i < n && !Character.isWhitespace(text.charAt(i)) && "{};[]\"".indexOf(text.charAt(i)) < 0) {
          i++;
        }
        out.add(text.substring(start, i));
      }
    }
    return out;
  }

  private static String word(String token) {
    return token.startsWith("\u0000") ? token.substring(1) : token;
  }

  private static boolean punct(String token, String p) {
    return token.equals(p);
  }

  // ---------------------------------------------------------------- curly-brace text

  /**
   * Applies curly-brace text to {@code target}: statements merge; {@code delete:} deletes the statement;
   * {@code replace:} replaces it when {@code honourReplace} (Junos {@code load replace}), else merges.
   */
  static void applyText(ConfigTree target, String text, boolean honourReplace) {
    List<String> t = tokens(text);
    int end = block(target, t, 0, honourReplace, new ArrayList<>());
    if (end < t.size()) {
      throw RpcFailure.syntax(word(t.get(end))).withPath("[edit]");
    }
  }

  /** Parses statements until the closing brace (returns its index) or the end. */
  private static int block(ConfigTree node, List<String> t, int i, boolean honourReplace, List<ConfigTree> path) {
    List<String> words = new ArrayList<>();
    while (i < t.size()) {
      String tok = t.get(i);
      if (punct(tok, "}")) {
        if (!words.isEmpty()) {
          throw RpcFailure.syntax("}").withPath(ConfigTree.editPath(path));
        }
        return i;
      }
      if (punct(tok, "[")) {
        List<String> values = new ArrayList<>();
        i++;
        while (i < t.size() && !punct(t.get(i), "]")) {
          if (t.get(i).length() == 1 && "{};[".contains(t.get(i))) {
            throw RpcFailure.syntax(t.get(i)).withPath(ConfigTree.editPath(path));
          }
          values.add(word(t.get(i++)));
        }
        if (i + 1 >= t.size() || !punct(t.get(i + 1), ";") || words.isEmpty()) {
          throw RpcFailure.syntax("[").withPath(ConfigTree.editPath(path));
        }
        i += 2;
        Annotation a = annotation(words, path);
        List<String> head = new ArrayList<>(words.subList(0, words.size() - 1));
        String leafName = words.get(words.size() - 1);
        ConfigTree parent = head.isEmpty() ? node : walkBlock(node, head, path);
        if (a == Annotation.DELETE) {
          for (String v : values) {
            parent.remove(leafName, null, v);
          }
        } else {
          for (String v : values) {
            parent.setLeaf(leafName, v);
          }
        }
        words.clear();
        continue;
      }
      if (punct(tok, ";") || punct(tok, "{")) {
        if (words.isEmpty()) {
          throw RpcFailure.syntax(tok).withPath(ConfigTree.editPath(path));
        }
        Annotation a = annotation(words, path);
        boolean isBlock = punct(tok, "{");
        Locator loc = locate(node, words, isBlock, a != Annotation.DELETE, path);
        i++;
        if (a == Annotation.DELETE) {
          delete(loc);
          if (isBlock) {
            i = skipBlock(t, i, path);
          }
        } else {
          if (a == Annotation.REPLACE && honourReplace && loc != null) {
            loc.parent().remove(loc.name(), loc.key(), null);
          }
          ConfigTree target = apply(java.util.Objects.requireNonNull(loc));
          if (isBlock) {
            List<ConfigTree> inner = new ArrayList<>(path);
            inner.add(target);
            i = block(target, t, i, honourReplace, inner);
            if (i >= t.size()) {
              throw new RpcFailure("protocol", "operation-failed", "syntax error, expecting '}'", "}",
                  ConfigTree.editPath(inner), null);
            }
            i++;
          }
        }
        words.clear();
        continue;
      }
      words.add(tok);
      i++;
    }
    if (!words.isEmpty()) {
      throw new RpcFailure("protocol", "operation-failed", "syntax error, expecting ';' or '{'",
          word(words.get(words.size() - 1)), ConfigTree.editPath(path), null);
    }
    return i;
  }

  private static int skipBlock(List<String> t, int i, List<ConfigTree> path) {
    int depth = 1;
    while (i < t.size()) {
      String tok = t.get(i++);
      if (punct(tok, "{")) {
        depth++;
      } else if (punct(tok, "}") && --depth == 0) {
        return i;
      }
    }
    throw new RpcFailure("protocol", "operation-failed", "syntax error, expecting '}'", "}",
        ConfigTree.editPath(path), null);
  }

  private enum Annotation { NONE, DELETE, REPLACE }

  private static Annotation annotation(List<String> words, List<ConfigTree> path) {
    String first = words.get(0);
    if (first.endsWith(":") && !first.startsWith("\u0000")) {
      words.remove(0);
      if (words.isEmpty()) {
        throw RpcFailure.syntax(first).withPath(ConfigTree.editPath(path));
      }
      return switch (first) {
        case "delete:" -> Annotation.DELETE;
        case "replace:" -> Annotation.REPLACE;
        case "inactive:", "protect:", "active:" -> Annotation.NONE;
        default -> throw RpcFailure.syntax(first).withPath(ConfigTree.editPath(path));
      };
    }
    return Annotation.NONE;
  }

  private static ConfigTree walkBlock(ConfigTree node, List<String> words, List<ConfigTree> path) {
    return apply(locate(node, words, true, true, path));
  }

  // ---------------------------------------------------------------- set commands

  /** Applies {@code set} and {@code delete} commands, one per line. */
  static void applySet(ConfigTree target, String commands) {
    int lineNo = 0;
    for (String line : commands.split("\n")) {
      lineNo++;
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      List<String> t = tokens(s);
      for (String tok : t) {
        if (tok.length() == 1 && "{};[]".contains(tok)) {
          throw RpcFailure.syntax(tok).withPath("[edit]");
        }
      }
      if (t.isEmpty()) {
        continue;
      }
      String verb = t.get(0);
      List<String> words = new ArrayList<>(t.subList(1, t.size()));
      if (words.isEmpty()) {
        throw new RpcFailure("protocol", "operation-failed", "syntax error, expecting <statement>", verb, "[edit]",
            null);
      }
      switch (verb) {
        case "set" -> apply(locate(target, words, false, true, List.of()));
        case "delete" -> delete(locate(target, words, false, false, List.of()));
        default -> throw RpcFailure.syntax(word(verb)).withPath("[edit]");
      }
    }
  }

  // ---------------------------------------------------------------- walking a statement's words

  /**
   * Walks the words of one statement from {@code node}. With {@code create}, missing containers and entries on
   * the way are created; without, a missing one gives null (nothing to delete).
   */
  private static @Nullable Locator locate(ConfigTree node, List<String> raw, boolean block, boolean create,
      List<ConfigTree> path) {
    List<String> w = new ArrayList<>();
    for (String r : raw) {
      if (r.length() == 1 && "{};[]".contains(r)) {
        throw RpcFailure.syntax(r).withPath(ConfigTree.editPath(path));
      }
      w.add(r);
    }
    int i = 0;
    int n = w.size();
    ConfigTree at = node;
    if (node.name.equals("configuration") && node.key == null) {
      ConfigTree.checkTopLevel(word(w.get(0)));
    }
    while (true) {
      int remaining = n - i;
      String t = word(w.get(i));
      boolean quoted = w.get(i).startsWith("\u0000");
      String keyless = at.key == null ? ConfigTree.KEYLESS.get(at.name) : null;
      if (keyless != null) {
        if (remaining == 1) {
          return new Locator(at, keyless, t, null, Kind.ENTRY);
        }
        at = step(at, keyless, t, create);
        i++;
      } else if (!quoted && ConfigTree.LISTS.contains(t) && remaining >= 2) {
        if (remaining == 2) {
          return new Locator(at, t, word(w.get(i + 1)), null, Kind.ENTRY);
        }
        at = step(at, t, word(w.get(i + 1)), create);
        i += 2;
      } else if (remaining == 1) {
        return new Locator(at, t, null, null, block ? Kind.CONTAINER : Kind.FLAG);
      } else if (remaining == 2 && !create && at.child(t, null) != null
          && java.util.Objects.requireNonNull(at.child(t, null)).value == null) {
        at = at.child(t, null); // deleting: "system host-name" names a statement inside system
        i++;
      } else if (remaining == 2 && !ConfigTree.CONTAINERS.contains(t)) {
        return block ? new Locator(at, t, word(w.get(i + 1)), null, Kind.ENTRY)
            : new Locator(at, t, null, word(w.get(i + 1)), Kind.LEAF);
      } else {
        at = step(at, t, null, create);
        i++;
      }
      if (at == null) {
        return null;
      }
    }
  }

  private static @Nullable ConfigTree step(ConfigTree at, String name, @Nullable String key, boolean create) {
    return create ? at.container(name, key) : at.child(name, key);
  }

  private static ConfigTree apply(@Nullable Locator l) {
    if (l == null) {
      throw new IllegalStateException("nothing to apply");
    }
    switch (l.kind()) {
      case LEAF -> {
        l.parent().setLeaf(l.name(), java.util.Objects.requireNonNull(l.value()));
        return l.parent();
      }
      case FLAG -> {
        l.parent().setFlag(l.name());
        return l.parent();
      }
      default -> {
        return l.parent().container(l.name(), l.key());
      }
    }
  }

  private static void delete(@Nullable Locator l) {
    if (l == null) {
      return; // Junos: "warning: statement not found"; nothing changes
    }
    switch (l.kind()) {
      case LEAF -> {
        if (ConfigTree.LEAF_LISTS.contains(l.name())) {
          l.parent().remove(l.name(), null, l.value());
        } else {
          l.parent().remove(l.name(), null, null);
        }
      }
      default -> l.parent().remove(l.name(), l.key(), null);
    }
  }
}
