package dev.phonehome.phc.junos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.RecordedRpc;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.VcFault;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole engine ({@link PhoneHomeClient}) provisions a 4-member simulated EX4300 VC over real NETCONF/SSH,
 * talking to a phone-home server over real HTTPS, with the primary at member 2 (not 0), in both framings.
 */
@Timeout(120)
class JunosEndToEndTest {
  private static final String OLD = "20.4R3.8";
  private static final String NEW = "21.4R3.15";
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final byte[] IMAGE = "an EX4300 image, for the simulator\n".repeat(4000).getBytes();
  private static final List<String> SERIALS = List.of("PE3714100218", "PE3714100301", "PE3714100477", "PE3714100592");

  @ParameterizedTest(name = "chunked framing: {0}")
  @ValueSource(booleans = {true, false})
  void provisionsAFourMemberVcInTheSpecOrderAndFollowsThePrimaryAcrossItsReboot(boolean chunked) throws Exception {
    VirtualClock clock = new VirtualClock();
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(IMAGE);
    VirtualChassisModel vc = fourMemberVc(clock, sha256);
    String imageUri = "http://images.example.test/junos/" + IMAGE_NAME;
    OnboardingInformation onboarding = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri(imageUri)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(sha256)))
            .addVerification(new ImageVerification(HashAlgorithm.MD5, Bytes.of(MessageDigest.getInstance("MD5").digest(IMAGE))))
            .build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(Bytes.utf8("<configuration><system><host-name>vc1</host-name></system></configuration>"))
        .addPreConfigurationScript(Bytes.utf8("#!/bin/sh\necho pre\n"))
        .addPostConfigurationScript(Bytes.utf8("#!/bin/sh\necho post\n"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.STRICT, SERIALS.stream().map(IntendedMember::of).toList()))
        .build();

    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().clock(clock).start();
        SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).chunkedFraming(chunked).start();
        JunosDeviceOperations ops = SimulatedVc.client(device, clock).build()) {
      phs.addRecord(SERIALS.get(2), onboarding);
      PhoneHomeResult result = run(phs, ops, clock);

      assertThat(result.failedMembers()).isEmpty();
      assertThat(vc.members()).extracting(VcMember::version).containsOnly(NEW);
      assertThat(vc.members()).allMatch(VcMember::isPresent);
      assertThat(vc.primaryMemberId()).hasValue(3);
      assertThat(vc.pins()).isEmpty();
      assertThat(vc.committedConfiguration()).singleElement()
          .satisfies(c -> assertThat(c.utf8()).contains("<host-name>vc1</host-name>"));
      assertThat(vc.scriptRuns()).hasSize(2);

      // SPEC 4.2.3, as the device saw it: linecards installed in id order, rebooted together; then the
      // backup; then the primary, after its state went to the backup.
      List<String> order = new ArrayList<>();
      for (RecordedRpc r : device.recordedRpcs()) {
        switch (r.name()) {
          case "request-package-add", "request-reboot" -> order.add(r.summary());
          case "file-copy" -> {
            if (r.xml().contains("fpc3:/var/tmp/phc-state")) {
              order.add("state to member 3");
            } else if (r.xml().contains(imageUri)) {
              order.add("file-copy image");
            }
          }
          default -> { }
        }
      }
      List<String> upgrade = List.copyOf(order);
      assertThat(upgrade).containsSubsequence(
          "file-copy image",
          "request-package-add member=0", "request-package-add member=1",
          "request-reboot member=0", "request-reboot member=1",
          "request-package-add member=3", "request-reboot member=3",
          "request-package-add member=2", "state to member 3", "request-reboot member=2");
      assertThat(upgrade.stream().filter(s -> s.startsWith("request-")).toList()).containsExactly(
          "request-package-add member=0", "request-package-add member=1",
          "request-reboot member=0", "request-reboot member=1",
          "request-package-add member=3", "request-reboot member=3",
          "request-package-add member=2", "request-reboot member=2");

      // role pinning before the first install, configuration after the last reboot
      List<RecordedRpc> rpcs = device.recordedRpcs();
      int firstInstall = indexOf(rpcs, "request-package-add");
      int lastReboot = lastIndexOf(rpcs, "request-reboot");
      int pin = indexOfXml(rpcs, "<mastership-priority>255</mastership-priority>");
      int hostName = indexOfXml(rpcs, "<host-name>vc1</host-name>");
      assertThat(pin).isBetween(0, firstInstall);
      assertThat(hostName).isGreaterThan(lastReboot);

      // the primary's reboot ended the session; the engine went on over a new one, to the new primary
      assertThat(device.sessionsOpened()).isGreaterThanOrEqualTo(2);
      int rebootPrimary = indexOfXml(rpcs, "<request-reboot><member>2</member></request-reboot>");
      assertThat(rpcs.get(rebootPrimary + 1).sessionId()).isNotEqualTo(rpcs.get(rebootPrimary).sessionId());
    }
  }

  /**
   * Minimum topology, default mode, against the simulator over NETCONF and our server over HTTPS: member 1 is still
   * booting when the process starts (it is waited for and upgraded), member 0 is powered off for good (it is
   * reported, listed in bootstrap-complete and its outcome is NOT_PRESENT; nothing is sent to it).
   */
  @Test
  void membersNotPresentAtDiscoveryAreWaitedForThenReportedWhenTheyNeverCome() throws Exception {
    VirtualClock clock = new VirtualClock();
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(IMAGE);
    VirtualChassisModel vc = fourMemberVc(clock, sha256);
    vc.inject(new VcFault.SlowReboot(1, Duration.ofMinutes(4), 1));
    vc.inject(new VcFault.MemberNeverReturns(0));
    vc.reboot(List.of(0, 1));
    OnboardingInformation onboarding = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri("http://images.example.test/junos/" + IMAGE_NAME)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(sha256)))
            .build())
        .topology(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT))
        .build();

    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().clock(clock).start();
        SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start();
        JunosDeviceOperations ops = SimulatedVc.client(device, clock).build()) {
      phs.addRecord(SERIALS.get(2), onboarding);
      PhoneHomeResult result = run(phs, ops, clock);

      assertThat(result.failedMembers()).extracting(m -> m.memberId() + " " + m.status())
          .containsExactly("0 NOT_PRESENT");
      assertThat(result.member(1).status()).isEqualTo(MemberOutcome.Status.UPGRADED);
      assertThat(vc.version(1)).isEqualTo(NEW);
      assertThat(vc.version(0)).isEqualTo(OLD);
      assertThat(device.recordedRpcs()).extracting(RecordedRpc::summary)
          .contains("request-package-add member=1")
          .noneMatch(r -> r.equals("request-package-add member=0") || r.equals("request-reboot member=0"));
      List<ProgressReport> seen = phs.distinctNotifications().stream().map(DeviceNotification::report).toList();
      assertThat(seen).filteredOn(r -> r.type().equals(ProgressType.BOOTSTRAP_WARNING))
          .extracting(ProgressReport::message)
          .containsExactly("the Virtual Chassis lists members that are not present; they are not provisioned:"
              + " member 0 (serial " + SERIALS.get(0) + ")");
      assertThat(seen).last().satisfies(r -> {
        assertThat(r.type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
        assertThat(r.message()).endsWith("failed members: member 0 (not present, not provisioned)");
      });
    }
  }

  /** Members 0 to 3 on the old version, 2 primary, 3 backup; the image registered and served. */
  private static VirtualChassisModel fourMemberVc(VirtualClock clock, byte[] sha256) {
    VirtualChassisModel.Builder mb = VirtualChassisModel.builder().clock(clock);
    for (int i = 0; i < 4; i++) {
      mb.member(i, SERIALS.get(i), "ex4300-48p", OLD);
    }
    return mb.primary(2).backup(3)
        .image(IMAGE_NAME, NEW, Bytes.of(sha256))
        .imageSource(uri -> new ByteArrayInputStream(IMAGE))
        .build();
  }

  /** One client run, Juniper dialect, against {@code phs} over HTTPS and the simulator through {@code ops}. */
  private static PhoneHomeResult run(FakePhoneHomeServer phs, JunosDeviceOperations ops, VirtualClock clock)
      throws Exception {
    try (PhoneHomeClient client = PhoneHomeClient.builder()
        .bootstrapServers(phs.url().toString())
        .dialect(Dialect.JUNIPER)
        .sslContext(phs.clientSslContext(), phs.clientTrustManager())
        .deviceOperations(ops)
        .clock(clock).sleeper(clock).random(new Random(7))
        .maxRounds(2)
        .build()) {
      return client.run();
    }
  }

  private static int indexOf(List<RecordedRpc> rpcs, String name) {
    for (int i = 0; i < rpcs.size(); i++) {
      if (rpcs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(List<RecordedRpc> rpcs, String name) {
    for (int i = rpcs.size() - 1; i >= 0; i--) {
      if (rpcs.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOfXml(List<RecordedRpc> rpcs, String fragment) {
    for (int i = 0; i < rpcs.size(); i++) {
      if (rpcs.get(i).xml().contains(fragment)) {
        return i;
      }
    }
    return -1;
  }

}
