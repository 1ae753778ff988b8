package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.PhcException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client gave up: the configured bound on rounds over the server list or on total time was reached. The
 * message names the last real cause per server asked: its own error (not claimed, unreachable with the
 * network exception, a bad answer), or what failed while provisioning from it (an image download's last cause,
 * such as an {@code UnknownHostException}; a strict-mode member failure; a script or configuration error).
 */
public final class BootstrapFailedException extends PhcException {
  private static final long serialVersionUID = 1L;
  private final transient Map<String, String> lastErrors;

  public BootstrapFailedException(String reason, Map<String, String> lastErrors) {
    super(reason + describe(lastErrors));
    this.lastErrors = Map.copyOf(new LinkedHashMap<>(lastErrors));
  }

  /** Server URL to the last error it gave. */
  public Map<String, String> lastErrors() {
    return lastErrors;
  }

  private static String describe(Map<String, String> errors) {
    if (errors.isEmpty()) {
      return "; no bootstrap server could be asked";
    }
    StringBuilder sb = new StringBuilder("; last error of each server:");
    errors.forEach((server, error) -> sb.append("\n  ").append(server).append(": ").append(error));
    return sb.toString();
  }
}
