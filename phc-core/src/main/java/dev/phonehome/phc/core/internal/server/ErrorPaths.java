package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.Encoding;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns the codecs' paths ({@code $.ietf-sztp-bootstrap-server:input.ssh-host-keys.ssh-host-key[0].key-data},
 * 0-based, or {@code /input/ssh-host-keys/ssh-host-key[1]/key-data}, 1-based) into the YANG instance-identifier
 * RFC 8040 section 7.1 wants in {@code error-path}: in JSON the RFC 7951 form
 * ({@code /ietf-sztp-bootstrap-server:input/ssh-host-keys/ssh-host-key[1]/key-data}), in XML every node
 * prefixed with a prefix declared on the element ({@code /sztp-svr:input/sztp-svr:ssh-host-keys/...}). Keyless
 * list entries and leaf-list entries are addressed by position, 1-based.
 */
final class ErrorPaths {
  static final String BOOTSTRAP_MODULE = "ietf-sztp-bootstrap-server";
  static final String BOOTSTRAP_PREFIX = "sztp-svr";
  static final String BOOTSTRAP_NS = "urn:ietf:params:xml:ns:yang:ietf-sztp-bootstrap-server";
  static final String JUNIPER_MODULE = "juniper-zerotouch-bootstrap-server";
  static final String JUNIPER_PREFIX = "ztp";
  static final String JUNIPER_NS = "http://juniper.net/zerotouch-bootstrap-server";

  /** An instance-identifier and, for XML, the prefix its node names use and that prefix's namespace. */
  record Path(String text, @Nullable String prefix, @Nullable String namespace) {}

  private ErrorPaths() {}

  /** A path inside an {@code ietf-sztp-bootstrap-server} RPC input; null for the document root or no path. */
  static @Nullable Path rfc8572(@Nullable String codecPath, Encoding encoding) {
    return convert(codecPath, encoding, BOOTSTRAP_MODULE, BOOTSTRAP_PREFIX, BOOTSTRAP_NS);
  }

  /** A path inside a Juniper dialect document (always XML). */
  static @Nullable Path juniper(@Nullable String codecPath) {
    return convert(codecPath, Encoding.XML, JUNIPER_MODULE, JUNIPER_PREFIX, JUNIPER_NS);
  }

  private static @Nullable Path convert(@Nullable String codecPath, Encoding encoding, String module, String prefix,
      String namespace) {
    List<String> segments = segments(codecPath);
    if (segments == null || segments.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      b.append('/');
      if (encoding == Encoding.XML) {
        b.append(prefix).append(':');
      } else if (i == 0) {
        b.append(module).append(':');
      }
      b.append(segments.get(i));
    }
    return encoding == Encoding.XML ? new Path(b.toString(), prefix, namespace) : new Path(b.toString(), null, null);
  }

  /** Node names without module prefixes, list indexes 1-based; null when the path is not one of ours. */
  private static @Nullable List<String> segments(@Nullable String path) {
    if (path == null || path.isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    if (path.startsWith("$")) {
      String rest = path.substring(1);
      if (rest.isEmpty()) {
        return out;
      }
      if (!rest.startsWith(".")) {
        return null;
      }
      for (String s : rest.substring(1).split("\\.")) {
        String seg = segment(s, 1);
        if (seg == null) {
          return null;
        }
        out.add(seg);
      }
      return out;
    }
    if (path.startsWith("/")) {
      for (String s : path.substring(1).split("/")) {
        if (s.isEmpty()) {
          continue;
        }
        String seg = segment(s, 0);
        if (seg == null) {
          return null;
        }
        out.add(seg);
      }
      return out;
    }
    return null;
  }

  /** {@code name[n]} without a module prefix, n shifted by {@code shift}; null when malformed. */
  private static @Nullable String segment(String s, int shift) {
    String name = s;
    String index = null;
    int bracket = s.indexOf('[');
    if (bracket >= 0) {
      if (!s.endsWith("]")) {
        return null;
      }
      name = s.substring(0, bracket);
      index = s.substring(bracket + 1, s.length() - 1);
    }
    name = name.substring(name.indexOf(':') + 1);
    if (name.isEmpty()) {
      return null;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
        return null;
      }
    }
    if (index == null) {
      return name;
    }
    try {
      return name + "[" + (Integer.parseInt(index) + shift) + "]";
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
