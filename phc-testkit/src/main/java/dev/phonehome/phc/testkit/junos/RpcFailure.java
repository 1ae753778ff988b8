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

  RpcFailure(String type, String tag, String message, @Nullable String badElement, @Nullable String errorPath,
      @Nullable String wrapper) {
    super(message, null, false, false);
    this.type = type;
    this.tag = tag;
    this.badElement = badElement;
    this.errorPath = errorPath;
    this.wrapper = wrapper;
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
    return new RpcFailure(type, tag, getMessage(), badElement, path, wrapper);
  }

  RpcFailure wrappedIn(String element) {
    return new RpcFailure(type, tag, getMessage(), badElement, errorPath, element);
  }

  RpcFailure withTag(String newType, String newTag) {
    return new RpcFailure(newType, newTag, getMessage(), badElement, errorPath, wrapper);
  }

  String tag() {
    return tag;
  }

  /** The {@code <rpc-error>} element(s), wrapped when the RPC's results element carries them on Junos. */
  String toXml() {
    String e = rpcError(type, tag, "error", getMessage(), badElement, errorPath);
    return wrapper == null ? e : "<" + wrapper + ">\n" + e + "\n</" + wrapper + ">";
  }

  static String rpcError(String type, String tag, String severity, String message, @Nullable String badElement,
      @Nullable String errorPath) {
    StringBuilder b = new StringBuilder("<rpc-error>\n<error-type>").append(type).append("</error-type>\n")
        .append("<error-tag>").append(tag).append("</error-tag>\n")
        .append("<error-severity>").append(severity).append("</error-severity>\n");
    if (errorPath != null) {
      b.append("<error-path>").append(SimXml.esc(errorPath)).append("</error-path>\n");
    }
    b.append("<error-message>\n").append(SimXml.esc(message)).append("\n</error-message>\n");
    if (badElement != null) {
      b.append("<error-info>\n<bad-element>").append(SimXml.esc(badElement)).append("</bad-element>\n</error-info>\n");
    }
    return b.append("</rpc-error>").toString();
  }

  /** Several failures in one reply (load-configuration reports every bad statement). */
  static String all(List<RpcFailure> failures) {
    StringBuilder b = new StringBuilder();
    for (RpcFailure f : failures) {
      b.append(rpcError(f.type, f.tag, "error", f.getMessage(), f.badElement, f.errorPath)).append('\n');
    }
    return b.toString();
  }
}
