package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.MemberStatus;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VcNotification;
import dev.phonehome.phc.testkit.VirtualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DemoDisplayTest {
  private final VirtualClock clock = new VirtualClock();
  private final List<VcMember> members = new ArrayList<>(List.of(
      new VcMember(0, "PE0", "ex4300-48p", MemberRole.PRIMARY, MemberStatus.PRESENT, "20.4R3.8"),
      new VcMember(1, "PE1", "ex4300-48p", MemberRole.BACKUP, MemberStatus.PRESENT, "20.4R3.8")));

  private DemoDisplay display(StringWriter sw, boolean terminal) {
    return new DemoDisplay(new PrintWriter(sw, true), terminal, clock, () -> List.copyOf(members),
        id -> Optional.empty());
  }

  @Test
  void withoutATerminalTheTableIsPrintedOnlyWhenItChanges() {
    StringWriter sw = new StringWriter();
    DemoDisplay d = display(sw, false);
    d.refresh(true);
    d.refresh(false);
    assertThat(sw.toString().split("ID  SERIAL", -1)).hasSize(2);
    members.set(1, members.get(1).withStatus(MemberStatus.NOT_PRESENT));
    clock.advance(Duration.ofMinutes(3));
    d.notification(VcNotification.IMAGE_INSTALLED_REBOOTING.about(members.get(1).ref()));
    String out = sw.toString();
    assertThat(out.split("ID  SERIAL", -1)).hasSize(3);
    assertThat(out).contains("+03:00  vc-member-image-installed")
        .containsPattern("1 +PE1 +backup +20\\.4R3\\.8 +rebooting \\(down\\)")
        .doesNotContain("\u001b[");
  }

  @Test
  void withoutATerminalTheProgressBarIsPrintedAtEveryQuarter() {
    StringWriter sw = new StringWriter();
    DemoDisplay d = display(sw, false);
    for (long sent = 0; sent <= 1000; sent += 50) {
      d.imageProgress(sent, 1000);
    }
    assertThat(sw.toString().lines().filter(l -> l.startsWith("image download"))).hasSize(5);
    assertThat(sw.toString()).contains("100%");
  }

  @Test
  void onATerminalTheLiveRegionIsRedrawnInPlace() {
    StringWriter sw = new StringWriter();
    DemoDisplay d = display(sw, true);
    d.refresh(true);
    d.imageProgress(500, 1000);
    d.line("hello");
    assertThat(sw.toString()).contains("\u001b[3A\r\u001b[J").contains("50%").contains("hello");
  }
}
