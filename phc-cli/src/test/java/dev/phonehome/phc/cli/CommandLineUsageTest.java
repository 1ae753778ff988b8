package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineUsageTest {
  @TempDir Path tmp;

  @Test
  void noCommandIsAUsageErrorNamingTheCommands() {
    CliRun r = CliRun.of();
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("Missing command: choose one of demo, serve, status, provision");
  }

  @Test
  void topLevelHelpListsEveryCommandExamplesAndExitCodes() {
    CliRun r = CliRun.of("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("demo", "serve", "status", "provision", "Examples:", "Exit codes:",
        "3   bad input");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "serve", "status", "provision"})
  void everyCommandHasHelpWithAnExampleAndExitCodes(String command) {
    CliRun r = CliRun.of(command, "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: phc " + command, "Examples:", "  phc " + command, "Exit codes:");
  }

  @Test
  void helpCommandShowsACommandsHelp() {
    CliRun r = CliRun.of("help", "serve");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: phc serve", "--records=DIR");
  }

  @Test
  void versionPrintsTheProjectVersion() {
    CliRun r = CliRun.of("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("phc ").doesNotContain("${project.version}").doesNotContain("unknown");
  }

  @Test
  void unknownOptionIsAUsageErrorWithAPointerToHelp() {
    CliRun r = CliRun.of("demo", "--memebers", "3");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("phc demo: Unknown options: '--memebers', '3'", "Possible solutions: --members", "Run 'phc demo --help' for usage.");
  }

  @Test
  void unknownCommandSuggestsTheClosestOne() {
    CliRun r = CliRun.of("serv");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("serv").contains("serve");
  }

  @Test
  void demoRejectsAMemberCountAVirtualChassisCannotHave() {
    CliRun r = CliRun.of("demo", "--members", "11");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--members 11: a Virtual Chassis has 1 to 10 members");
  }

  @Test
  void demoRejectsAFailMemberOutsideTheVc() {
    CliRun r = CliRun.of("demo", "--members", "3", "--fail-member", "3");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--fail-member 3: no such member; the demo VC has members 0 to 2");
  }

  @Test
  void demoRejectsAnUnknownModeListingTheValidOnes() {
    CliRun r = CliRun.of("demo", "--mode", "lenient");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--mode", "lenient", "DEFAULT", "STRICT");
  }

  @Test
  void demoRejectsAnUnknownDialect() {
    CliRun r = CliRun.of("demo", "--dialect", "netconf");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--dialect", "netconf", "juniper", "rfc8572");
  }

  @Test
  void serveWithoutRecordsIsAUsageError() {
    CliRun r = CliRun.of("serve");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("give --records DIR (records from files), or --database URL (records from the"
        + " database), or both");
  }

  @Test
  void serveWithAMissingRecordsDirIsBadInputNamingTheDir() {
    Path missing = tmp.resolve("no-such-dir");
    CliRun r = CliRun.of("serve", "--records", missing.toString(), "--port", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("phc serve: --records " + missing + ": directory does not exist");
  }

  @Test
  void serveWithAFileAsRecordsDirIsBadInput() throws IOException {
    Path file = Files.writeString(tmp.resolve("records.txt"), "x");
    CliRun r = CliRun.of("serve", "--records", file.toString(), "--port", "0");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--records " + file + ": not a directory");
  }

  /**
   * Root ignores file permissions (CI runs as root): there the CLI runs in a JVM without the capabilities that
   * allow it ({@code setpriv}, util-linux), so the check is the same for every user.
   */
  @Test
  void serveWithAnUnreadableRecordsDirIsBadInput() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("locked"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("---------"));
    try {
      CliRun r;
      if (!Files.isReadable(dir)) {
        r = CliRun.of("serve", "--records", dir.toString(), "--port", "0");
      } else {
        boolean setpriv = CliRun.setprivAvailable();
        if ("true".equals(System.getenv("CI"))) {
          assertThat(setpriv).as("running as root: setpriv (util-linux) is needed to drop the permission override"
              + " in CI").isTrue();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(setpriv, "running as root without setpriv");
        r = CliRun.withFilePermissionsEnforced(tmp, "serve", "--records", dir.toString(), "--port", "0");
      }
      assertThat(r.exitCode()).as("exit code; stderr %s", r.err()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("--records " + dir + ": directory is not readable");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void serveWithOnlyACertificateAndNoKeyIsAUsageError() throws IOException {
    Path cert = Files.writeString(tmp.resolve("c.pem"), "x");
    CliRun r = CliRun.of("serve", "--records", tmp.toString(), "--tls-cert", cert.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void serveWithAPortOutOfRangeIsAUsageError() {
    CliRun r = CliRun.of("serve", "--records", tmp.toString(), "--port", "70000");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--port 70000: must be 0 to 65535");
  }

  @Test
  @Timeout(10)
  void serveOnAPortInUseIsBadInputNamingThePort() throws IOException {
    try (ServerSocket busy = new ServerSocket()) {
      busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = busy.getLocalPort();
      Files.createDirectories(tmp.resolve("records"));
      CliRun r = CliRun.of("serve", "--records", tmp.resolve("records").toString(), "--port", String.valueOf(port));
      assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("--port " + port + ": cannot listen on 127.0.0.1:" + port, "port in use");
    }
  }

  @Test
  void serveWithAPemFileThatIsNotPemIsBadInputNamingTheFile() throws IOException {
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "this is not a certificate\n");
    Path key = Files.writeString(tmp.resolve("key.pem"), "nor a key\n");
    Files.createDirectories(tmp.resolve("records"));
    CliRun r = CliRun.of("serve", "--records", tmp.resolve("records").toString(), "--port", "0",
        "--tls-cert", cert.toString(), "--tls-key", key.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--tls-cert " + cert + ": no PEM block found");
  }

  @Test
  void serveWithATruncatedCertificateIsBadInput() throws IOException {
    Path cert = Files.writeString(tmp.resolve("cert.pem"),
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n");
    Path key = Files.writeString(tmp.resolve("key.pem"), "x\n");
    Files.createDirectories(tmp.resolve("records"));
    CliRun r = CliRun.of("serve", "--records", tmp.resolve("records").toString(), "--port", "0",
        "--tls-cert", cert.toString(), "--tls-key", key.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--tls-cert " + cert + ": not valid PEM");
  }

  @Test
  void statusNeedsAServer() {
    CliRun r = CliRun.of("status");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("Missing required option: '--server=URL'");
  }

  @Test
  void statusWithANonHttpsUrlIsBadInput() {
    CliRun r = CliRun.of("status", "--server", "ftp://phs");
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--server ftp://phs: must start with https://");
  }

  @Test
  void provisionNeedsExactlyOneOfPasswordFileAndKey() throws IOException {
    Path pw = Files.writeString(tmp.resolve("pw"), "secret\n");
    CliRun none = CliRun.of("provision", "--host", "h", "--user", "u", "--phs", "https://phs");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err()).contains("--password-file=FILE", "--key=FILE");
    CliRun both = CliRun.of("provision", "--host", "h", "--user", "u", "--phs", "https://phs",
        "--password-file", pw.toString(), "--key", pw.toString());
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void provisionWithAMissingPasswordFileIsBadInput() {
    Path pw = tmp.resolve("missing-pw");
    CliRun r = CliRun.of("provision", "--host", "h", "--user", "u", "--phs", "https://phs",
        "--password-file", pw.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--password-file " + pw + ": file does not exist");
  }

  @Test
  void provisionWithABadPhsUrlIsBadInput() throws IOException {
    Path pw = Files.writeString(tmp.resolve("pw"), "secret\n");
    CliRun r = CliRun.of("provision", "--host", "h", "--user", "u", "--phs", "phs.example.net",
        "--password-file", pw.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--phs phs.example.net: must start with https://");
  }
}
