package dev.phonehome.phc.testkit.vc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class VirtualClockTest {

  @Test
  void sleepAdvancesVirtualTimeAtOnce() {
    VirtualClock clock = new VirtualClock();
    long before = System.nanoTime();
    clock.sleep(Duration.ofMinutes(10));
    assertThat(System.nanoTime() - before).isLessThan(Duration.ofSeconds(1).toNanos());
    assertThat(clock.instant()).isEqualTo(VirtualClock.DEFAULT_START.plus(Duration.ofMinutes(10)));
    assertThat(clock.totalSlept()).isEqualTo(Duration.ofMinutes(10));
    assertThat(clock.sleepCount()).isEqualTo(1);
  }

  @Test
  void scheduledActionsRunInInstantOrderAtTheirInstant() {
    VirtualClock clock = new VirtualClock(Instant.parse("2030-01-01T00:00:00Z"));
    List<String> seen = new ArrayList<>();
    clock.scheduleAfter(Duration.ofSeconds(30), () -> seen.add("b@" + clock.instant()));
    clock.scheduleAfter(Duration.ofSeconds(10), () -> seen.add("a@" + clock.instant()));
    VirtualClock.Cancellable c = clock.scheduleAfter(Duration.ofSeconds(20), () -> seen.add("cancelled"));
    c.cancel();
    clock.advance(Duration.ofMinutes(1));
    assertThat(seen).containsExactly("a@2030-01-01T00:00:10Z", "b@2030-01-01T00:00:30Z");
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:01:00Z"));
    assertThat(clock.pendingActions()).isEmpty();
  }

  @Test
  void listenersHearTimeChangesAndZoneViewsShareTime() {
    VirtualClock clock = new VirtualClock();
    List<Instant> heard = new ArrayList<>();
    clock.addListener(heard::add);
    VirtualClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
    paris.advance(Duration.ofHours(1));
    assertThat(clock.instant()).isEqualTo(paris.instant());
    assertThat(heard).last().isEqualTo(clock.instant());
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).hasMessageContaining("cannot go back in time");
  }

  @Test
  void concurrentSleepersNeverMoveTimeBackwards() throws Exception {
    VirtualClock clock = new VirtualClock();
    int threads = 4;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      new Thread(() -> {
        Instant last = clock.instant();
        for (int i = 0; i < 1000; i++) {
          clock.sleep(Duration.ofMillis(1));
          Instant now = clock.instant();
          if (now.isBefore(last)) {
            throw new AssertionError("time went back");
          }
          last = now;
        }
        done.countDown();
      }).start();
    }
    done.await();
    assertThat(clock.instant()).isEqualTo(VirtualClock.DEFAULT_START.plusMillis(threads * 1000L));
  }
}
