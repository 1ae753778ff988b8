package dev.phonehome.phc.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code phc provision}: the off-box agent that provisions a real VC over NETCONF/SSH with the client engine. */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Provisions a Virtual Chassis over NETCONF/SSH from this machine (the off-box agent).",
      "It asks the phone-home server(s) for the VC's bootstrap data and runs the same engine the device would"
          + " run.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc provision --host 192.0.2.10 --user lab --password-file ~/.phc/pw \\",
      "      --phs https://phs.example.net:8443",
      "  phc provision --host vc1 --user lab --key ~/.ssh/id_ed25519 \\",
      "      --phs https://phs1:8443 --phs https://phs2:8443 \\",
      "      --dialect rfc8572 --rounds 3"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:provisioned", "1:provisioning failed", "2:usage error",
        "3:bad input (password/key file, URL)", "4:internal error"})
final class ProvisionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--host", required = true, paramLabel = "HOST", description = "The VC's management address.")
  String host;

  @Option(names = "--port", defaultValue = "830", paramLabel = "PORT",
      description = "NETCONF over SSH port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--user", required = true, paramLabel = "USER", description = "SSH user.")
  String user;

  static final class Credentials {
    @Option(names = "--password-file", paramLabel = "FILE",
        description = "File whose first line is the SSH password.")
    Path passwordFile;

    @Option(names = "--key", paramLabel = "FILE", description = "SSH private key file (OpenSSH or PEM).")
    Path keyFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Credentials credentials;

  @Option(names = "--phs", required = true, paramLabel = "URL",
      description = "Phone-home server URL; repeat for a list, tried in order (a redirect server works too).")
  java.util.List<String> phs;

  @Option(names = "--dialect", defaultValue = "juniper", paramLabel = "DIALECT",
      description = "Wire dialect: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  DialectOption dialect;

  @Option(names = "--rounds", defaultValue = "0", paramLabel = "N",
      description = "Rounds over the server list before giving up; 0 = unlimited (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--trust-fingerprint", paramLabel = "SHA256",
      description = "Trust a PHS whose certificate has this SHA-256 fingerprint (self-signed 'phc serve').")
  java.util.List<String> trustFingerprints = new java.util.ArrayList<>();

  @Option(names = "--ca-file", paramLabel = "PEM",
      description = "Trust PHS certificates issued by these CA certificates (PEM) instead of the system trust store.")
  Path caFile;

  @Option(names = "--known-hosts", paramLabel = "FILE",
      description = "OpenSSH known_hosts file that must list the VC's SSH host key (default: ~/.ssh/known_hosts).")
  Path knownHosts;

  @Option(names = "--insecure-accept-any-host-key",
      description = "Accept any SSH host key (labs only: a man in the middle could read the configuration).")
  boolean acceptAnyHostKey;

  @Option(names = "--member-detection-timeout", defaultValue = "PT10M", paramLabel = "DURATION",
      description = "How long to wait for rebooted members to come back, ISO-8601 (default: ${DEFAULT-VALUE}).")
  java.time.Duration memberDetectionTimeout;

  @Option(names = "--detection-poll", defaultValue = "PT15S", paramLabel = "DURATION",
      description = "How often to look for members while waiting, ISO-8601 (default: ${DEFAULT-VALUE}).")
  java.time.Duration detectionPoll;

  @Option(names = "--serial", paramLabel = "SERIAL",
      description = "Serial to present to the PHS (default: the VC primary's serial, read from the device).")
  String serial;

  @Option(names = "--activation-code-file", paramLabel = "FILE",
      description = "The device's activation code (first line), sent as HTTP Basic password to the PHS: the"
          + " per-device secret an RFC 8572 server (phc serve --device-secrets, sztpd) authenticates it with.")
  java.nio.file.Path activationCodeFile;

  @Option(names = "--unauthorized-means-not-claimed",
      description = "Read HTTP 401 to a bootstrap request as 'not claimed yet, keep polling' (sztpd answers 401 for"
          + " a device it does not know).")
  boolean unauthorizedMeansNotClaimed;
  @Option(names = "--override-start-conditions", paramLabel = "REASON",
      description = "Start even when the VC does not meet phone-home's start conditions (factory-default"
          + " configuration, not mixed mode, a ring of dedicated or default VCPs); the reason is logged and reported"
          + " to the PHS with what did not hold.")
  String overrideStartConditions;

  @Override
  public Integer call() {
    validate();
    return Provisioning.runAgent(this, spec.commandLine().getOut());
  }

  void validate() {
    if (port < 1 || port > 65535) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--port " + port + ": must be 1 to 65535");
    }
    if (overrideStartConditions != null && overrideStartConditions.isBlank()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--override-start-conditions needs a reason (it is logged and reported to the PHS)");
    }
    if (rounds < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rounds " + rounds + ": must be 0 or more");
    }
    if (memberDetectionTimeout.isNegative() || memberDetectionTimeout.isZero()
        || detectionPoll.isNegative() || detectionPoll.isZero()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--member-detection-timeout and --detection-poll must be positive durations such as PT10M or PT15S");
    }
    for (String p : phs) {
      Inputs.serverUrl("--phs", p);
    }
    if (caFile != null && !trustFingerprints.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--ca-file and --trust-fingerprint are alternatives: give one");
    }
    if (knownHosts != null && acceptAnyHostKey) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--known-hosts and --insecure-accept-any-host-key are alternatives: give one");
    }
    if (knownHosts != null) {
      Inputs.readableFile("--known-hosts", knownHosts);
    }
    if (caFile != null) {
      Inputs.readableFile("--ca-file", caFile);
    }
    if (credentials.passwordFile != null) {
      Inputs.readableFile("--password-file", credentials.passwordFile);
    } else {
      Inputs.readableFile("--key", credentials.keyFile);
    }
  }
}
