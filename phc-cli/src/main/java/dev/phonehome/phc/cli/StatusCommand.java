package dev.phonehome.phc.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code phc status}: the fleet as a phone-home server sees it, or one device's timeline. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Shows what a phone-home server knows, read from its admin JSON API.",
      "The server must run with 'phc serve --admin-token-file F'. Shows the fleet as a table (serial, state,"
          + " phase, last notification, age), with SERIAL the timeline of one device, with --unclaimed the serials"
          + " that poll without a record. --server may be the server's device URL: it points a request that"
          + " carries the token to its admin port.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc status --server https://127.0.0.1:8443 --token-file admin.token \\",
      "      --insecure-fingerprint 3A:F1:...:09",
      "  PHC_ADMIN_TOKEN=... phc status --server https://phs.example.net:8443 \\",
      "      PE3714100218",
      "  phc status --server https://phs.example.net:8443 --token-file admin.token \\",
      "      --unclaimed"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "2:usage error", "3:server unreachable, token refused, or serial unknown", "4:internal error"})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", required = true, paramLabel = "URL",
      description = "Base URL: https://phs.example.net:8443 for example.")
  String server;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File whose first line is the admin token (or set PHC_ADMIN_TOKEN).")
  java.nio.file.Path tokenFile;

  /** Refused: a token on the command line is visible to every user of the machine. */
  @Option(names = "--token", hidden = true, paramLabel = "TOKEN")
  String tokenOnCommandLine;

  @Option(names = "--unclaimed", description = "List the unclaimed inbox: serials that polled but have no record.")
  boolean unclaimed;

  @Option(names = "--insecure-fingerprint", paramLabel = "SHA256",
      description = "Trust exactly the server certificate with this SHA-256 fingerprint (as 'phc serve' prints it),"
          + " instead of the system trust store. For self-signed servers.")
  String fingerprint;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERIAL", description = "Show this device's timeline.")
  String serial;

  @Override
  public Integer call() {
    if (tokenOnCommandLine != null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--token: a token on the command line is visible to every user (ps); put it in a file (--token-file FILE)"
              + " or in the environment variable " + ServeCommand.ADMIN_TOKEN_ENV);
    }
    String token = null;
    if (tokenFile != null) {
      token = Inputs.passwordFrom("--token-file", tokenFile).strip();
    } else if (System.getenv(ServeCommand.ADMIN_TOKEN_ENV) != null) {
      token = System.getenv(ServeCommand.ADMIN_TOKEN_ENV).strip();
    }
    AdminClient client = new AdminClient(Inputs.serverUrl("--server", server), token, fingerprint);
    StatusView view = new StatusView(spec.commandLine().getOut(), java.time.Clock.systemUTC());
    if (unclaimed) {
      view.printUnclaimed(client.unclaimed());
    } else if (serial == null) {
      view.printFleet(client.fleet());
    } else {
      view.printTimeline(client.device(serial));
    }
    return ExitCodes.OK;
  }
}
