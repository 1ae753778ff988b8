package dev.phonehome.phc.testkit.junos;

import java.util.Objects;

/**
 * NETCONF-level misbehaviour of a {@link SimulatedJunosDevice}. Device-level faults (an install that fails, a
 * member that never returns, a failed commit) are injected into the {@code VirtualChassisModel} instead.
 */
public sealed interface JunosSimulationFault {

  /** {@code request-package-add} replies carry no {@code package-result} (as some Junos releases do). */
  record OmitPackageResult() implements JunosSimulationFault {}

  /** Replies to RPC {@code rpcName} carry a warning-severity {@code rpc-error} with this message. */
  record Warning(String rpcName, String message) implements JunosSimulationFault {
    public Warning {
      Objects.requireNonNull(rpcName, "rpcName");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * Every message the device sends is written in pieces of at most {@code maxPieceBytes} bytes, each flushed
   * on its own, so delimiters and chunk headers are split across reads.
   */
  record SplitWrites(int maxPieceBytes) implements JunosSimulationFault {
    public SplitWrites {
      if (maxPieceBytes < 1) {
        throw new IllegalArgumentException("maxPieceBytes must be at least 1, was " + maxPieceBytes);
      }
    }
  }

  /** The device drops the session instead of answering the next {@code times} RPCs named {@code rpcName}. */
  record DropSessionOn(String rpcName, int times) implements JunosSimulationFault {
    public DropSessionOn {
      Objects.requireNonNull(rpcName, "rpcName");
    }
  }
}
