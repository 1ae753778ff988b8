package dev.phonehome.phc.agent;

import java.util.Locale;

/** Where a VC is in the {@link AgentWorkQueue}. */
public enum VcState {
  /** Waiting for an agent (first time, or a retry after its backoff). */
  QUEUED,
  /** Claimed: an agent holds its lease and drives it (or held it, until the lease expires). */
  RUNNING,
  /** The engine completed the phone-home process (or found it completed on the device). */
  COMPLETED,
  /** Every attempt failed; {@link AgentWorkQueue#retry(String)} puts it back. */
  FAILED,
  /** An operator cancelled it; {@link AgentWorkQueue#retry(String)} puts it back. */
  CANCELLED;

  /** The name stored in the database. */
  String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static VcState ofSql(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
