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
      "Shows what a phone-home server knows, read from its admin JSON API (started with",
      "'phc serve --admin-token T'): the fleet as a table (serial, state, phase, last notification, age),",
      "or with SERIAL the timeline of one device.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc status --server https://127.0.0.1:8443 --token s3cret --insecure-fingerprint 3A:F1:...:09",
      "  phc status --server https://127.0.0.1:8443 --token s3cret PE3714100218"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ok", "2:usage error", "3:server unreachable, token refused, or serial unknown", "4:internal error"})
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--server", required = true, paramLabel = "URL",
      description = "The server's base URL, for example https://phs.example.net:8443.")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN", description = "The admin token the server was started with.")
  String token;

  @Option(names = "--insecure-fingerprint", paramLabel = "SHA256",
      description = "Trust exactly the server certificate with this SHA-256 fingerprint (as 'phc serve' prints it),"
          + " instead of the system trust store. For self-signed servers.")
  String fingerprint;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SERIAL", description = "Show this device's timeline.")
  String serial;

  @Override
  public Integer call() {
    AdminClient client = new AdminClient(Inputs.serverUrl("--server", server), token, fingerprint);
    StatusView view = new StatusView(spec.commandLine().getOut(), java.time.Clock.systemUTC());
    if (serial == null) {
      view.printFleet(client.fleet());
    } else {
      view.printTimeline(client.device(serial));
    }
    return ExitCodes.OK;
  }
}
