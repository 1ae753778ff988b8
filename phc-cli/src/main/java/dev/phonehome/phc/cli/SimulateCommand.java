package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code phc simulate}: a simulated Junos Virtual Chassis on a fixed port, in real time, until Ctrl-C, for your
 * own tools (PyEZ, ncclient, Ansible, an NMS) as well as {@code phc provision}.
 */
@Command(
    name = "simulate",
    description = {
      "Runs a simulated EX Virtual Chassis that speaks NETCONF over SSH, until Ctrl-C.",
      "It speaks Junos RPCs and base NETCONF (both framings), SFTP and SCP. Point your own tools at it: Juniper"
          + " PyEZ, ncclient, an NMS, or 'phc provision'. Members reboot in real time (--reboot-seconds); installs,"
          + " rollbacks and the configuration behave as on a VC. It prints the host key fingerprint and the"
          + " credentials to use.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  phc simulate                     4 x ex4300-48p on 127.0.0.1:8830, user phc",
      "  phc simulate --members 2 --port 2222 --user lab --password lab123",
      "  phc simulate --bind 0.0.0.0 --model ex4300-24t --version 21.4R3.15"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped (Ctrl-C)", "2:usage error", "3:the port is in use or the address cannot be bound",
        "4:internal error"})
final class SimulateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Not mixinStandardHelpOptions: its --version would clash with the Junos --version below (and picocli then
  // dropped --help too).
  @picocli.CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--members", defaultValue = "4", paramLabel = "N",
      description = "Members in the VC, 1 to 10 (default: ${DEFAULT-VALUE}); member 0 starts as primary, 1 as backup.")
  int members;

  @Option(names = "--model", defaultValue = "ex4300-48p", paramLabel = "MODEL",
      description = "Every member's model (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--version", defaultValue = "20.4R3.8", paramLabel = "JUNOS",
      description = "Junos release (default: ${DEFAULT-VALUE}).")
  String version;

  @Option(names = "--port", defaultValue = "8830", paramLabel = "PORT",
      description = "TCP port for NETCONF, SFTP and SCP (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String bind;

  @Option(names = "--user", defaultValue = "phc", paramLabel = "USER", description = "Login (default: ${DEFAULT-VALUE}).")
  String user;

  @Option(names = "--password", defaultValue = "phc-lab-password", paramLabel = "PASSWORD",
      description = "Password (default: ${DEFAULT-VALUE}).")
  String password;

  @Option(names = "--host-name", defaultValue = "vc-sim", paramLabel = "NAME",
      description = "Host name until one is committed (default: ${DEFAULT-VALUE}).")
  String hostName;

  @Option(names = "--reboot-seconds", defaultValue = "20", paramLabel = "S",
      description = "How long a member takes to reboot (default: ${DEFAULT-VALUE}).")
  int rebootSeconds;

  @Option(names = "--serial-prefix", defaultValue = "PE37141002", paramLabel = "PREFIX",
      description = "Serial numbers are PREFIX plus two digits per member (default: ${DEFAULT-VALUE}).")
  String serialPrefix;

  /** Released by Ctrl-C (the shutdown hook) or, in tests, by interrupting the command's thread. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    if (members < 1 || members > 10) {
      throw new ParameterException(spec.commandLine(), "--members must be 1 to 10, was " + members);
    }
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535, was " + port);
    }
    if (rebootSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--reboot-seconds must be at least 1, was " + rebootSeconds);
    }
    VirtualChassisModel.Builder b = VirtualChassisModel.builder().clock(Clock.systemUTC())
        .rebootTime(Duration.ofSeconds(rebootSeconds)).roleSettleTime(Duration.ofSeconds(Math.max(1, rebootSeconds / 4)));
    for (int i = 0; i < members; i++) {
      b.member(i, String.format(Locale.ROOT, "%s%02d", serialPrefix, i), model, version);
    }
    b.primary(0);
    if (members > 1) {
      b.backup(1);
    }
    VirtualChassisModel vc = b.build();
    SimulatedJunosDevice device;
    try {
      device = SimulatedJunosDevice.builder(vc).bindAddress(bind).port(port).credentials(user, password)
          .hostName(hostName).start();
    } catch (UncheckedIOException e) {
      throw CliException.badInput("--port " + port + " on " + bind + ": " + e.getCause().getMessage()
          + " (choose another --port, or 0 for any free port)", e);
    }
    Thread hook = new Thread(() -> {
      device.close();
      stopped.countDown();
    }, "phc-simulate-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    printHowToConnect(out, device, vc);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      device.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running
      }
    }
    out.println("Stopped.");
    out.flush();
    return ExitCodes.OK;
  }

  private void printHowToConnect(PrintWriter out, SimulatedJunosDevice device, VirtualChassisModel vc) {
    String host = device.host();
    int p = device.port();
    out.printf(Locale.ROOT, "Simulated Virtual Chassis: %d x %s, Junos %s, host name %s%n", members, model, version,
        hostName);
    for (VcMember m : vc.members()) {
      out.printf(Locale.ROOT, "  member %d  serial %s  %s%n", m.memberId(), m.serialNumber(),
          m.role() == null ? "" : m.role().toString().toLowerCase(Locale.ROOT));
    }
    out.printf(Locale.ROOT, "NETCONF over SSH (subsystem netconf), SFTP and SCP on %s:%d%n", bind, p);
    out.printf(Locale.ROOT, "  user      %s%n", user);
    out.printf(Locale.ROOT, "  password  %s%n", password);
    out.printf(Locale.ROOT, "  host key  %s%n", device.hostKeyFingerprint());
    out.printf(Locale.ROOT, "  known_hosts line:%n    %s%n", device.knownHostsLine());
    out.println("Connect with:");
    out.printf(Locale.ROOT, "  ssh -p %d %s@%s -s netconf%n", p, user, host);
    out.printf(Locale.ROOT, "  python3 -c \"from jnpr.junos import Device; d = Device(host='localhost', port=%d, "
        + "user='%s', passwd='%s').open(); print(d.facts)\"%n", p, user, password);
    out.printf(Locale.ROOT, "  phc provision --host %s --port %d --user %s --password-file FILE --known-hosts FILE "
        + "--phs URL%n", host, p, user);
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }
}
