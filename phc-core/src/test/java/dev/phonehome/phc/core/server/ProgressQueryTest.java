package dev.phonehome.phc.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.ProgressListener;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.core.internal.server.ProgressStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Device states, timelines and members, on a virtual clock. */
class ProgressQueryTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<DeviceNotification> heard = new ArrayList<>();
  private ProgressStore store = new ProgressStore(InMemoryDeviceStore.create(5, 100), clock, Duration.ofMinutes(10),
      List.of(heard::add));

  private void report(String serial, ProgressType type) {
    store.recordNotification(serial, Dialect.RFC8572, ProgressReport.of(type, type.name()));
  }

  @Test
  void deviceNeverHeardFromIsNeverSeen() {
    assertThat(store.status("X").state()).isEqualTo(DeviceState.NEVER_SEEN);
    assertThat(store.timeline("X")).isEmpty();
    assertThat(store.devices()).isEmpty();
  }

  @Test
  void statesFollowRequestsAndNotifications() {
    store.recordRequest("A", Dialect.JUNIPER, "192.0.2.7");
    assertThat(store.status("A").state()).isEqualTo(DeviceState.REQUESTED);
    report("A", ProgressType.BOOT_IMAGE_INITIATED);
    DeviceStatus s = store.status("A");
    assertThat(s.state()).isEqualTo(DeviceState.IN_PROGRESS);
    assertThat(s.phase()).isEqualTo(ProgressType.BOOT_IMAGE_INITIATED);
    report("A", ProgressType.BOOTSTRAP_COMPLETE);
    assertThat(store.status("A").state()).isEqualTo(DeviceState.COMPLETE);

    report("B", ProgressType.VC_BOOTSTRAP_FAILED);
    assertThat(store.status("B").state()).isEqualTo(DeviceState.FAILED);
    report("C", ProgressType.BOOTSTRAP_ERROR);
    assertThat(store.status("C").state()).isEqualTo(DeviceState.FAILED);
    // A member failing in default mode is not the device failing.
    report("D", ProgressType.VC_MEMBER_UPGRADE_FAILED);
    assertThat(store.status("D").state()).isEqualTo(DeviceState.IN_PROGRESS);
    assertThat(store.devices()).extracting(DeviceStatus::serialNumber).containsExactly("A", "B", "C", "D");
  }

  @Test
  void deviceAskingAgainAfterFailureIsRequestedAgain() {
    report("A", ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED);
    assertThat(store.status("A").state()).isEqualTo(DeviceState.FAILED);
    clock.advance(Duration.ofSeconds(1));
    store.recordRequest("A", Dialect.JUNIPER, "192.0.2.7");
    assertThat(store.status("A").state()).isEqualTo(DeviceState.REQUESTED);
  }

  @Test
  void nothingHeardForLongerThanTheStallTimeIsStalled() {
    store.recordRequest("A", Dialect.JUNIPER, "192.0.2.7");
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.status("A").state()).isEqualTo(DeviceState.REQUESTED);
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.status("A").state()).isEqualTo(DeviceState.STALLED);
    report("A", ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING);
    assertThat(store.status("A").state()).isEqualTo(DeviceState.IN_PROGRESS);
    clock.advance(Duration.ofMinutes(11));
    DeviceStatus s = store.status("A");
    assertThat(s.state()).isEqualTo(DeviceState.STALLED);
    assertThat(s.phase()).isEqualTo(ProgressType.BOOT_IMAGE_INSTALLED_REBOOTING);
    report("A", ProgressType.BOOTSTRAP_COMPLETE);
    clock.advance(Duration.ofDays(1));
    assertThat(store.status("A").state()).isEqualTo(DeviceState.COMPLETE);
  }

  @Test
  void timelineIsBoundedDroppingTheOldestAndCountingThem() {
    for (int i = 0; i < 8; i++) {
      store.recordNotification("A", Dialect.JUNIPER, ProgressReport.of(ProgressType.INFORMATIONAL, "n" + i));
    }
    assertThat(store.timeline("A")).extracting(n -> n.report().message()).containsExactly("n3", "n4", "n5", "n6", "n7");
    DeviceStatus s = store.status("A");
    assertThat(s.droppedNotifications()).isEqualTo(3);
    assertThat(s.notifications()).isEqualTo(8);
    assertThat(heard).hasSize(8);
  }

  @Test
  void membersAreTheLastReportPerMemberId() {
    MemberRef m0 = new MemberRef(0, "S0", MemberRole.PRIMARY);
    MemberRef m1 = new MemberRef(1, "S1", MemberRole.BACKUP);
    store.recordNotification("A", Dialect.JUNIPER, ProgressReport.builder(ProgressType.VC_MEMBER_IMAGE_INSTALLED)
        .member(m1).message("installed").build());
    clock.advance(Duration.ofSeconds(30));
    store.recordNotification("A", Dialect.JUNIPER, ProgressReport.builder(ProgressType.VC_MEMBER_DETECTION_FAILED)
        .member(new MemberRef(1, "S1", MemberRole.LINECARD)).message("Did not come up post image upgrade").build());
    store.recordNotification("A", Dialect.JUNIPER, ProgressReport.builder(ProgressType.VC_MEMBER_UPGRADE_SUCCESS)
        .member(m0).message("No upgrade required.").build());
    List<ReportedMember> members = store.members("A");
    assertThat(members).extracting(ReportedMember::memberId).containsExactly(0, 1);
    assertThat(members.get(1).role()).isEqualTo(MemberRole.LINECARD);
    assertThat(members.get(1).lastType()).isEqualTo(ProgressType.VC_MEMBER_DETECTION_FAILED);
    assertThat(members.get(1).failed()).isTrue();
    assertThat(members.get(1).reportedAt()).isEqualTo(Instant.parse("2026-03-01T10:00:30Z"));
    assertThat(members.get(0).failed()).isFalse();
    assertThat(store.status("A").members()).isEqualTo(members);
  }

  @Test
  void throwingListenerIsSkippedAndTheNotificationStillStored() {
    List<DeviceNotification> second = new ArrayList<>();
    ProgressListener boom = n -> {
      throw new IllegalStateException("listener bug");
    };
    store = new ProgressStore(InMemoryDeviceStore.create(5, 100), clock, Duration.ofMinutes(10), List.of(boom, second::add));
    report("A", ProgressType.BOOTSTRAP_INITIATED);
    assertThat(store.timeline("A")).hasSize(1);
    assertThat(second).hasSize(1);
    assertThat(second.get(0).receivedAt()).isEqualTo(clock.instant());
  }
}
