package dev.phonehome.phc.testkit;

import dev.phonehome.phc.api.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A clock whose time moves only when told to: {@link #advance(Duration)}, or {@link #sleep(Duration)}, which
 * advances at once instead of waiting. Give it to an engine as both its {@link Clock} and its {@link Sleeper},
 * and a 10-minute member-detection timeout takes microseconds.
 *
 * <p>Actions can be scheduled at virtual instants ({@link #schedule(Instant, Runnable)}); they run, in instant
 * order, on the thread that advances time past them, with the clock reading their instant while they run.
 * Listeners hear every time change. Thread-safe: several threads may read, advance and sleep; time never goes
 * backwards. Actions and listeners run outside the clock's lock and may themselves read, schedule or advance.
 */
public final class VirtualClock extends Clock implements Sleeper {
  /** The default start: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final State state;
  private final ZoneId zone;

  /** A clock at {@link #DEFAULT_START}, zone UTC. */
  public VirtualClock() {
    this(DEFAULT_START);
  }

  /** A clock at {@code start}, zone UTC. */
  public VirtualClock(Instant start) {
    this(new State(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  private VirtualClock(State state, ZoneId zone) {
    this.state = state;
    this.zone = zone;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that shares this clock's time, schedule and listeners. */
  @Override
  public VirtualClock withZone(ZoneId newZone) {
    return new VirtualClock(state, Objects.requireNonNull(newZone, "zone"));
  }

  @Override
  public Instant instant() {
    synchronized (state) {
      return state.now;
    }
  }

  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  /** Advances virtual time by {@code duration} at once (zero or negative durations do nothing). */
  @Override
  public void sleep(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    synchronized (state) {
      state.sleeps++;
      if (!duration.isNegative()) {
        state.slept = state.slept.plus(duration);
      }
    }
    if (!duration.isNegative() && !duration.isZero()) {
      advance(duration);
    }
  }

  /**
   * Moves time forward by {@code duration}, running every scheduled action due on the way, in order. Advances
   * from several threads add up.
   *
   * @throws IllegalArgumentException for a negative duration
   */
  public void advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("cannot go back in time: " + duration);
    }
    Instant target;
    synchronized (state) {
      // Concurrent advances add up: each starts where the previous one (maybe still running actions) ends.
      Instant from = state.horizon.isAfter(state.now) ? state.horizon : state.now;
      target = from.plus(duration);
      state.horizon = target;
    }
    advanceTo(target);
  }

  /** Moves time forward to {@code target} (no-op when it is not after now), running due actions in order. */
  public void advanceTo(Instant target) {
    Objects.requireNonNull(target, "target");
    while (true) {
      Scheduled next;
      synchronized (state) {
        next = state.queue.peek();
        if (next != null && !next.at.isAfter(target)) {
          state.queue.poll();
          if (next.at.isAfter(state.now)) {
            state.now = next.at;
          }
        } else {
          next = null;
          if (target.isAfter(state.now)) {
            state.now = target;
          }
        }
      }
      if (next == null) {
        break;
      }
      fireListeners();
      if (!next.cancelled) {
        next.action.run();
      }
    }
    fireListeners();
  }

  /** Runs {@code action} when virtual time reaches {@code at} (at once, on the next advance, if already past). */
  public Cancellable schedule(Instant at, Runnable action) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    synchronized (state) {
      Scheduled s = new Scheduled(at, state.sequence++, action);
      state.queue.add(s);
      return s;
    }
  }

  /** Runs {@code action} after {@code delay} of virtual time. */
  public Cancellable scheduleAfter(Duration delay, Runnable action) {
    return schedule(instant().plus(delay), action);
  }

  /** Hears every time change with the new time. Returns a handle that removes the listener. */
  public Cancellable addListener(Consumer<Instant> listener) {
    Objects.requireNonNull(listener, "listener");
    state.listeners.add(listener);
    return () -> state.listeners.remove(listener);
  }

  /** The instants of actions scheduled and not yet run, in order. */
  public List<Instant> pendingActions() {
    synchronized (state) {
      List<Scheduled> copy = new ArrayList<>(state.queue);
      copy.sort(null);
      List<Instant> out = new ArrayList<>();
      for (Scheduled s : copy) {
        if (!s.cancelled) {
          out.add(s.at);
        }
      }
      return out;
    }
  }

  /** Total virtual time spent in {@link #sleep} so far. */
  public Duration totalSlept() {
    synchronized (state) {
      return state.slept;
    }
  }

  /** How many times {@link #sleep} was called. */
  public long sleepCount() {
    synchronized (state) {
      return state.sleeps;
    }
  }

  private void fireListeners() {
    Instant now = instant();
    for (Consumer<Instant> l : state.listeners) {
      l.accept(now);
    }
  }

  @Override
  public String toString() {
    return "VirtualClock[" + instant() + ", " + zone + "]";
  }

  /** Undoes a scheduled action or a listener registration. */
  @FunctionalInterface
  public interface Cancellable {
    void cancel();
  }

  private static final class State {
    Instant now;
    Instant horizon;
    long sequence;
    long sleeps;
    Duration slept = Duration.ZERO;
    final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    final List<Consumer<Instant>> listeners = new CopyOnWriteArrayList<>();

    State(Instant start) {
      this.now = start;
      this.horizon = start;
    }
  }

  private static final class Scheduled implements Comparable<Scheduled>, Cancellable {
    final Instant at;
    final long sequence;
    final Runnable action;
    volatile boolean cancelled;

    Scheduled(Instant at, long sequence, Runnable action) {
      this.at = at;
      this.sequence = sequence;
      this.action = action;
    }

    @Override
    public int compareTo(Scheduled o) {
      int c = at.compareTo(o.at);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
