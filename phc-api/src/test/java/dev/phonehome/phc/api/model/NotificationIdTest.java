package dev.phonehome.phc.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NotificationIdTest {

  @Test
  void parsesAndPrintsRunDashSequence() {
    NotificationId id = NotificationId.parse("5f0c2a9e71d3b846-17");
    assertThat(id.run()).isEqualTo("5f0c2a9e71d3b846");
    assertThat(id.sequence()).isEqualTo(17);
    assertThat(id).hasToString("5f0c2a9e71d3b846-17");
    assertThat(id.next()).isEqualTo(new NotificationId("5f0c2a9e71d3b846", 18));
  }

  @Test
  void ordersBySequenceWithinARun() {
    assertThat(new NotificationId("a", 9)).isLessThan(new NotificationId("a", 10));
    assertThat(new NotificationId("a", 10)).isLessThan(new NotificationId("b", 1));
  }

  @Test
  void refusesWhatIsNotAnId() {
    assertThatThrownBy(() -> NotificationId.parse("run-0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"run-0\"");
    assertThatThrownBy(() -> NotificationId.parse("a-b-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NotificationId.parse("x".repeat(33) + "-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NotificationId("ab", 0)).hasMessage("sequence must be at least 1, was 0");
    assertThatThrownBy(() -> new NotificationId("a b", 1)).hasMessageContaining("\"a b\"");
  }
}
