package dev.phonehome.phc.junos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.device.ImageUpload;
import dev.phonehome.phc.api.device.StagedImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.junos.JunosSimulationFault;
import dev.phonehome.phc.testkit.junos.RecordedUpload;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Agent push ({@code beginImageUpload}) against the simulated device: the bytes go to {@code <name>.part} over
 * SFTP or SCP, the device's own SHA-256 is compared with the bytes sent, and only then is the file renamed.
 */
@Timeout(60)
class JunosAgentPushTest {
  private static final String NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final byte[] IMAGE = new byte[3 * 1024 * 1024 + 17];
  private final VirtualClock clock = new VirtualClock();
  private final VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock)
      .member(0, "PE0", "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8").build();
  private final List<AutoCloseable> open = new ArrayList<>();

  static {
    new Random(13).nextBytes(IMAGE);
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private SimulatedJunosDevice device() {
    SimulatedJunosDevice d = SimulatedJunosDevice.builder(vc).start();
    open.add(d);
    return d;
  }

  private JunosDeviceOperations pusher(SimulatedJunosDevice d, ImageTransfer transfer) {
    JunosDeviceOperations o = SimulatedVc.client(d, clock).imageStaging(ImageStaging.AGENT_PUSHES)
        .imageTransfer(transfer).build();
    open.add(o);
    return o;
  }

  private static Bytes sha256(byte[] b) throws Exception {
    return Bytes.of(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @ParameterizedTest
  @EnumSource(ImageTransfer.class)
  void thePushedFileIsCheckedWithTheDevicesChecksumThenRenamedIntoPlace(ImageTransfer transfer) throws Exception {
    SimulatedJunosDevice d = device();
    JunosDeviceOperations o = pusher(d, transfer);
    StagedImage staged;
    try (ImageUpload upload = o.beginImageUpload(NAME)) {
      for (int off = 0; off < IMAGE.length; off += 65536) {
        upload.stream().write(IMAGE, off, Math.min(65536, IMAGE.length - off));
      }
      staged = upload.complete();
    }
    assertThat(staged).isEqualTo(new StagedImage("/var/tmp/" + NAME, IMAGE.length));
    Bytes expected = sha256(IMAGE);
    assertThat(vc.file("/var/tmp/" + NAME)).hasValueSatisfying(f ->
        assertThat(f.digest(HashAlgorithm.SHA_256)).isEqualTo(expected));
    assertThat(vc.file("/var/tmp/" + NAME + ".part")).isEmpty();
    RecordedUpload u = d.uploads().get(0);
    assertThat(u.protocol()).isEqualTo(transfer.name().toLowerCase(java.util.Locale.ROOT));
    assertThat(u.path()).isEqualTo("/var/tmp/" + NAME + ".part");
    assertThat(u.bytes()).isEqualTo(IMAGE.length);
    assertThat(u.sha256()).isEqualTo(sha256(IMAGE));
    assertThat(d.rpcSummaries("get-sha256-checksum-information", "file-rename"))
        .containsExactly("get-sha256-checksum-information", "file-rename");
    o.installImage(1, staged);
    assertThat(vc.stagedVersion(1)).hasValue("21.4R3.15");
  }

  @Test
  void aFileCorruptedOnTheWayIsCaughtByTheDevicesChecksumAndDeleted() throws Exception {
    SimulatedJunosDevice d = device();
    JunosDeviceOperations o = pusher(d, ImageTransfer.SFTP);
    d.inject(new JunosSimulationFault.CorruptUpload());
    try (ImageUpload upload = o.beginImageUpload(NAME)) {
      upload.stream().write(IMAGE);
      assertThatThrownBy(upload::complete).isInstanceOf(PhcDeviceException.class)
          .hasMessageContaining("the device's sha256 of /var/tmp/" + NAME + ".part is ")
          .hasMessageContaining(sha256(IMAGE).hex())
          .hasMessageContaining("the file was deleted");
    }
    assertThat(vc.files()).noneMatch(f -> f.path().contains(NAME));
    assertThat(d.rpcSummaries("file-rename")).isEmpty();
  }

  @Test
  void aDeviceWithoutFileChecksumSha256IsCheckedWithMd5() throws Exception {
    SimulatedJunosDevice d = device();
    d.inject(new JunosSimulationFault.UnknownRpc("get-sha256-checksum-information"));
    JunosDeviceOperations o = pusher(d, ImageTransfer.SFTP);
    StagedImage staged;
    try (ImageUpload upload = o.beginImageUpload(NAME)) {
      upload.stream().write(IMAGE);
      staged = upload.complete();
    }
    assertThat(staged.path()).isEqualTo("/var/tmp/" + NAME);
    assertThat(d.rpcSummaries("get-sha256-checksum-information", "get-checksum-information", "file-rename"))
        .containsExactly("get-sha256-checksum-information", "get-checksum-information", "file-rename");
  }

  @Test
  void anAbortedPushLeavesNothing() throws Exception {
    SimulatedJunosDevice d = device();
    JunosDeviceOperations o = pusher(d, ImageTransfer.SFTP);
    try (ImageUpload upload = o.beginImageUpload(NAME)) {
      upload.stream().write(IMAGE, 0, 100_000);
      upload.abort();
    }
    assertThat(d.uploads()).singleElement().satisfies(u -> assertThat(u.bytes()).isEqualTo(100_000));
    assertThat(vc.files()).noneMatch(f -> f.path().contains(NAME));
  }

  @Test
  void aBindingThatLetsTheDeviceFetchRefusesToPushAndSaysHowToPush() {
    SimulatedJunosDevice d = device();
    JunosDeviceOperations o = SimulatedVc.client(d, clock).build();
    open.add(o);
    assertThatThrownBy(() -> o.beginImageUpload(NAME)).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("imageStaging(AGENT_PUSHES)");
  }

  @Test
  void anUnsafeFileNameIsRefusedBeforeAnythingIsWritten() {
    SimulatedJunosDevice d = device();
    JunosDeviceOperations o = pusher(d, ImageTransfer.SFTP);
    assertThatThrownBy(() -> o.beginImageUpload("../../etc/passwd")).isInstanceOf(PhcDeviceException.class)
        .hasMessageContaining("unsafe image file name");
    assertThat(d.uploads()).isEmpty();
  }
}
