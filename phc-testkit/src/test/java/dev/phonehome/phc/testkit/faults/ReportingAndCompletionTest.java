package dev.phonehome.phc.testkit.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.ReportingLevel;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.testkit.pki.TestPki;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 8572 {@code reporting-level} and {@code bootstrap-complete}'s host keys and trust anchors, from the real
 * server's answer through the real client transport and codecs back to what the real server stored.
 */
@Timeout(60)
class ReportingAndCompletionTest {
  private static final SshHostKey KEY = new SshHostKey("ssh-ed25519", Bytes.of(new byte[] {0, 0, 0, 11, 's', 's', 'h',
      '-', 'e', 'd', '2', '5', '5', '1', '9', 0, 0, 0, 32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
      19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}));
  /** A CMS degenerate SignedData of the test PKI's TLS anchor (the server checks it is one). */
  private static final Bytes ANCHOR = TestPki.create().redirectTrustAnchor(Dialect.RFC8572);

  private static FaultWorld.Config rfc(Encoding encoding) {
    return new FaultWorld.Config(ImageStaging.DEVICE_FETCHES, ProvisioningMode.DEFAULT, true, Dialect.RFC8572,
        encoding, 3, false);
  }

  private static List<ProgressType> types(FaultWorld w) {
    return w.stored().stream().map(DeviceNotification::report).map(ProgressReport::type).toList();
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void minimalReportingLevelSendsOnlyTheStartTheEndTheRebootAndFailures(Encoding encoding) throws Exception {
    FaultWorld w = new FaultWorld(rfc(encoding), b -> b.reportingLevel(ReportingLevel.MINIMAL), b -> b);

    PhoneHomeResult result = w.runToTheEnd(1);

    assertThat(result.failedMembers()).isEmpty();
    assertThat(types(w)).containsExactly(ProgressType.BOOTSTRAP_INITIATED, ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING,
        ProgressType.BOOTSTRAP_COMPLETE);
    // The device's own log still has every step.
    assertThat(w.model.syslog()).anyMatch(l -> l.message().startsWith("phone-home: vc-member-upgrade-success"));
  }

  @Test
  void verboseReportingLevelSendsEveryReport() throws Exception {
    FaultWorld w = new FaultWorld(rfc(Encoding.JSON), b -> b.reportingLevel(ReportingLevel.VERBOSE), b -> b);

    w.runToTheEnd(1);

    assertThat(types(w)).contains(ProgressType.PARSING_COMPLETE, ProgressType.BOOT_IMAGE_INITIATED,
        ProgressType.VC_MEMBER_UPGRADE_SUCCESS, ProgressType.CONFIG_COMPLETE, ProgressType.BOOTSTRAP_COMPLETE);
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void rfcBootstrapCompleteCarriesTheDevicesSshHostKeysAndTrustAnchors(Encoding encoding) throws Exception {
    FaultWorld w = new FaultWorld(rfc(encoding), b -> b, b -> b.addSshHostKey(KEY).addTrustAnchorCert(ANCHOR));

    w.runToTheEnd(1);

    ProgressReport complete = w.stored().get(w.stored().size() - 1).report();
    assertThat(complete.type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(complete.sshHostKeys()).containsExactly(KEY);
    assertThat(complete.trustAnchorCerts()).containsExactly(ANCHOR);
  }

  @Test
  void theJuniperDialectHasNoPlaceForThemAndTheServerTakesBootstrapCompleteWithout() throws Exception {
    FaultWorld w = new FaultWorld(new FaultWorld.Config(ImageStaging.DEVICE_FETCHES, ProvisioningMode.DEFAULT, true,
        Dialect.JUNIPER, Encoding.XML, 2, false), b -> b, b -> b.addSshHostKey(KEY).addTrustAnchorCert(ANCHOR));

    PhoneHomeResult result = w.runToTheEnd(1);

    ProgressReport complete = w.stored().get(w.stored().size() - 1).report();
    assertThat(complete.type()).isEqualTo(ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(complete.sshHostKeys()).isEmpty();
    assertThat(result.allNotificationsDelivered()).isTrue();
  }
}
