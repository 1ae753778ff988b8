package dev.phonehome.phc.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients built from one builder share one HTTP client; that sharing must never change what a client does:
 * closing one leaves the others working, and a TLS setting changed after a build applies to the next client.
 */
@Timeout(60)
class ClientsOfOneBuilderTest {
  private final TestPki pki = TestPki.create();
  private final InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
  private PhoneHomeServer phs;

  @BeforeEach
  void start() {
    phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext()).bind("127.0.0.1", 0)
        .build().start();
  }

  @AfterEach
  void stop() {
    phs.close();
  }

  private FakeVirtualChassis standalone(String serial) {
    records.put(serial, OnboardingInformation.builder().configuration(Harness.CONFIG)
        .topology(VirtualChassisTopology.none()).build());
    return FakeVirtualChassis.of(VirtualChassisModel.builder().clock(new VirtualClock())
        .member(0, serial, "ex4300-48p", Harness.OLD).build());
  }

  private PhoneHomeClient.Builder builder() {
    VirtualClock clock = new VirtualClock();
    return PhoneHomeClient.builder().bootstrapServers(phs.url().toString())
        .sslContext(pki.clientSslContext(null), pki.clientTrustManager()).clock(clock).sleeper(clock).maxRounds(1);
  }

  @Test
  void closingOneClientLeavesTheOtherClientsOfTheBuilderWorking() throws Exception {
    PhoneHomeClient.Builder b = builder();
    PhoneHomeClient first = b.deviceOperations(standalone("PE1")).build();
    PhoneHomeClient second = b.deviceOperations(standalone("PE2")).build();

    try (first) {
      first.run();
    }
    try (second) {
      second.run();
    }
    PhoneHomeClient third = b.deviceOperations(standalone("PE3")).build(); // built after every other one closed
    try (third) {
      third.run();
    }

    for (String serial : new String[] {"PE1", "PE2", "PE3"}) {
      assertThat(phs.progress().status(serial).state()).isEqualTo(DeviceState.COMPLETE);
    }
  }

  @Test
  void aTlsSettingChangedAfterABuildAppliesToTheNextClient() throws Exception {
    PhoneHomeClient.Builder b = builder();
    try (PhoneHomeClient trusting = b.deviceOperations(standalone("PE1")).build()) {
      trusting.run();
    }
    TestPki other = TestPki.create(); // trusts another CA: the server's certificate does not chain to it
    b.sslContext(other.clientSslContext(null), other.clientTrustManager());

    try (PhoneHomeClient distrusting = b.deviceOperations(standalone("PE2")).build()) {
      assertThatThrownBy(distrusting::run).isInstanceOf(BootstrapFailedException.class)
          .hasMessageContaining(phs.url().toString().replaceAll("/$", ""));
    }
    assertThat(phs.progress().status("PE1").state()).isEqualTo(DeviceState.COMPLETE);
    assertThat(phs.progress().status("PE2").state()).isEqualTo(DeviceState.NEVER_SEEN);
  }
}
