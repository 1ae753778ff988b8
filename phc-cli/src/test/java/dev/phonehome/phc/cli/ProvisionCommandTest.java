package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code phc provision} against a simulated Junos VC over NETCONF/SSH and an embedded PHS over HTTPS. */
class ProvisionCommandTest {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void provisionsTheVcFromThePhsOverNetconfAndExitsZero() throws Exception {
    TestPki pki = TestPki.create();
    VirtualChassisModel vc = VirtualChassisModel.builder().clock(Clock.systemUTC())
        .member(0, "PE3714100218", "ex4300-48p", "21.4R3.15")
        .member(1, "PE3714100219", "ex4300-48p", "21.4R3.15")
        .primary(0).build();
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    records.put("PE3714100218", OnboardingInformation.builder()
        .configuration(Bytes.utf8("<configuration><system><host-name>agent-vc</host-name></system></configuration>"))
        .build());
    try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
        PhoneHomeServer phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext())
            .bind("127.0.0.1", 0).build().start()) {
      CliRun r = provision(pki, device, "--phs", phs.url().toString());

      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("bootstrap-complete", "Provisioned from https://127.0.0.1:");
      assertThat(phs.progress().status("PE3714100218").state()).isEqualTo(DeviceState.COMPLETE);
      assertThat(vc.committedConfiguration()).isNotEmpty();
      assertThat(vc.committedConfiguration().get(vc.committedConfiguration().size() - 1).utf8())
          .contains("agent-vc");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aServerThatFailedBeforeAnotherProvisionedTheVcIsNamedWithItsError() throws Exception {
    TestPki pki = TestPki.create();
    VirtualChassisModel vc = VirtualChassisModel.builder().clock(Clock.systemUTC())
        .member(0, "PE3714100218", "ex4300-48p", "21.4R3.15").primary(0).build();
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    records.put("PE3714100218", OnboardingInformation.builder()
        .configuration(Bytes.utf8("<configuration><system><host-name>second</host-name></system></configuration>"))
        .build());
    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again at once: connecting to it is refused
    }
    try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
        PhoneHomeServer phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext())
            .bind("127.0.0.1", 0).build().start()) {
      String dead = "https://127.0.0.1:" + deadPort;

      CliRun r = provision(pki, device, "--phs", dead, "--phs", phs.url().toString());

      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("Provisioned from " + phs.url().toString().replaceAll("/$", ""));
      assertThat(r.out().lines().filter(l -> l.startsWith("  server " + dead)).toList()).singleElement()
          .asString().contains(" failed: ").containsIgnoringCase("connect");
      assertThat(r.out()).doesNotContain("refused by", "not delivered yet");
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void rfc8572AgentAuthenticatesWithTheActivationCodeFromAFile() throws Exception {
    TestPki pki = TestPki.create();
    VirtualChassisModel vc = VirtualChassisModel.builder().clock(Clock.systemUTC())
        .member(0, "PE3714100218", "ex4300-48p", "21.4R3.15").primary(0).build();
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    records.put("PE3714100218", OnboardingInformation.builder()
        .configurationHandling(dev.phonehome.phc.api.model.ConfigurationHandling.MERGE)
        .configuration(Bytes.utf8("<configuration><system><host-name>rfc-vc</host-name></system></configuration>"))
        .build());
    try (SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
        PhoneHomeServer phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext())
            .authenticator(dev.phonehome.phc.core.server.DeviceAuthentication.builder().deviceSecrets(
                dev.phonehome.phc.core.server.DeviceSecrets.of(java.util.Map.of("PE3714100218", "code 7Q2"))).build())
            .bind("127.0.0.1", 0).build().start()) {
      Path code = Files.writeString(tmp.resolve("activation-code"), "code 7Q2\n");

      CliRun r = provision(pki, device, "--phs", phs.url().toString(), "--dialect", "rfc8572",
          "--activation-code-file", code.toString());

      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      assertThat(phs.progress().status("PE3714100218").state()).isEqualTo(DeviceState.COMPLETE);
      assertThat(vc.committedConfiguration().get(vc.committedConfiguration().size() - 1).utf8()).contains("rfc-vc");
    }
  }
  /**
   * Runs {@code phc provision} against the simulated device (password, pinned host key, the test CA, one round)
   * with {@code more} arguments ({@code --phs} among them).
   */
  private CliRun provision(TestPki pki, SimulatedJunosDevice device, String... more) throws IOException {
    Path ca = Files.writeString(tmp.resolve("ca.pem"), pki.tlsCaPem());
    Path pw = Files.writeString(tmp.resolve("pw"), device.password() + "\n");
    Path knownHosts = Files.writeString(tmp.resolve("known_hosts"),
        "[" + device.host() + "]:" + device.port() + " " + PublicKeyEntry.toString(device.hostKey()) + "\n");
    List<String> args = new ArrayList<>(List.of("provision", "--host", device.host(), "--port",
        String.valueOf(device.port()), "--user", device.username(), "--password-file", pw.toString(),
        "--known-hosts", knownHosts.toString(), "--ca-file", ca.toString(), "--rounds", "1"));
    args.addAll(List.of(more));
    return CliRun.of(args.toArray(new String[0]));
  }
}
