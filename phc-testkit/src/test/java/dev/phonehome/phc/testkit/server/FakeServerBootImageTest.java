package dev.phonehome.phc.testkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The test kit's simplest path with a boot image: the fake server serves the image it advertises, so a test needs
 * no image server, with the default {@code FakeVirtualChassis} (the agent pushes) and with a device that fetches.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeServerBootImageTest {
  private static final String OLD = "21.4R1.12";
  private static final String NEW = "21.4R3.15";

  private static VirtualChassisModel.Builder twoMembers(VirtualClock clock) {
    return VirtualChassisModel.builder().clock(clock)
        .member(0, "PE3714100218", "ex4300-48p", OLD).member(1, "PE3714100219", "ex4300-48p", OLD);
  }

  @Test
  void theDefaultFakeVcInstallsTheImageTheFakeServerServesWithNoImageServer() throws Exception {
    VirtualClock clock = new VirtualClock();
    FakeVirtualChassis vc = FakeVirtualChassis.of(twoMembers(clock).build());
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
      BootImage image = phs.bootImage(NEW);
      assertThat(image.downloadUris()).containsExactly(phs.url() + "images/jinstall-ex-4300-21.4R3.15-signed.tgz");
      phs.addRecord("PE3714100218", OnboardingInformation.builder().bootImage(image)
          .topology(vc.intendedTopology(ProvisioningMode.DEFAULT)).build());
      PhoneHomeResult result = phs.clientBuilder().deviceOperations(vc).clock(clock).sleeper(clock).maxRounds(1)
          .build().run();
      assertThat(result.failedMembers()).isEmpty();
      assertThat(vc.model().version(0)).isEqualTo(NEW);
      assertThat(vc.model().version(1)).isEqualTo(NEW);
      VirtualChassisModel.StoredFile staged = vc.model().file("/var/tmp/jinstall-ex-4300-21.4R3.15-signed.tgz")
          .orElseThrow();
      assertThat(staged.size()).isEqualTo(256 * 1024);
      assertThat(staged.digest(HashAlgorithm.SHA_256)).isEqualTo(image.verifications().get(0).value());
      assertThat(phs.notifications()).extracting(n -> n.report().type())
          .contains(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING, ProgressType.BOOTSTRAP_COMPLETE);
    }
  }

  @Test
  void aDeviceThatFetchesItselfGetsTheImageThroughTheServersImageSource() throws Exception {
    VirtualClock clock = new VirtualClock();
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
      FakeVirtualChassis vc = FakeVirtualChassis.builder(twoMembers(clock).imageSource(phs.imageSource()).build())
          .imageStaging(ImageStaging.DEVICE_FETCHES).build();
      phs.addRecord("PE3714100218", OnboardingInformation.builder().bootImage(phs.bootImage(NEW))
          .topology(vc.intendedTopology(ProvisioningMode.DEFAULT)).build());
      PhoneHomeResult result = phs.clientBuilder().deviceOperations(vc).clock(clock).sleeper(clock).maxRounds(1)
          .build().run();
      assertThat(result.failedMembers()).isEmpty();
      assertThat(vc.model().version(0)).isEqualTo(NEW);
      assertThat(vc.model().version(1)).isEqualTo(NEW);
    }
  }

  @Test
  void theImageIsStreamedWithItsAdvertisedDigestAndARangeResumesIt() throws Exception {
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
      long size = 3 * 1024 * 1024 + 5;     // not a multiple of any buffer
      BootImage image = phs.bootImage("junos-big.tgz", NEW, size);
      OkHttpClient http = new OkHttpClient.Builder().sslSocketFactory(phs.clientSslSocketFactory(),
          phs.clientTrustManager()).callTimeout(Duration.ofSeconds(20)).build();
      MessageDigest whole = MessageDigest.getInstance("SHA-256");
      byte[] tail;
      try (Response r = http.newCall(new Request.Builder().url(image.downloadUris().get(0)).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.header("Content-Length")).isEqualTo(Long.toString(size));
        byte[] all = r.body().bytes();
        whole.update(all);
        tail = java.util.Arrays.copyOfRange(all, 1_000_001, all.length);
      }
      assertThat(HexFormat.of().formatHex(whole.digest())).isEqualTo(image.verifications().get(0).value().hex());
      try (Response r = http.newCall(new Request.Builder().url(image.downloadUris().get(0))
          .header("Range", "bytes=1000001-").build()).execute()) {
        assertThat(r.code()).isEqualTo(206);
        assertThat(r.header("Content-Range")).isEqualTo("bytes 1000001-" + (size - 1) + "/" + size);
        assertThat(r.body().bytes()).isEqualTo(tail);
      }
      try (Response r = http.newCall(new Request.Builder().url(phs.url() + "images/nope.tgz").build()).execute()) {
        assertThat(r.code()).isEqualTo(404);
      }
      try (InputStream in = phs.imageSource().open(image.downloadUris().get(0))) {
        assertThat(in.readAllBytes()).hasSize((int) size);
      }
      assertThat(phs.requestCount()).as("image downloads are not phone-home requests").isZero();
    }
  }

  @Test
  void aFileNameThatIsNotASimpleNameIsRefused() {
    try (FakePhoneHomeServer phs = FakePhoneHomeServer.create().start()) {
      assertThatThrownBy(() -> phs.bootImage("../etc/passwd", NEW, 1)).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("image file name \"../etc/passwd\": use [A-Za-z0-9._+-], 1 to 128 characters");
    }
  }
}
