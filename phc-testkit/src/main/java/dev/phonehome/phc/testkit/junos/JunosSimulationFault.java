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

  /**
   * The device does not know RPC {@code rpcName} (an older or smaller Junos release): it answers "syntax error"
   * naming the RPC, as Junos does for an unknown RPC. Stays until cleared.
   */
  record UnknownRpc(String rpcName) implements JunosSimulationFault {
    public UnknownRpc {
      Objects.requireNonNull(rpcName, "rpcName");
    }
  }

  /**
   * The next file received over SFTP or SCP is stored with its first byte changed (a transfer or disk error):
   * the device's own checksum must catch it before an install. Used up when it fires.
   */
  record CorruptUpload() implements JunosSimulationFault {}

  /**
   * The VC loses power in the middle of writing a file, as Junos writes files: {@code file-put} with
   * {@code <delete-if-exist/>} first deletes the old file and then writes the new one, and {@code file-copy}
   * truncates and rewrites its destination; neither is atomic. Fires on the {@code occurrence}-th write (1 = the
   * next) of {@code path} on any member (the path without an {@code fpcN:} prefix), counted from injection.
   *
   * <p>{@code bytesWritten} says what the cut leaves: {@link #AFTER_DELETE} (-1) no file at all (the old one is
   * deleted, the new one not yet created); 0 or more: a file holding the first {@code bytesWritten} bytes of the
   * new content (a truncated file). The writing RPC gets no reply, every session drops, and every member boots
   * again after the model's reboot time ({@code VirtualChassisModel.powerLoss()}). Used up when it fires.
   */
  record PowerLossDuringWrite(String path, int occurrence, long bytesWritten) implements JunosSimulationFault {
    /** The cut falls between deleting the old file and creating the new one. */
    public static final long AFTER_DELETE = -1;

    public PowerLossDuringWrite {
      Objects.requireNonNull(path, "path");
      if (occurrence < 1) {
        throw new IllegalArgumentException("occurrence must be 1 or more, was " + occurrence);
      }
      if (bytesWritten < AFTER_DELETE) {
        throw new IllegalArgumentException("bytesWritten must be -1 (after delete) or more, was " + bytesWritten);
      }
    }

    /** The next write of {@code path} loses power after deleting the old file: no file is left. */
    public static PowerLossDuringWrite afterDelete(String path) {
      return new PowerLossDuringWrite(path, 1, AFTER_DELETE);
    }

    /** The next write of {@code path} loses power after {@code bytes} bytes: a truncated file is left. */
    public static PowerLossDuringWrite afterBytes(String path, long bytes) {
      return new PowerLossDuringWrite(path, 1, bytes);
    }
  }

  /**
   * The VC loses power at the {@code occurrence}-th RPC named {@code rpcName} (1 = the next), counted from
   * injection: before it takes effect ({@code afterEffect} false) or after it took effect but before the reply
   * ({@code afterEffect} true). No reply is sent; every session drops; members boot again after the reboot time.
   * Used up when it fires.
   */
  record PowerLossOn(String rpcName, int occurrence, boolean afterEffect) implements JunosSimulationFault {
    public PowerLossOn {
      Objects.requireNonNull(rpcName, "rpcName");
      if (occurrence < 1) {
        throw new IllegalArgumentException("occurrence must be 1 or more, was " + occurrence);
      }
    }

    /** Power fails as the next {@code rpcName} arrives, before it does anything. */
    public static PowerLossOn before(String rpcName) {
      return new PowerLossOn(rpcName, 1, false);
    }

    /** The next {@code rpcName} takes effect, then power fails before the reply. */
    public static PowerLossOn after(String rpcName) {
      return new PowerLossOn(rpcName, 1, true);
    }
  }
}
