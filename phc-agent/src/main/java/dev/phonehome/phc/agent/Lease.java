package dev.phonehome.phc.agent;

import org.jspecify.annotations.Nullable;

/**
 * A claim an agent holds on one VC: the VC's row id, and the generation that fences every later write (renewal,
 * completion, failure, release): a write with a generation that is no longer the VC's current one changes nothing.
 */
record Lease(long vcId, long generation, VcTarget target, int attempt, @Nullable String takenOverFrom) {
  String name() {
    return target.name();
  }

  @Override
  public String toString() {
    return target.name() + "#" + generation;
  }
}
