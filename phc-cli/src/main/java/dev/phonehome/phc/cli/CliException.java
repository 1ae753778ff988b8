package dev.phonehome.phc.cli;

/**
 * A failure the command reports as one clear line and an exit code, without a stack trace: bad input
 * ({@link ExitCodes#BAD_INPUT}) or a failed provisioning run ({@link ExitCodes#PROVISIONING_FAILED}).
 */
public final class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad input: the message names the input (file, option, port) and what is wrong with it. */
  public static CliException badInput(String message) {
    return new CliException(ExitCodes.BAD_INPUT, message);
  }

  public static CliException badInput(String message, Throwable cause) {
    return new CliException(ExitCodes.BAD_INPUT, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
