package dev.phonehome.phc.testkit.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.core.client.BootstrapFailedException;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.server.FakePhoneHomeServer;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The spin case of issue 10: under a virtual clock, with one round and an image URL whose host does not
 * resolve, a client used to retry the download for ever at full CPU, and with a total time bound it failed
 * naming no cause. Now every download attempt counts against a per-server budget and the bounds, the run ends,
 * and the failure names the UnknownHostException.
 */
@Timeout(30)
class UnreachableImageTest {
  private static final String SERIAL = "PE0";
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final String IMAGE_URI = "https://images.invalid/" + IMAGE_NAME;

  private final VirtualClock clock = new VirtualClock();
  private final FakePhoneHomeServer phs = FakePhoneHomeServer.create().clock(clock).start();
  private final AtomicInteger attempts = new AtomicInteger();

  @AfterEach
  void stop() {
    phs.close();
  }

  private PhoneHomeClient.Builder client(ImageStaging staging) {
    VirtualChassisModel model = VirtualChassisModel.builder().clock(clock)
        .member(0, SERIAL, "ex4300-48p", "20.4R3.8").member(1, "PE1", "ex4300-48p", "20.4R3.8")
        .imageSource(uri -> {
          throw new UnknownHostException(java.net.URI.create(uri).getHost() + ": Name or service not known");
        })
        .build();
    phs.addRecord(SERIAL, OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri(IMAGE_URI)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, Bytes.of(new byte[32]))).build())
        .topology(VirtualChassisTopology.minimum(ProvisioningMode.DEFAULT))
        .build());
    // Loopback only: every name but localhost fails to resolve, as images.invalid does.
    OkHttpClient http = new OkHttpClient.Builder()
        .dns(host -> {
          if (host.equals("localhost")) {
            return List.of(InetAddress.getLoopbackAddress());
          }
          throw new UnknownHostException(host + ": Name or service not known");
        })
        .build();
    return PhoneHomeClient.builder()
        .bootstrapServers(phs.url().toString())
        .dialect(Dialect.JUNIPER)
        .sslContext(phs.clientSslContext(), phs.clientTrustManager())
        .okHttpClient(http)
        .deviceOperations(FakeVirtualChassis.builder(model).imageStaging(staging).build())
        .clock(clock).sleeper(clock).random(new Random(5))
        .eventListener(new PhoneHomeEventListener() {
          @Override
          public void imageDownloadStarted(String uri, int attempt, long resumeFrom) {
            attempts.incrementAndGet();
          }
        });
  }

  @ParameterizedTest
  @EnumSource(ImageStaging.class)
  void withOneRoundTheRunEndsAfterThePerServerAttemptBudgetAndNamesTheUnknownHost(ImageStaging staging) {
    PhoneHomeClient c = client(staging).maxRounds(1).build();

    assertThatThrownBy(c::run).isInstanceOf(BootstrapFailedException.class)
        .hasMessageContaining("gave up after 1 round(s)")
        .hasMessageContaining(phs.url().toString().replaceAll("/$", "") + ": image download failed 10 time(s)")
        .hasMessageContaining("UnknownHostException")
        .hasMessageContaining("images.invalid");
    assertThat(attempts).hasValue(10);
    // The server heard why: nine boot-image-warnings, then the boot-image-error naming the cause.
    assertThat(phs.distinctNotifications()).filteredOn(n -> n.report().type().equals(ProgressType.BOOT_IMAGE_WARNING))
        .hasSize(9);
    assertThat(phs.distinctNotifications()).filteredOn(n -> n.report().type().equals(ProgressType.BOOT_IMAGE_ERROR))
        .singleElement().satisfies(n -> assertThat(n.report().message()).contains("UnknownHostException"));
  }

  @Test
  void withOnlyATotalTimeBoundTheRunEndsAtThatTimeAndNamesTheRealCauseNotNoServerAsked() {
    Instant start = clock.instant();
    PhoneHomeClient c = client(ImageStaging.AGENT_PUSHES).maxTotalTime(Duration.ofHours(2)).build();

    assertThatThrownBy(c::run).isInstanceOf(BootstrapFailedException.class)
        .hasMessageContaining("gave up after the configured total time of PT2H")
        .hasMessageContaining("UnknownHostException")
        .hasMessageNotContaining("could be asked");
    Duration elapsed = Duration.between(start, clock.instant());
    assertThat(elapsed).isBetween(Duration.ofHours(2), Duration.ofHours(2).plusMinutes(6));
    // Bounded by time: attempts with backoff (5 s doubling to 5 min), rounds over the server list between.
    assertThat(attempts.get()).isBetween(10, 80);
  }
}
