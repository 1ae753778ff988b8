package dev.phonehome.phc.api.device;

/** When a script runs (SPEC 4.3). */
public enum ScriptPhase {
  PRE_CONFIGURATION,
  POST_CONFIGURATION
}
