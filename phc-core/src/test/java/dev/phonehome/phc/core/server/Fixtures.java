package dev.phonehome.phc.core.server;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import java.util.List;

/** Records the server tests serve. */
final class Fixtures {
  static final String SERIAL_A = "PE3714100218";
  static final String SERIAL_B = "PE3714100301";
  static final String REDIRECTED = "RD0000000001";

  private Fixtures() {}

  static OnboardingInformation onboarding(String hostName) {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder()
            .name("jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addVerification(ImageVerification.ofHex(HashAlgorithm.MD5, "0123456789abcdef0123456789abcdef"))
            .build())
        .configuration(Bytes.utf8("<configuration><system><host-name>" + hostName
            + "</host-name></system></configuration>"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.STRICT,
            List.of(IntendedMember.of(SERIAL_A), IntendedMember.of(SERIAL_B))))
        .build();
  }

  static RedirectInformation redirect() {
    return RedirectInformation.of(new BootstrapServer("phs1.example.net", 8443, null),
        new BootstrapServer("phs2.example.net", null, null));
  }

  static InMemoryProvisioningRecords records() {
    return new InMemoryProvisioningRecords()
        .put(SERIAL_A, onboarding("sw-a"))
        .put(SERIAL_B, onboarding("sw-b"))
        .put(REDIRECTED, redirect());
  }
}
