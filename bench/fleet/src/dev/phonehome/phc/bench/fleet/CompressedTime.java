package dev.phonehome.phc.bench.fleet;

import dev.phonehome.phc.api.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Real time, compressed: virtual time runs {@code scale} times faster than the wall clock, and a sleep of a
 * virtual duration really sleeps {@code duration / scale}. Unlike the test kit's VirtualClock (where a sleep
 * advances time at once for everybody), every VC here waits on its own, so thousands of VCs are genuinely in
 * flight at the same time: a 3-minute reboot at scale 60 keeps its VC busy for 3 real seconds.
 */
final class CompressedTime extends Clock implements Sleeper {
  private final Instant epoch;
  private final long originNanos;
  private final double scale;

  CompressedTime(Instant epoch, double scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be at least 1, was " + scale);
    }
    this.epoch = epoch;
    this.originNanos = System.nanoTime();
    this.scale = scale;
  }

  @Override
  public Instant instant() {
    return epoch.plusNanos((long) ((System.nanoTime() - originNanos) * scale));
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    if (duration.isNegative() || duration.isZero()) {
      return;
    }
    long realNanos = (long) (duration.toNanos() / scale);
    Thread.sleep(realNanos / 1_000_000, (int) (realNanos % 1_000_000));
  }

  /** A virtual duration as real seconds. */
  double realSeconds(Duration virtual) {
    return virtual.toNanos() / scale / 1e9;
  }
}
