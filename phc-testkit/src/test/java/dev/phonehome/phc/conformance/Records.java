package dev.phonehome.phc.conformance;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.BootstrapServer;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.RedirectInformation;
import dev.phonehome.phc.core.server.BasicDeviceAuthenticator;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import java.util.Map;
import java.util.Optional;

/** The records and device secrets the conformance tests serve. */
final class Records {
  static final String DEVICE = "PE3714100218";
  static final String SECRET = "s3cret-PE3714100218";
  static final String REDIRECTED = "RD0000000001";
  static final String REDIRECTED_SECRET = "s3cret-RD0000000001";
  static final String SHA256_HEX = "ba:ec:cf:a5:67:82:b4:10:77:c6:67:a6:22:ab:7d:50:04:a7:8b:8f:0e:db:02:8b:f4:75:55:fb:c1:13:b2:33";
  static final Map<String, String> SECRETS = Map.of(DEVICE, SECRET, REDIRECTED, REDIRECTED_SECRET);

  private Records() {}

  static OnboardingInformation onboarding() {
    return OnboardingInformation.builder()
        .bootImage(BootImage.builder().osName("junos").osVersion("21.4R3.15")
            .addDownloadUri("https://images.example.net/jinstall-ex-4300-21.4R3.15-signed.tgz")
            .addVerification(ImageVerification.ofHex(HashAlgorithm.SHA_256, SHA256_HEX.replace(":", "")))
            .build())
        .configuration(Bytes.utf8("<configuration><system><host-name>sw1</host-name></system></configuration>"))
        .build();
  }

  static RedirectInformation redirect() {
    return RedirectInformation.of(new BootstrapServer("phs1.example.net", 8443, null));
  }

  static InMemoryProvisioningRecords records() {
    return new InMemoryProvisioningRecords().put(DEVICE, onboarding()).put(REDIRECTED, redirect());
  }

  /** Per-device secrets as HTTP Basic passwords. */
  static BasicDeviceAuthenticator secrets() {
    return BasicDeviceAuthenticator.create().withPasswords(s -> Optional.ofNullable(SECRETS.get(s)));
  }
}
