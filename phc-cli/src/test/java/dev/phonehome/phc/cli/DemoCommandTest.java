package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code phc demo} end to end: embedded PHS over HTTPS, simulated Junos VC over NETCONF/SSH, image over HTTPS,
 * the real client engine, all on loopback with a virtual clock.
 */
class DemoCommandTest {
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void defaultModeProvisionsTheFourMemberVcAndExitsZero() {
    CliRun r = CliRun.of("demo");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("Reboots run in compressed time")
        .contains("vc-member-upgrade-success")
        .contains("bootstrap-complete")
        .contains("image download [##############################] 100%")
        .contains("result        SUCCESS: the Virtual Chassis was provisioned")
        .contains("members       0 upgraded, 1 upgraded, 2 upgraded, 3 upgraded")
        .contains("PHS view      PE3714100218 complete")
        .contains("exit code     0");
    assertThat(r.out()).containsPattern("PE3714100221 +linecard +21\\.4R3\\.15 +upgraded");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void strictModeWithAMissingMemberFailsWithExitOneAndSaysWhy() {
    CliRun r = CliRun.of("demo", "--mode", "strict", "--missing-member", "2");
    assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(ExitCodes.PROVISIONING_FAILED);
    assertThat(r.out())
        .contains("mode strict")
        .contains("vc-member-detection-failed")
        .contains("result        FAILED: ")
        .contains("exit code     1");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void defaultModeGoesOnPastAFailedInstallAndReportsTheMember() {
    CliRun r = CliRun.of("demo", "--fail-member", "3");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("vc-member-upgrade-failed")
        .contains("bootstrap-complete")
        .contains("result        SUCCESS")
        .contains("3 install failed");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void rfc8572DialectProvisionsTooAndThePhsRestoresTheVcTypes() {
    CliRun r = CliRun.of("demo", "--dialect", "rfc8572", "--members", "2");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("RFC 8572 dialect", "(4 MiB, sha-256)", "vc-member-upgrade-success",
        "bootstrap-complete", "result        SUCCESS");
  }
}
