package dev.phonehome.phc.cli;

/**
 * The exit codes of every {@code phc} command. They are part of the command line's contract: scripts may
 * branch on them.
 */
public final class ExitCodes {
  /** The command did what was asked (for {@code demo} and {@code provision}: the device was provisioned). */
  public static final int OK = 0;
  /** Provisioning ran and failed (the engine gave up, or every round over the server list failed). */
  public static final int PROVISIONING_FAILED = 1;
  /** The command line itself is wrong: unknown option, missing argument, bad value. */
  public static final int USAGE = 2;
  /**
   * The command line is well formed but an input is bad: a records directory that is missing or unreadable, a
   * record that does not parse, a port in use, a PEM file that is not a certificate or key, a server that
   * cannot be reached or refuses the token.
   */
  public static final int BAD_INPUT = 3;
  /** A bug or an unexpected failure inside phc; the message and stack trace say where. */
  public static final int INTERNAL = 4;

  private ExitCodes() {}
}
