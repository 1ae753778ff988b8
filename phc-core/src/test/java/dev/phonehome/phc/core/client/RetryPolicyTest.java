package dev.phonehome.phc.core.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoffDoublesUpToTheCapWithoutJitter() {
    RetryPolicy p = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0, 0.0, 3);
    Random r = new Random(1);
    assertThat(p.delay(1, r)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(2, r)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.delay(4, r)).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.delay(5, r)).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.delay(500, r)).isEqualTo(Duration.ofSeconds(10));
  }

  @Property
  void jitteredDelayStaysWithinItsBandAndTheCap(@ForAll @IntRange(min = 1, max = 60) int attempt, @ForAll long seed) {
    RetryPolicy p = RetryPolicy.DEFAULT;
    Duration d = p.delay(attempt, new Random(seed));
    double base = Math.min(5_000 * Math.pow(2, attempt - 1), 300_000);
    assertThat(d.toMillis()).isBetween((long) (base * 0.8) - 1, Math.min(300_000, (long) (base * 1.2) + 1));
  }

  @Test
  void sameSeedSameDelays() {
    assertThat(RetryPolicy.DEFAULT.delay(3, new Random(42))).isEqualTo(RetryPolicy.DEFAULT.delay(3, new Random(42)));
  }

  @Test
  void rejectsNonsenseWithTheValue() {
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0, 0))
        .hasMessage("multiplier must be at least 1, was 0.5");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1.5, 0))
        .hasMessage("jitter must be 0 to 1, was 1.5");
    assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(9), Duration.ofSeconds(1), 1, 0, 0))
        .hasMessageContaining("initialDelay <= maxDelay");
  }
}
