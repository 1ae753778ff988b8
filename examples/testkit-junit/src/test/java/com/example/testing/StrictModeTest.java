package com.example.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's "Testing your integration" recipe, compiled and run. */
@Timeout(60)
class StrictModeTest {

  // snippet:strict-mode-test
  @Test
  void strictModeGivesUpWhenAnIntendedMemberIsMissing() throws Exception {
    VirtualClock clock = new VirtualClock();                  // a 10-minute detection timeout takes no real time
    FakeVirtualChassis vc = FakeVirtualChassis.of(VirtualChassisModel.builder().clock(clock)
        .member(0, "PE3714100218", "ex4300-48p", "21.4R3.15").member(1, "PE3714100219", "ex4300-48p", "21.4R3.15")
        .member(2, "PE3714100220", "ex4300-48p", "21.4R3.15").notCabled(2).build());   // member 2 is missing
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {      // HTTPS on 127.0.0.1, port 0
      phs.addRecord("PE3714100218", OnboardingInformation.builder()
          .topology(vc.intendedTopology(ProvisioningMode.STRICT)).build());   // all three serials, strict
      PhoneHomeClient client = phs.clientBuilder().deviceOperations(vc).clock(clock).sleeper(clock).maxRounds(1).build();
      assertThrows(BootstrapFailedException.class, client::run);
      assertTrue(phs.notifications().stream().anyMatch(n -> n.report().type().name().equals("vc-bootstrap-failed")));
    }
  }
  // end-snippet
}
