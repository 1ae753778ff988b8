package dev.phonehome.phc.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * Entry point of {@code java -jar phc-cli/target/phc.jar}: the {@code phc} command with its subcommands
 * {@code demo}, {@code serve}, {@code status}, {@code provision} and {@code simulate}.
 */
@Command(
    name = "phc",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Phone-home (zero-touch) provisioning of Juniper-style Virtual Chassis.",
      ""
    },
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      StatusCommand.class,
      RecordsCommand.class,
      ProvisionCommand.class,
      AgentCommand.class,
      SimulateCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc demo                      watch a 4-member VC being provisioned in seconds",
      "  phc serve --records ./records run a phone-home server for real devices",
      "  phc status --server https://phs:8443 --token-file admin.token",
      "  phc provision --host 192.0.2.10 --user lab --password-file pw.txt \\",
      "                --phs https://phs:8443",
      "  phc agent run --credentials-dir DIR \\",
      "      --database jdbc:postgresql://db/phc   an agent on a shared VC queue",
      "  phc simulate --port 8830      a simulated Junos VC for your own tools",
      "",
      "Run 'phc COMMAND --help' for the options of one command."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:provisioning failed",
      "2:usage error (unknown option, missing or bad argument)",
      "3:bad input (records dir, record, PEM file, port in use, server unreachable)",
      "4:internal error"
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  private final boolean terminal;

  private Main(boolean terminal) {
    this.terminal = terminal;
  }

  /** Whether stdout is an interactive terminal (live displays redraw in place only then). */
  boolean terminal() {
    return terminal;
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "Missing command: choose one of demo, serve, status, provision, agent, records, simulate");
  }

  public static void main(String[] args) {
    quietLogging(args);
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code;
    try {
      code = commandLine(out, err, System.console() != null).execute(args);
    } catch (Throwable t) {
      // Errors (NoClassDefFoundError, OutOfMemoryError) are not handed to the execution exception handler.
      err.println("phc: internal error: " + t);
      t.printStackTrace(err);
      code = ExitCodes.INTERNAL;
    }
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * The {@code phc} command line writing to {@code out} and {@code err}, with phc's exit codes and error
   * handling ({@link ExitCodes}). Tests call {@code commandLine(out, err).execute(args)}.
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, false);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean terminal) {
    CommandLine cl = new CommandLine(new Main(terminal));
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Main::handleParameterException);
    cl.setExecutionExceptionHandler(Main::handleExecutionException);
    verbatimFooters(cl);
    return cl;
  }

  /**
   * Examples are printed as written, never re-wrapped: they are laid out to fit 80 columns with shell line
   * continuations, and a URL longer than a line stays whole (copy-paste works) instead of breaking at a colon.
   */
  private static void verbatimFooters(CommandLine cl) {
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER, help -> {
      StringBuilder sb = new StringBuilder();
      for (String line : help.commandSpec().usageMessage().footer()) {
        sb.append(line).append(System.lineSeparator());
      }
      return sb.toString();
    });
    for (CommandLine sub : cl.getSubcommands().values()) {
      verbatimFooters(sub);
    }
  }

  /**
   * Library logs (Jetty, SSHD, phc) at WARN unless the user set {@code -Dorg.slf4j.simpleLogger.defaultLogLevel}:
   * the commands print what a person needs; logs are for trouble.
   */
  static void quietLogging(String[] args) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
      if (args.length > 0 && args[0].equals("demo")) {
        // The demo shows every notification and failure itself; engine warnings would only repeat them.
        System.setProperty("org.slf4j.simpleLogger.log.dev.phonehome", "error");
      }
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));
  }

  private static int handleParameterException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(qualifiedName(cl) + ": " + ex.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Run '" + qualifiedName(cl) + " --help' for usage.");
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
    PrintWriter err = cl.getErr();
    if (ex instanceof CliException c) {
      err.println(qualifiedName(cl) + ": " + c.getMessage());
      err.flush();
      return c.exitCode();
    }
    err.println(qualifiedName(cl) + ": internal error: " + ex);
    ex.printStackTrace(err);
    err.flush();
    return ExitCodes.INTERNAL;
  }

  private static String qualifiedName(CommandLine cl) {
    return cl.getCommandSpec().qualifiedName();
  }
}
