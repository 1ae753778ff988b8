package dev.phonehome.phc.agent;

import dev.phonehome.phc.api.PhcException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.core.client.MemberOutcome;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent that takes VCs from an {@link AgentWorkQueue} and provisions each with the phone-home client. Run one
 * per host (or several per host); they share the queue through PostgreSQL and never drive one VC at the same
 * time.
 *
 * <pre>{@code
 * AgentWorkQueue queue = AgentWorkQueue.create(db);
 * try (FleetAgent agent = FleetAgent.builder(queue)
 *     .agentId("agent-1.example.net")
 *     .workers(32)                                    // VCs driven at once by this agent
 *     .deviceConnector(DeviceConnector.junos(
 *         CredentialsResolver.directory(Path.of("/etc/phc/credentials")),
 *         HostKeyVerification.knownHosts(Path.of("/etc/phc/known_hosts"))))
 *     .client(PhoneHomeClient.builder().sslContext(ctx, trustManager).maxRounds(3))
 *     .build()
 *     .start()) {
 *   agent.awaitDrained(Duration.ofHours(8));           // or run until the process is stopped
 * }
 * }</pre>
 *
 * <p><b>How it works.</b> A claim thread takes ready VCs from the queue as workers free up (waiting
 * {@link Builder#pollInterval} when there are none). Each claimed VC is driven on its own worker thread: the
 * device is reached through the {@link DeviceConnector}, the engine is built from the client template and runs
 * to completion, and the outcome is recorded (completed; or failed, retried after a backoff until its attempts
 * are used). A lease thread renews every held lease in one statement every quarter of {@link Builder#lease}, with
 * the step each engine is at.
 *
 * <p><b>One agent per VC at a time.</b> The engine drives the device only through operations that first check
 * the lease: an operation starts only while the last successful claim or renewal, counted from when it was
 * <em>sent</em>, is younger than the lease minus a safety margin (a quarter of the lease). The database cannot
 * hand the VC to another agent before the lease expires there, which is later; so by the time another agent can
 * claim the VC, this one has stopped starting operations on it. When a renewal finds the lease gone (taken over,
 * cancelled) or the margin is reached without renewal (database unreachable, a long pause), the engine is
 * interrupted and stops; the state it saved on the device is where the next owner resumes. What this cannot
 * stop is an operation already <em>running</em> on the device when the margin is reached (a device cannot check
 * a fencing token): keep the margin longer than your slowest single operation is likely to overrun it, or use
 * a longer lease.
 *
 * <p><b>The database connection.</b> Give the {@link JdbcDatabase} behind the queue a socket timeout (for
 * PostgreSQL {@code .property("socketTimeout", "60")}, about the lease): without one, a statement on a connection
 * the network silently dropped waits for ever, and with it the agent's renewals. (The fence does not depend on
 * it: it closes by time.) Its pool needs a connection for the claims, one for the renewals and one per worker
 * recording an outcome at the same moment.
 *
 * <p><b>Stopping.</b> {@link #close()} stops claiming, stops every engine at its next device operation or wait,
 * and gives their VCs back at once (no attempt used), so another agent resumes them without waiting for the
 * lease to expire. An agent that dies ({@code kill -9}, a crash, a lost host) gives nothing back: its VCs are
 * taken over when their leases expire.
 */
public final class FleetAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetAgent.class);

  private final AgentWorkQueue queue;
  private final String agentId;
  private final int workers;
  private final Duration lease;
  private final long leaseNanos;
  private final long marginNanos;
  private final Duration renewEvery;
  private final Duration pollInterval;
  private final Duration backoffFirst;
  private final Duration backoffMax;
  private final Duration shutdownTimeout;
  private final PhoneHomeClient.Builder template;
  private final DeviceConnector connector;
  private final FleetAgentListener listener;
  private final Function<VcTarget, PhoneHomeEventListener> engineListeners;
  private final LongSupplier ticker;
  private final Random random;

  private final Map<Long, LeaseFence> active = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>();
  private final ExecutorService pool;
  private final ScheduledExecutorService leases;
  private final Thread claimer;
  private volatile boolean stopping;
  private boolean started;
  private boolean closed;

  private FleetAgent(Builder b) {
    this.queue = b.queue;
    this.agentId = b.agentId != null ? b.agentId : defaultAgentId();
    AgentWorkQueue.requireAgent(agentId);
    this.workers = b.workers;
    this.lease = b.lease;
    this.leaseNanos = b.lease.toNanos();
    this.marginNanos = b.lease.toNanos() / 4;
    this.renewEvery = b.lease.dividedBy(4);
    this.pollInterval = b.pollInterval;
    this.backoffFirst = b.backoffFirst;
    this.backoffMax = b.backoffMax;
    this.shutdownTimeout = b.shutdownTimeout;
    this.template = b.template != null ? b.template : PhoneHomeClient.builder().maxRounds(3);
    if (b.connector == null) {
      throw new IllegalStateException("deviceConnector is required, for example DeviceConnector.junos(...)");
    }
    this.connector = b.connector;
    this.listener = b.listener;
    this.engineListeners = b.engineListeners;
    this.ticker = b.ticker;
    this.random = b.random;
    this.pool = Executors.newFixedThreadPool(workers, named("phc-agent-vc-"));
    this.leases = Executors.newSingleThreadScheduledExecutor(named("phc-agent-leases-"));
    this.claimer = named("phc-agent-claims-").newThread(this::claimLoop);
  }

  /** A builder for an agent on {@code queue}. */
  public static Builder builder(AgentWorkQueue queue) {
    return new Builder(queue);
  }

  /** Starts claiming and driving VCs; returns this. */
  public synchronized FleetAgent start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    leases.scheduleWithFixedDelay(this::renewLeases, renewEvery.toMillis(), renewEvery.toMillis(),
        TimeUnit.MILLISECONDS);
    claimer.start();
    log.info("agent {} started: {} worker(s), lease {}, on {}", agentId, workers, lease, queue.database());
    return this;
  }

  /** This agent's name in the queue ({@link QueuedVc#owner()}, {@link LeaseRecord#agent()}). */
  public String agentId() {
    return agentId;
  }

  /** The names of the VCs this agent holds a lease on now. */
  public Set<String> driving() {
    Set<String> names = new TreeSet<>();
    for (LeaseFence f : active.values()) {
      if (!f.lost()) {
        names.add(f.lease().name());
      }
    }
    return names;
  }

  /**
   * Waits until the queue has nothing left to do (no VC queued or running: every one completed, failed or
   * cancelled) and this agent drives nothing.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitDrained(Duration timeout) throws InterruptedException {
    long deadline = ticker.getAsLong() + timeout.toNanos();
    while (true) {
      if (active.isEmpty()) {
        try {
          Map<VcState, Integer> counts = queue.counts();
          if (counts.get(VcState.QUEUED) == 0 && counts.get(VcState.RUNNING) == 0 && active.isEmpty()) {
            return true;
          }
        } catch (RuntimeException e) {
          listener.queueUnavailable(e);
        }
      }
      long left = deadline - ticker.getAsLong();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), pollInterval.toMillis())));
    }
  }

  // ------------------------------------------------------------------------------------------ claims

  private void claimLoop() {
    while (!stopping) {
      int free = workers - active.size();
      boolean more = false;
      if (free > 0) {
        long sent = ticker.getAsLong();
        try {
          List<Lease> got = queue.claim(agentId, free, lease);
          for (Lease l : got) {
            startDriving(new LeaseFence(l, sent, leaseNanos, marginNanos, ticker));
          }
          more = got.size() == free;
        } catch (RuntimeException e) {
          log.warn("agent {}: cannot claim VCs: {}", agentId, e.getMessage());
          listener.queueUnavailable(e);
        }
      }
      if (more) {
        continue;
      }
      try {
        wake.poll(jittered(pollInterval).toMillis(), TimeUnit.MILLISECONDS);
        wake.clear();
      } catch (InterruptedException e) {
        if (stopping) {
          return;
        }
      }
    }
  }

  private void startDriving(LeaseFence fence) {
    Lease l = fence.lease();
    active.put(l.vcId(), fence);
    log.info("agent {}: claimed {} (lease generation {}, attempt {}{})", agentId, l.name(), l.generation(),
        l.attempt(), l.takenOverFrom() == null ? "" : ", taken over from " + l.takenOverFrom());
    listener.claimed(l.target(), l.generation(), l.attempt(), l.takenOverFrom());
    try {
      pool.execute(() -> drive(fence));
    } catch (RejectedExecutionException e) {
      active.remove(l.vcId());
      giveBack(fence);
    }
  }

  // ------------------------------------------------------------------------------------------ driving one VC

  private void drive(LeaseFence fence) {
    Lease lease = fence.lease();
    VcTarget t = lease.target();
    fence.worker(Thread.currentThread());
    DeviceOperations device = null;
    PhoneHomeClient client = null;
    PhoneHomeResult result = null;
    Throwable failure = null;
    try {
      fence.check("connect");
      device = connector.connect(t);
      FencedDeviceOperations fenced = new FencedDeviceOperations(device, fence);
      String serial = t.serialNumber() != null ? t.serialNumber() : fenced.deviceInfo().serialNumber();
      EngineEvents events = new EngineEvents(queue, fence, listener, engineListeners.apply(t));
      synchronized (template) {
        client = template.bootstrapServers(t.bootstrapServers().toArray(new String[0]))
            .dialect(t.dialect())
            .serialNumber(serial)
            .deviceOperations(fenced)
            .eventListener(events)
            .build();
      }
      result = client.run();
    } catch (Exception | Error e) {
      failure = e;
    } finally {
      fence.worker(null);
      Thread.interrupted(); // the pool does not hand out connections to an interrupted thread
      if (client != null) {
        client.close();
      }
      if (device != null) {
        if (fence.lost()) {
          // Someone else may own the VC now: hang up without a word (no close-session, no unlock RPC).
          try {
            connector.abandon(t, device);
          } catch (RuntimeException e) {
            log.debug("abandoning the connection to {}: {}", t.name(), e.toString());
          }
        }
        if (device instanceof AutoCloseable c) {
          try {
            c.close(); // while the lease is held: the connection ends inside it
          } catch (Exception e) {
            log.debug("closing the device of {}: {}", t.name(), e.toString());
          }
        }
      }
    }
    try {
      if (fence.lost()) {
        lost(fence, Objects.requireNonNull(fence.lostReason()));
      } else if (result != null) {
        String summary = summary(result);
        if (queue.complete(agentId, lease, summary, fence.deviceSerial)) {
          log.info("agent {}: {} completed: {}", agentId, t.name(), summary);
          listener.completed(t, summary);
        } else {
          lost(fence, "the completion was not recorded: the lease was no longer current (its next owner finds the"
              + " completion on the device and records it)");
        }
      } else if (fence.stopping()) {
        giveBack(fence);
      } else {
        failed(fence, Objects.requireNonNull(failure));
      }
    } catch (RuntimeException e) {
      log.warn("agent {}: could not record the outcome of {} ({}); it is taken over when its lease expires",
          agentId, t.name(), e.getMessage());
      listener.queueUnavailable(e);
    } finally {
      active.remove(lease.vcId());
      if (!fence.lost()) {
        wake.offer(Boolean.TRUE); // a free worker: claim now (after a lost lease, only at the next poll)
      }
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  private void lost(LeaseFence fence, String reason) {
    log.warn("agent {}: stopped driving {}: {}", agentId, fence.lease().name(), reason);
    listener.leaseLost(fence.lease().target(), reason);
  }

  private void giveBack(LeaseFence fence) {
    try {
      if (queue.release(agentId, fence.lease(), "agent " + agentId + " stopped")) {
        log.info("agent {}: released {}", agentId, fence.lease().name());
        listener.released(fence.lease().target());
      } else {
        lost(fence, "the lease was no longer current when the agent stopped");
      }
    } catch (RuntimeException e) {
      log.warn("agent {}: could not release {} ({}); it is taken over when its lease expires", agentId,
          fence.lease().name(), e.getMessage());
      listener.queueUnavailable(e);
    }
  }

  private void failed(LeaseFence fence, Throwable e) {
    Lease lease = fence.lease();
    String error = describe(e);
    // A VC whose target the client cannot even be built for fails at once; everything else is retried.
    boolean permanent = e instanceof IllegalArgumentException || e instanceof IllegalStateException;
    Duration backoff = backoff(lease.attempt());
    try {
      Optional<VcState> next = queue.fail(agentId, lease, error, backoff, permanent);
      if (next.isEmpty()) {
        lost(fence, "the failure was not recorded: the lease was no longer current (" + error + ")");
        return;
      }
      log.warn("agent {}: {} attempt {} failed ({}): {}", agentId, lease.name(), lease.attempt(),
          next.get() == VcState.FAILED ? "no attempt left" : "retried in " + backoff.toSeconds() + " s", error);
      listener.failed(lease.target(), error, next.get());
    } catch (RuntimeException store) {
      log.warn("agent {}: could not record the failure of {} ({}); it is retried when its lease expires", agentId,
          lease.name(), store.getMessage());
      listener.queueUnavailable(store);
    }
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    if (e instanceof PhcException && m != null) {
      return m;
    }
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static String summary(PhoneHomeResult r) {
    StringBuilder b = new StringBuilder();
    b.append(r.alreadyCompleted() ? "already completed" : "provisioned");
    if (r.provisioningServer() != null) {
      b.append(" from ").append(r.provisioningServer());
    }
    if (!r.members().isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (MemberOutcome m : r.members()) {
        parts.add(m.memberId() + " " + m.status().name().toLowerCase(Locale.ROOT).replace('_', ' '));
      }
      b.append("; members ").append(String.join(", ", parts));
    }
    if (!r.notificationsQueued().isEmpty()) {
      b.append("; ").append(r.notificationsQueued().size()).append(" notification(s) not delivered yet");
    }
    return b.toString();
  }

  /** First backoff doubled per attempt, capped, with +-20% jitter so that failed VCs do not return in step. */
  Duration backoff(int attempt) {
    long first = backoffFirst.toMillis();
    long max = backoffMax.toMillis();
    long d = first;
    for (int i = 1; i < attempt && d < max; i++) {
      d *= 2;
    }
    d = Math.min(d, max);
    double jitter;
    synchronized (random) {
      jitter = 0.8 + 0.4 * random.nextDouble();
    }
    return Duration.ofMillis(Math.round(d * jitter));
  }

  private Duration jittered(Duration d) {
    double jitter;
    synchronized (random) {
      jitter = 0.8 + 0.4 * random.nextDouble();
    }
    return Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * jitter)));
  }

  // ------------------------------------------------------------------------------------------ leases

  private void renewLeases() {
    try {
      List<LeaseFence> held = new ArrayList<>();
      List<AgentWorkQueue.Renewal> renewals = new ArrayList<>();
      for (LeaseFence f : active.values()) {
        if (!f.lost()) {
          held.add(f);
          renewals.add(new AgentWorkQueue.Renewal(f.lease(), f.step, f.deviceSerial));
        }
      }
      if (!held.isEmpty()) {
        long sent = ticker.getAsLong();
        try {
          Set<Long> renewed = queue.renew(agentId, renewals, lease);
          for (LeaseFence f : held) {
            if (renewed.contains(f.lease().vcId())) {
              f.renewed(sent);
            } else if (active.containsKey(f.lease().vcId())) {
              f.lose("the lease is no longer this agent's (it expired and was taken over, or was cancelled)");
            }
          }
        } catch (RuntimeException e) {
          log.warn("agent {}: cannot renew {} lease(s): {}", agentId, held.size(), e.getMessage());
          listener.queueUnavailable(e);
        }
      }
      for (LeaseFence f : active.values()) {
        if (!f.lost() && f.remainingNanos() <= 0) {
          f.lose("not renewed in time: less than the safety margin of " + TimeUnit.NANOSECONDS.toMillis(marginNanos)
              + " ms was left of the lease");
        }
      }
    } catch (RuntimeException e) {
      log.error("agent {}: lease renewal failed", agentId, e);
    }
  }

  // ------------------------------------------------------------------------------------------ stopping

  /**
   * Stops claiming, stops every engine at its next device operation or wait (at most the shutdown timeout) and
   * gives its VC back to the queue at once.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stopping = true;
    claimer.interrupt();
    try {
      if (claimer.isAlive()) {
        claimer.join(shutdownTimeout.toMillis());
      }
      for (LeaseFence f : active.values()) {
        f.stop();
      }
      pool.shutdown();
      if (!pool.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("agent {}: {} VC(s) did not stop within {}; their leases expire and other agents take them over",
            agentId, active.size(), shutdownTimeout);
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    } finally {
      leases.shutdownNow();
      try {
        connector.close();
      } catch (Exception e) {
        log.debug("closing the device connector: {}", e.toString());
      }
      log.info("agent {} stopped", agentId);
    }
  }

  private static String defaultAgentId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "agent";
    }
    String pid = ManagementFactory.getRuntimeMXBean().getName().replaceFirst("@.*", "");
    String id = (host + "-" + pid).replaceAll("[^A-Za-z0-9._:@-]", "-");
    if (!Character.isLetterOrDigit(id.charAt(0))) {
      id = "agent-" + id;
    }
    return id.length() > 100 ? id.substring(0, 100) : id;
  }

  private ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public String toString() {
    return "FleetAgent[" + agentId + ", " + workers + " worker(s), driving " + driving() + "]";
  }

  /** Settings of a {@link FleetAgent}; {@link #deviceConnector} is required. */
  public static final class Builder {
    private final AgentWorkQueue queue;
    private @Nullable String agentId;
    private int workers = 16;
    private Duration lease = Duration.ofSeconds(60);
    private Duration pollInterval = Duration.ofSeconds(5);
    private Duration backoffFirst = Duration.ofSeconds(30);
    private Duration backoffMax = Duration.ofMinutes(30);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private PhoneHomeClient.@Nullable Builder template;
    private @Nullable DeviceConnector connector;
    private FleetAgentListener listener = FleetAgentListener.NONE;
    private Function<VcTarget, PhoneHomeEventListener> engineListeners = t -> PhoneHomeEventListener.NONE;
    private LongSupplier ticker = System::nanoTime;
    private Random random = new Random();

    private Builder(AgentWorkQueue queue) {
      this.queue = Objects.requireNonNull(queue, "queue");
    }

    /**
     * This agent's name in the queue: unique per running agent (default host name and process id). Letters,
     * digits and {@code ._:@-}, at most 100.
     */
    public Builder agentId(String agentId) {
      AgentWorkQueue.requireAgent(agentId);
      this.agentId = agentId;
      return this;
    }

    /** How many VCs this agent drives at once (default 16), one thread each. */
    public Builder workers(int workers) {
      if (workers < 1 || workers > 10_000) {
        throw new IllegalArgumentException("workers must be 1 to 10000, was " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * How long a lease lasts without renewal (default 60 s; at least 1 s): the longest a VC waits after its agent
     * died before another takes it over. Leases are renewed every quarter of it; the engine stops acting on a VC
     * once less than a quarter is left without a renewal.
     */
    public Builder lease(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("lease must be at least 1 s, was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /** How often an agent with free workers looks for ready VCs (default 5 s, jittered by +-20%). */
    public Builder pollInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException("pollInterval must be at least 10 ms, was " + interval);
      }
      this.pollInterval = interval;
      return this;
    }

    /** Backoff after a failed attempt: {@code first}, doubled per attempt up to {@code max} (default 30 s, 30 min). */
    public Builder retryBackoff(Duration first, Duration max) {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(max, "max");
      if (first.isNegative() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException("retryBackoff needs 0 <= first <= max, was " + first + ", " + max);
      }
      this.backoffFirst = first;
      this.backoffMax = max;
      return this;
    }

    /** How long {@link FleetAgent#close()} waits for engines to stop before leaving their leases to expire. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The template every VC's client is built from (default {@code PhoneHomeClient.builder().maxRounds(3)}): TLS
     * trust, timeouts, retry policy, image cache, rounds. The agent sets the servers, dialect, serial, device and
     * event listener per VC, and builds every client from this one builder, so they share one HTTP client. The
     * agent takes it over: do not change it afterwards. Bound each attempt ({@code maxRounds} or
     * {@code maxTotalTime}): an attempt that never ends holds its lease for ever.
     */
    public Builder client(PhoneHomeClient.Builder template) {
      this.template = Objects.requireNonNull(template, "template");
      return this;
    }

    /** How the agent reaches each VC, for example {@link DeviceConnector#junos}. Required. */
    public Builder deviceConnector(DeviceConnector connector) {
      this.connector = Objects.requireNonNull(connector, "connector");
      return this;
    }

    public Builder listener(FleetAgentListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** A listener for each VC's engine events (default none). */
    public Builder engineListeners(Function<VcTarget, PhoneHomeEventListener> perVc) {
      this.engineListeners = Objects.requireNonNull(perVc, "perVc");
      return this;
    }

    /** Randomness for the jitter of polls and backoffs (seed one for repeatable tests). */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The monotonic clock leases are measured on locally (tests). */
    Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Builds the agent; {@link FleetAgent#start()} starts it. */
    public FleetAgent build() {
      return new FleetAgent(this);
    }
  }
}
