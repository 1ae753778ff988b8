package dev.phonehome.phc.api;

import java.time.Duration;

/**
 * How the engine waits. Production code uses {@link #system()}; tests use the test kit's virtual clock,
 * where waiting advances virtual time at once.
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  static Sleeper system() {
    return d -> {
      if (!d.isNegative() && !d.isZero()) {
        Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));
      }
    };
  }
}
