package com.example.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent's engine code against the test kit: a fake PHS on loopback and a fake two-member VC in virtual time. */
@Timeout(60)
class AgentTest {

  @Test
  void theAgentAppliesTheConfigurationAndReportsCompletion() throws Exception {
    VirtualClock clock = new VirtualClock();
    VirtualChassisModel model = VirtualChassisModel.builder().clock(clock)
        .member(0, "PE3714100218", "ex4300-48p", "21.4R3.15")
        .member(1, "PE3714100219", "ex4300-48p", "21.4R3.15").build();
    Bytes config = Bytes.of("<configuration><system><host-name>sw1</host-name></system></configuration>"
        .getBytes(StandardCharsets.UTF_8));
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
      phs.addRecord("PE3714100218", OnboardingInformation.builder().configuration(config).build());

      PhoneHomeResult result = Agent.provision(FakeVirtualChassis.of(model), List.of(phs.url().toString()),
          phs.clientTrustManager(), clock, clock);

      assertEquals(phs.url().toString().replaceAll("/$", ""), result.provisioningServer().replaceAll("/$", ""));
      assertEquals(List.of(config), model.committedConfiguration());
      assertTrue(phs.notifications().stream().anyMatch(n -> n.report().type().name().equals("bootstrap-complete")),
          () -> "notifications: " + phs.notifications());
    }
  }
}
