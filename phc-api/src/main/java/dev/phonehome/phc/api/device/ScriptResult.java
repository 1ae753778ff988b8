package dev.phonehome.phc.api.device;

import java.util.Objects;

/** The outcome of a script: exit status 0 is success; output is kept for the report. */
public record ScriptResult(int exitStatus, String output) {
  public ScriptResult {
    Objects.requireNonNull(output, "output");
  }

  public boolean succeeded() {
    return exitStatus == 0;
  }
}
