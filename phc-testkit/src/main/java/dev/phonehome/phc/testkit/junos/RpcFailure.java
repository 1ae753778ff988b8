package dev.phonehome.phc.testkit.junos;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An RPC fails the way Junos reports it: an {@code <rpc-error>} with error-type, error-tag, severity, message and,
 * where Junos names one, the {@code bad-element} and {@code error-path}. Handlers throw it; the dispatcher turns it
 * into the reply. The message is the device's, never the simulator's.
 */
final class RpcFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String type;
  private final String tag;
  private final @Nullable String badElement;
  private final @Nullable String errorPath;
  /** Element that wraps the error in the reply (e.g. {@code load-configuration-results}), or null. */
  private final @Nullable String wrapper;
  /** Extra {@code error-info} children, as XML (e.g. {@code <session-id>}), or empty. */
  private final String info;
  /** Further errors reported in the same reply (commit check reports every problem). */
  private final List<RpcFailure> more;

  RpcFailure(String type, String tag, String message, @Nullable String badElement, @Nullable String errorPath,
      @Nullable String wrapper) {
    this(type, tag, message, badElement, errorPath, wrapper, "", List.of());
  }

  private RpcFailure(String type, String tag, String message, @Nullable String badElement,
      @Nullable String errorPath, @Nullable String wrapper, String info, List<RpcFailure> more) {
    super(message, null, false, false);
    this.type = type;
    this.tag = tag;
    this.badElement = badElement;
    this.errorPath = errorPath;
    this.wrapper = wrapper;
    this.info = info;
    this.more = List.copyOf(more);
  }

  /** Junos' most common shape: error-type protocol, error-tag operation-failed. */
  static RpcFailure failed(String message) {
    return new RpcFailure("protocol", "operation-failed", message, null, null, null);
  }

  /** An element (an RPC, a command word, a statement) Junos does not know: "syntax error" naming it. */
  static RpcFailure syntax(String badElement) {
    return new RpcFailure("protocol", "operation-failed", "syntax error", badElement, null, null);
  }

  /** A required argument is missing: Junos says which. */
  static RpcFailure missing(String element) {
    return new RpcFailure("protocol", "operation-failed", "missing mandatory argument", element, null, null);
  }

  RpcFailure withPath(@Nullable String path) {
    return new RpcFailure(type, tag, getMessage(), badElement, path, wrapper, info, more);
  }

  RpcFailure wrappedIn(String element) {
    return new RpcFailure(type, tag, getMessage(), badElement, errorPath, element, info, more);
  }

  RpcFailure withInfo(String infoXml) {
    return new RpcFailure(type, tag, getMessage(), badElement, errorPath, wrapper, infoXml, more);
  }

  String tag() {
    return tag;
  }

  /** The {@code <rpc-error>} element(s), wrapped when the RPC's results element carries them on Junos. */
  String toXml() {
    StringBuilder e = new StringBuilder(rpcError(type, tag, "error", getMessage(), badElement, errorPath, info));
    for (RpcFailure f : more) {
      e.append('\n').append(rpcError(f.type, f.tag, "error", f.getMessage(), f.badElement, f.errorPath, f.info));
    }
    return wrapper == null ? e.toString() : "<" + wrapper + ">\n" + e + "\n</" + wrapper + ">";
  }

  static String rpcError(String type, String tag, String severity, String message, @Nullable String badElement,
      @Nullable String errorPath) {
    return rpcError(type, tag, severity, message, badElement, errorPath, "");
  }

  static String rpcError(String type, String tag, String severity, String message, @Nullable String badElement,
      @Nullable String errorPath, String info) {
    StringBuilder b = new StringBuilder("<rpc-error>\n<error-type>").append(type).append("</error-type>\n")
        .append("<error-tag>").append(tag).append("</error-tag>\n")
        .append("<error-severity>").append(severity).append("</error-severity>\n");
    if (errorPath != null) {
      b.append("<error-path>").append(SimXml.esc(errorPath)).append("</error-path>\n");
    }
    b.append("<error-message>\n").append(SimXml.esc(message)).append("\n</error-message>\n");
    if (badElement != null || !info.isEmpty()) {
      b.append("<error-info>\n");
      if (badElement != null) {
        b.append("<bad-element>").append(SimXml.esc(badElement)).append("</bad-element>\n");
      }
      b.append(info).append("</error-info>\n");
    }
    return b.append("</rpc-error>").toString();
  }

  /** Several failures reported in one reply (commit check names every problem). */
  static RpcFailure all(List<RpcFailure> failures) {
    RpcFailure first = failures.get(0);
    return new RpcFailure(first.type, first.tag, first.getMessage(), first.badElement, first.errorPath,
        first.wrapper, first.info, failures.subList(1, failures.size()));
  }
}
