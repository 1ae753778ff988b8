package dev.phonehome.phc.core.client;

import dev.phonehome.phc.api.PhcException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The client gave up: the configured bound on rounds over the server list or on total time was reached. The
 * message names the last error of each server asked.
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
      return "; no server was asked";
    }
    StringBuilder sb = new StringBuilder("; last error of each server:");
    errors.forEach((server, error) -> sb.append("\n  ").append(server).append(": ").append(error));
    return sb.toString();
  }
}
