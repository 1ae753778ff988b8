package dev.phonehome.phc.agent;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The agent's side of one lease: until when it may act on the device, measured on the agent's monotonic clock
 * from the moment the last successful claim or renewal was <em>sent</em> (so before the database computed the
 * expiry), minus a safety margin. The database cannot grant the VC to another agent before the lease expires
 * there, which is later than this; so once {@link #check} refuses, no other agent can have started yet.
 */
final class LeaseFence {
  private final Lease lease;
  private final long leaseNanos;
  private final long marginNanos;
  private final LongSupplier ticker;
  private volatile long validUntil;
  private volatile @Nullable String lostReason;
  private volatile boolean stopping;
  private volatile @Nullable Thread worker;
  volatile @Nullable String step;
  volatile @Nullable String deviceSerial;

  LeaseFence(Lease lease, long sentNanos, long leaseNanos, long marginNanos, LongSupplier ticker) {
    this.lease = lease;
    this.leaseNanos = leaseNanos;
    this.marginNanos = marginNanos;
    this.ticker = ticker;
    this.validUntil = sentNanos + leaseNanos - marginNanos;
  }

  Lease lease() {
    return lease;
  }

  /** The thread driving the VC; null once it let go (then no interrupt can reach the thread's next VC). */
  synchronized void worker(@Nullable Thread t) {
    this.worker = t;
  }

  /** A renewal sent at {@code sentNanos} succeeded. */
  void renewed(long sentNanos) {
    long until = sentNanos + leaseNanos - marginNanos;
    if (until > validUntil) {
      validUntil = until;
    }
  }

  /** Nanoseconds the fence stays open, negative when closed by time. */
  long remainingNanos() {
    return validUntil - ticker.getAsLong();
  }

  boolean lost() {
    return lostReason != null;
  }

  @Nullable String lostReason() {
    return lostReason;
  }

  boolean stopping() {
    return stopping;
  }

  /** The lease is gone: no device operation starts any more, and the engine's waits are interrupted. */
  void lose(String reason) {
    if (lostReason == null) {
      lostReason = reason;
    }
    interrupt();
  }

  /** The agent is stopping: the engine stops at its next device operation or wait; the lease is then released. */
  void stop() {
    stopping = true;
    interrupt();
  }

  private synchronized void interrupt() {
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Lets a device operation start only while the lease is held with at least the safety margin left.
   *
   * @throws LeaseLostException otherwise (and interrupts the calling thread, so that the engine's next wait ends)
   */
  void check(String operation) {
    String reason = lostReason;
    if (reason == null && stopping) {
      reason = "the agent is stopping";
    }
    if (reason == null && ticker.getAsLong() - validUntil >= 0) {
      lose("not renewed in time: the lease has less than its safety margin of "
          + TimeUnit.NANOSECONDS.toMillis(marginNanos) + " ms left");
      reason = lostReason;
    }
    if (reason != null) {
      if (Thread.currentThread() == worker) {
        Thread.currentThread().interrupt();
      }
      throw new LeaseLostException(operation, lease.name(), reason);
    }
  }
}
