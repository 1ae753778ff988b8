package dev.phonehome.phc.core.internal.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counting windows per key (a source address, a serial number), thread-safe, with a bounded number of keys:
 * when the table is full, expired windows are swept; a key that still finds no room is not tracked (a flood
 * of distinct keys costs bounded memory, and each of those keys is limited by the others it shares a source
 * or serial with).
 */
final class RateLimits {
  static final int MAX_KEYS = 100_000;

  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  RateLimits(Clock clock) {
    this.clock = clock;
  }

  /** A fixed one-minute window: a count and when it started. */
  private static final class Window {
    long start;
    int count;

    Window(long start) {
      this.start = start;
    }
  }

  /**
   * Fixed windows of one minute: how long until {@code key} may try again when it has used up {@code limit}
   * events in the current window, else zero.
   */
  Duration blockedFor(String key, int limit) {
    Window w = windows.get(key);
    if (w == null) {
      return Duration.ZERO;
    }
    long now = clock.millis();
    synchronized (w) {
      if (now - w.start >= 60_000) {
        return Duration.ZERO;
      }
      return w.count >= limit ? Duration.ofMillis(60_000 - (now - w.start)) : Duration.ZERO;
    }
  }

  /** Counts {@code n} events for {@code key}. */
  void count(String key, int n) {
    long now = clock.millis();
    Window w = windows.get(key);
    if (w == null) {
      if (windows.size() >= MAX_KEYS) {
        sweep(now);
        if (windows.size() >= MAX_KEYS) {
          return;
        }
      }
      w = windows.computeIfAbsent(key, k -> new Window(now));
    }
    synchronized (w) {
      if (now - w.start >= 60_000) {
        w.start = now;
        w.count = 0;
      }
      w.count += n;
    }
  }

  /**
   * Takes {@code n} events for {@code key} when they fit under {@code limit} in the current window; else counts
   * nothing and says how long until the window is over.
   */
  Duration tryTake(String key, int n, int limit) {
    long now = clock.millis();
    Window w = windows.get(key);
    if (w == null) {
      if (windows.size() >= MAX_KEYS) {
        sweep(now);
      }
      w = windows.computeIfAbsent(key, k -> new Window(now));
    }
    synchronized (w) {
      if (now - w.start >= 60_000) {
        w.start = now;
        w.count = 0;
      }
      if (w.count + n > limit) {
        return Duration.ofMillis(Math.max(1, 60_000 - (now - w.start)));
      }
      w.count += n;
      return Duration.ZERO;
    }
  }

  private void sweep(long now) {
    for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext(); ) {
      Window w = it.next().getValue();
      synchronized (w) {
        if (now - w.start >= 60_000) {
          it.remove();
        }
      }
    }
  }
}
