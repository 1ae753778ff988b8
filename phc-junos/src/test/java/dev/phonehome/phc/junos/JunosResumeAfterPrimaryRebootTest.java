package dev.phonehome.phc.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.SimulatedCrash;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole engine ({@link PhoneHomeClient}) provisions a 4-member simulated EX4300 VC over real NETCONF/SSH,
 * talking to a phone-home server over real HTTPS, with the primary at member 2 (not 0), in both framings.
 */
/**
 * SPEC 4.2 steps 5-6 with the engine on the box: the phone-home process dies with the primary when the primary
 * reboots; a new process (a new {@link PhoneHomeClient} over a new NETCONF session, now to the new primary)
 * resumes from the state the old one stored on the backup, and finishes without repeating the upgrades.
 */
@Timeout(120)
class JunosResumeAfterPrimaryRebootTest {
  private static final String OLD = "20.4R3.8";
  private static final String NEW = "21.4R3.15";
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final byte[] IMAGE = "an EX4300 image, for the simulator\n".repeat(4000).getBytes();
  private static final List<String> SERIALS = List.of("PE3714100218", "PE3714100301", "PE3714100477", "PE3714100592");

  /** The process runs on the primary: rebooting the primary kills it once the reboot is initiated. */
  private static DeviceOperations dyingWithThePrimary(JunosDeviceOperations ops) {
    return (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
        new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
          if (method.getName().equals("reboot")) {
            @SuppressWarnings("unchecked")
            Collection<Integer> ids = (Collection<Integer>) args[0];
            int primary = ops.members().stream().filter(m -> m.role() == dev.phonehome.phc.api.model.MemberRole.PRIMARY)
                .findFirst().orElseThrow().memberId();
            ops.reboot(ids);
            if (ids.contains(primary)) {
              throw new SimulatedCrash("the primary rebooted and took the phone-home process with it");
            }
            return null;
          }
          try {
            return method.invoke(ops, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aNewProcessOnTheNewPrimaryResumesFromTheStateOnTheBackupAndFinishes() throws Exception {
    VirtualClock clock = new VirtualClock();
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(IMAGE);
    VirtualChassisModel.Builder mb = VirtualChassisModel.builder().clock(clock);
    for (int i = 0; i < 4; i++) {
      mb.member(i, SERIALS.get(i), "ex4300-48p", OLD);
    }
    VirtualChassisModel vc = mb.primary(2).backup(3)
        .image(IMAGE_NAME, NEW, Bytes.of(sha256))
        .imageSource(uri -> new ByteArrayInputStream(IMAGE))
        .build();
    OnboardingInformation onboarding = OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri("http://images.example.test/" + IMAGE_NAME)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(sha256))).build())
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(Bytes.utf8("<configuration><system><host-name>vc1</host-name></system></configuration>"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT, SERIALS.stream().map(IntendedMember::of).toList()))
        .build();

    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().clock(clock).start();
        SimulatedJunosDevice device = SimulatedJunosDevice.builder(vc).start()) {
      phs.addRecord(SERIALS.get(2), onboarding);
      try (JunosDeviceOperations first = SimulatedVc.client(device, clock).build();
          PhoneHomeClient client = client(phs, clock, dyingWithThePrimary(first)).build()) {
        assertThatThrownBy(client::run).isInstanceOf(SimulatedCrash.class);
      }
      assertThat(vc.primaryMemberId()).hasValue(3);
      assertThat(vc.storedState(3)).isPresent();
      int installsBefore = device.rpcSummaries("request-package-add").size();
      assertThat(installsBefore).isEqualTo(4);
      device.clearRecordedRpcs();

      PhoneHomeResult result;
      try (JunosDeviceOperations second = SimulatedVc.client(device, clock).build();
          PhoneHomeClient client = client(phs, clock, second).serialNumber(SERIALS.get(2)).build()) {
        result = client.run();
      }
      assertThat(result.failedMembers()).isEmpty();
      assertThat(device.rpcSummaries("request-package-add")).isEmpty();
      assertThat(device.rpcSummaries("file-show")).isNotEmpty();
      assertThat(vc.members()).extracting(VcMember::version).containsOnly(NEW);
      assertThat(vc.pins()).as("pins set by the first process are removed by the second").isEmpty();
      assertThat(vc.committedConfiguration()).singleElement()
          .satisfies(c -> assertThat(c.utf8()).contains("<host-name>vc1</host-name>"));
    }
  }

  private static PhoneHomeClient.Builder client(FakePhoneHomeServer phs, VirtualClock clock, DeviceOperations ops) {
    return PhoneHomeClient.builder()
        .bootstrapServers(phs.url().toString())
        .dialect(Dialect.JUNIPER)
        .sslContext(phs.clientSslContext(), phs.clientTrustManager())
        .deviceOperations(ops)
        .clock(clock).sleeper(clock).random(new Random(11))
        .maxRounds(2);
  }
}
