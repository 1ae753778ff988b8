package dev.phonehome.phc.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code phc demo}: everything on loopback, a simulated VC provisioned by the real engine, in seconds. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Provisions a simulated EX4300 Virtual Chassis end to end, on this machine, in seconds.",
      "It runs an embedded phone-home server over HTTPS on loopback (generated test PKI), the VC served over"
          + " NETCONF/SSH by the test kit's simulated Junos device, an image served over loopback HTTPS, and the"
          + " real client engine. Reboots run in compressed (virtual) time.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc demo                                   4 members, default mode: exit 0",
      "  phc demo --members 6 --dialect rfc8572",
      "  phc demo --mode strict --missing-member 2  strict mode, member 2 never comes",
      "                                             back: exit 1",
      "  phc demo --fail-member 3                   default mode carries on past a",
      "                                             failed install: exit 0"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the VC was provisioned", "1:provisioning failed (the summary says why)", "2:usage error",
        "4:internal error"})
final class DemoCommand implements Callable<Integer> {
  enum Mode { DEFAULT, STRICT }

  @Spec CommandSpec spec;

  @Option(names = "--members", defaultValue = "4", paramLabel = "N",
      description = "Members in the VC, 1 to 10 (default: ${DEFAULT-VALUE}).")
  int members;

  @Option(names = "--mode", defaultValue = "default", paramLabel = "MODE",
      description = "Provisioning mode the PHS asks for: default or strict (default: default).")
  Mode mode;

  @Option(names = "--dialect", defaultValue = "juniper", paramLabel = "DIALECT",
      description = "Wire dialect: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  DialectOption dialect;

  @Option(names = "--fail-member", paramLabel = "ID", description = "The image install fails on this member id.")
  Integer failMember;

  @Option(names = "--missing-member", paramLabel = "ID",
      description = "This member id never comes back after its reboot.")
  Integer missingMember;

  @Option(names = "--rounds", defaultValue = "1", paramLabel = "N",
      description = "Rounds over the server list before the engine gives up (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--plain", description = "Never redraw in place (the default when stdout is not a terminal).")
  boolean plain;

  @Override
  public Integer call() throws Exception {
    validate();
    boolean tty = !plain && spec.root().userObject() instanceof Main m && m.terminal();
    return new DemoRun(this, spec.commandLine().getOut(), tty).run();
  }

  void validate() {
    if (members < 1 || members > 10) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--members " + members + ": a Virtual Chassis has 1 to 10 members");
    }
    checkMember("--fail-member", failMember);
    checkMember("--missing-member", missingMember);
    if (rounds < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rounds " + rounds + ": must be 1 or more");
    }
  }

  private void checkMember(String option, Integer id) {
    if (id != null && (id < 0 || id >= members)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          option + " " + id + ": no such member; the demo VC has members 0 to " + (members - 1));
    }
  }
}
