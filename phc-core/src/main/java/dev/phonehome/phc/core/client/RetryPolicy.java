package dev.phonehome.phc.core.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential backoff with jitter and a cap: the n-th wait (1-based) is {@code min(cap, initial * multiplier^(n-1))},
 * then spread by up to {@code jitter} (a fraction, 0 to 1) either way.
 *
 * @param initialDelay the first wait
 * @param maxDelay the cap
 * @param multiplier growth per attempt, at least 1
 * @param jitter fraction of the wait to randomise, 0 to 1
 * @param notClaimedPolls how many times a server answering 404 (not claimed) is polled again before the next
 *     server is tried
 */
public record RetryPolicy(Duration initialDelay, Duration maxDelay, double multiplier, double jitter, int notClaimedPolls) {
  /** 5 s doubling to 5 min, 20% jitter, 3 polls of a 404 server. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(5), Duration.ofMinutes(5), 2.0, 0.2, 3);

  public RetryPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay, was " + initialDelay + ", " + maxDelay);
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be 0 to 1, was " + jitter);
    }
    if (notClaimedPolls < 0) {
      throw new IllegalArgumentException("notClaimedPolls must not be negative, was " + notClaimedPolls);
    }
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures (1-based). */
  public Duration delay(int attempt, Random random) {
    double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxDelay.toMillis());
    double spread = capped * jitter * (2 * random.nextDouble() - 1);
    long millis = (long) Math.max(0, Math.min(maxDelay.toMillis(), capped + spread));
    return Duration.ofMillis(millis);
  }
}
