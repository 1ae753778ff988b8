package dev.phonehome.phc.testkit.vc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Events follow each other in the model's own time, however seldom it is looked at: a member that rejoins takes
 * the backup role the settle time after it rejoined, not after whoever touches the model next (an agent
 * polling every few minutes, or a benchmark on compressed real time).
 */
@Timeout(10)
class VirtualChassisModelEventTimeTest {

  @Test
  void theBackupRoleFollowsTheRejoinBySettleTimeEvenWhenNobodyLookedInBetween() {
    VirtualClock clock = new VirtualClock();
    VirtualChassisModel vc = VirtualChassisModel.builder().clock(clock).rebootTime(Duration.ofMinutes(3))
        .roleSettleTime(Duration.ofSeconds(20))
        .member(0, "PE0", "ex4300-48p", "21.4R1.12").member(1, "PE1", "ex4300-48p", "21.4R1.12")
        .primary(0).backup(1).build();
    Instant rebooted = clock.instant();
    vc.reboot(List.of(1));

    clock.advance(Duration.ofMinutes(10)); // nobody touches the model for 10 minutes

    assertThat(vc.backupMemberId()).hasValue(1);
    assertThat(vc.operations()).filteredOn(op -> op.name().equals("role-change"))
        .singleElement().satisfies(op -> {
          assertThat(op.detail()).isEqualTo("member=1 role=backup");
          assertThat(op.at()).isEqualTo(rebooted.plus(Duration.ofMinutes(3)).plusSeconds(20));
        });
    assertThat(vc.member(1).orElseThrow().role()).isEqualTo(MemberRole.BACKUP);
  }
}
