package dev.phonehome.phc.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.model.ProgressType;
import org.junit.jupiter.api.Test;

/** Feed cursors as text, and the device state transitions every store applies. */
class FeedCursorTest {
  @Test
  void cursorTextRoundTripsAndStartIsZero() {
    assertThat(FeedCursor.of("0")).isSameAs(FeedCursor.START);
    assertThat(FeedCursor.of("7402.118").value()).isEqualTo("7402.118");
    assertThat(FeedCursor.of("7402.118")).isEqualTo(FeedCursor.of("7402.118")).hasToString("7402.118");
  }

  @Test
  void cursorRefusesTextThatNoStoreIssuesNamingIt() {
    assertThatThrownBy(() -> FeedCursor.of("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeedCursor.of("12 34")).hasMessageContaining("\"12 34\"");
    assertThatThrownBy(() -> FeedCursor.of("x".repeat(129))).hasMessageContaining("1-128 characters");
    assertThatThrownBy(() -> FeedCursor.of("a\u0000b")).hasMessageContaining("\"a?b\"");
  }

  @Test
  void statesFollowRequestsAndNotifications() {
    assertThat(DeviceState.NEVER_SEEN.afterRequest()).isEqualTo(DeviceState.REQUESTED);
    assertThat(DeviceState.UNCLAIMED.afterRequest()).isEqualTo(DeviceState.REQUESTED);
    assertThat(DeviceState.COMPLETE.afterRequest()).as("zeroized: a new run").isEqualTo(DeviceState.REQUESTED);
    assertThat(DeviceState.FAILED.afterRequest()).isEqualTo(DeviceState.REQUESTED);
    assertThat(DeviceState.IN_PROGRESS.afterRequest()).as("a new primary resuming").isEqualTo(DeviceState.IN_PROGRESS);
    assertThat(DeviceState.afterNotification(ProgressType.BOOTSTRAP_COMPLETE)).isEqualTo(DeviceState.COMPLETE);
    assertThat(DeviceState.afterNotification(ProgressType.BOOTSTRAP_ERROR)).isEqualTo(DeviceState.FAILED);
    assertThat(DeviceState.afterNotification(ProgressType.VC_BOOTSTRAP_FAILED)).isEqualTo(DeviceState.FAILED);
    assertThat(DeviceState.afterNotification(ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED))
        .isEqualTo(DeviceState.FAILED);
    assertThat(DeviceState.afterNotification(ProgressType.VC_MEMBER_UPGRADE_FAILED))
        .as("a member failing in default mode").isEqualTo(DeviceState.IN_PROGRESS);
    assertThat(DeviceState.afterNotification(ProgressType.of("vendor-phase"))).isEqualTo(DeviceState.IN_PROGRESS);
  }
}
