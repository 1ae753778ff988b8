package com.example.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's image upgrade test: the fake server serves the boot image it advertises, so no image server. */
@Timeout(60)
class ImageUpgradeTest {

  // snippet:image-upgrade-test
  @Test
  void everyMemberIsUpgradedToTheImageOfTheRecord() throws Exception {
    VirtualClock clock = new VirtualClock();                  // the members' reboots take no real time
    FakeVirtualChassis vc = FakeVirtualChassis.of(VirtualChassisModel.builder().clock(clock)
        .member(0, "PE3714100218", "ex4300-48p", "21.4R1.12").member(1, "PE3714100219", "ex4300-48p", "21.4R1.12")
        .build());
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
      phs.addRecord("PE3714100218", OnboardingInformation.builder()
          .bootImage(phs.bootImage("21.4R3.15"))                 // served by the fake server itself, with its SHA-256
          .topology(vc.intendedTopology(ProvisioningMode.DEFAULT)).build());
      phs.clientBuilder().deviceOperations(vc).clock(clock).sleeper(clock).maxRounds(1).build().run();
      assertEquals("21.4R3.15", vc.model().version(0));
      assertEquals("21.4R3.15", vc.model().version(1));
    }
  }
  // end-snippet
}
