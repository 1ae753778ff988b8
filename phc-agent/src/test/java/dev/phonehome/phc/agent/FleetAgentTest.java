package dev.phonehome.phc.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.PhcDeviceException;
import dev.phonehome.phc.api.client.PhoneHomeEventListener;
import dev.phonehome.phc.api.device.DeviceOperations;
import dev.phonehome.phc.api.device.ImageStaging;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.ImageVerification;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Agents in one JVM on a real PostgreSQL queue, a real {@link PhoneHomeServer} over HTTPS, and simulated VCs
 * ({@link FakeVirtualChassis} on a virtual clock) that outlive the agents: leases, takeover with resume from the
 * device's saved state, fencing of an agent that lost its lease, retries, clean release.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FleetAgentTest {
  private static final String OLD = "21.4R1.12";
  private static final String NEW = "21.4R3.15";
  private static final String IMAGE_NAME = "jinstall-ex-4300-21.4R3.15-signed.tgz";
  private static final String IMAGE_URI = "https://images.example.net/" + IMAGE_NAME;
  private static final byte[] IMAGE = new byte[100_000];
  private static final Duration LEASE = Duration.ofSeconds(2);

  static {
    new Random(1).nextBytes(IMAGE);
  }

  private final TestPki pki = TestPki.create();
  private final VirtualClock clock = new VirtualClock();
  private final InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
  private final Map<String, FakeVirtualChassis> vcs = new LinkedHashMap<>();
  /** Every device operation that passed an agent's fence: agent, VC, operation, when (nanoTime). */
  private final List<Op> ops = new CopyOnWriteArrayList<>();
  private final List<FleetAgent> agents = new ArrayList<>();
  private PgTestDatabase pg;
  private JdbcDatabase db;
  private AgentWorkQueue queue;
  private PhoneHomeServer phs;

  record Op(String agent, String vc, String operation, long at) {}

  @BeforeEach
  void start() {
    pg = PgTestDatabase.create("fleet");
    db = pg.connect();
    queue = AgentWorkQueue.create(db);
    phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext()).bind("127.0.0.1", 0)
        .build().start();
  }

  @AfterEach
  void stop() {
    for (FleetAgent a : agents) {
      a.close();
    }
    if (phs != null) {
      phs.close();
    }
    if (db != null) {
      db.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** A 3-member VC named {@code name}, its record on the PHS, and its entry in the queue. */
  private VcTarget addVc(String name, int maxAttempts) {
    String prefix = "PE" + name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "");
    VirtualChassisModel model = VirtualChassisModel.builder().clock(clock)
        .imageSource(uri -> {
          if (uri.equals(IMAGE_URI)) {
            return new ByteArrayInputStream(IMAGE);
          }
          throw new IOException("no route to " + uri);
        })
        .member(0, prefix + "0", "ex4300-48p", OLD).member(1, prefix + "1", "ex4300-48p", OLD)
        .member(2, prefix + "2", "ex4300-48p", OLD).primary(0).backup(1).build();
    vcs.put(name, FakeVirtualChassis.builder(model).imageStaging(ImageStaging.DEVICE_FETCHES).build());
    records.put(prefix + "0", OnboardingInformation.builder()
        .bootImage(BootImage.builder().name(IMAGE_NAME).addDownloadUri(IMAGE_URI)
            .addVerification(new ImageVerification(HashAlgorithm.SHA_256, sha256(IMAGE))).build())
        .configuration(Bytes.utf8("<configuration><system><host-name>" + name + "</host-name></system>"
            + "</configuration>"))
        .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT,
            List.of(IntendedMember.of(prefix + "0"), IntendedMember.of(prefix + "1"), IntendedMember.of(prefix + "2"))))
        .build());
    VcTarget t = VcTarget.builder("192.0.2.10").name(name).credentials("lab").maxAttempts(maxAttempts)
        .bootstrapServers(phs.url().toString()).build();
    queue.enqueue(t);
    return t;
  }

  private static Bytes sha256(byte[] b) {
    try {
      return Bytes.of(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The connector of {@code agent}: the shared simulated VCs, every operation recorded with the agent's name. */
  private DeviceConnector connector(String agent) {
    return target -> {
      FakeVirtualChassis vc = vcs.get(target.name());
      if (vc == null) {
        throw new PhcDeviceException("credentials", null, "credentials 'lab': no file /nonexistent/lab");
      }
      return (DeviceOperations) Proxy.newProxyInstance(DeviceOperations.class.getClassLoader(),
          new Class<?>[] {DeviceOperations.class}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
              return method.invoke(vc, args);
            }
            ops.add(new Op(agent, target.name(), method.getName(), System.nanoTime()));
            try {
              return method.invoke(vc, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    };
  }

  private FleetAgent.Builder agent(String id, int workers) {
    return FleetAgent.builder(queue).agentId(id).workers(workers).lease(LEASE).pollInterval(Duration.ofMillis(50))
        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(40))
        .deviceConnector(connector(id))
        .client(PhoneHomeClient.builder().sslContext(pki.clientSslContext(null), pki.clientTrustManager())
            .clock(clock).sleeper(clock).maxRounds(2).notificationDrainTimeout(Duration.ofSeconds(30)));
  }

  private FleetAgent started(FleetAgent.Builder b) {
    FleetAgent a = b.build();
    agents.add(a);
    return a.start();
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Successful installs on each member, from the simulated chassis' own log. */
  private static List<String> installs(FakeVirtualChassis vc) {
    return vc.model().operationSummaries("install-image").stream().filter(s -> !s.contains("result=")).toList();
  }

  private void assertOneRunOnThePhs(String serial) {
    List<DeviceNotification> timeline = phs.progress().timeline(serial);
    Set<String> runs = new HashSet<>();
    Set<NotificationId> ids = new HashSet<>();
    for (DeviceNotification n : timeline) {
      NotificationId id = n.report().notificationId();
      assertThat(id).as("every notification carries an id").isNotNull();
      runs.add(id.run());
      assertThat(ids.add(id)).as("stored once: " + id).isTrue();
    }
    assertThat(runs).as("one engine run, resumed across agents, not restarted").hasSize(1);
    assertThat(timeline).filteredOn(n -> n.report().type() == ProgressType.BOOTSTRAP_INITIATED).hasSize(1);
    assertThat(timeline).filteredOn(n -> n.report().type() == ProgressType.BOOTSTRAP_COMPLETE).hasSize(1);
  }

  @Test
  void twoAgentsProvisionEveryVcOnceEachDrivenByOneAgent() throws Exception {
    for (int i = 0; i < 6; i++) {
      addVc("vc" + i, 3);
    }
    FleetAgent a = started(agent("agent-a", 2));
    FleetAgent b = started(agent("agent-b", 2));
    assertThat(a.awaitDrained(Duration.ofSeconds(90))).isTrue();
    assertThat(b.awaitDrained(Duration.ofSeconds(30))).isTrue();

    assertThat(queue.list()).hasSize(6).allSatisfy(q -> {
      assertThat(q.state()).isEqualTo(VcState.COMPLETED);
      assertThat(q.attempts()).isEqualTo(1);
      assertThat(q.completedBy()).isIn("agent-a", "agent-b");
      assertThat(q.result()).startsWith("provisioned from " + phs.url().toString().replaceAll("/$", ""))
          .contains("members 0 upgraded, 1 upgraded, 2 upgraded");
      assertThat(q.deviceSerial()).isEqualTo("PE" + q.name().toUpperCase(java.util.Locale.ROOT) + "0");
      assertThat(q.step()).isEqualTo("COMPLETE");
    });
    assertThat(queue.leases()).hasSize(6).allSatisfy(l -> {
      assertThat(l.outcome()).isEqualTo("completed");
      assertThat(l.engineStart()).isEqualTo("fresh");
    });
    for (Map.Entry<String, FakeVirtualChassis> e : vcs.entrySet()) {
      assertThat(installs(e.getValue())).as(e.getKey()).hasSize(3);
      Set<String> drivers = new HashSet<>();
      ops.stream().filter(o -> o.vc().equals(e.getKey())).forEach(o -> drivers.add(o.agent()));
      assertThat(drivers).as("agents that acted on " + e.getKey()).hasSize(1);
      assertOneRunOnThePhs("PE" + e.getKey().toUpperCase(java.util.Locale.ROOT) + "0");
    }
    assertThat(a.driving()).isEmpty();
  }

  /** Blocks the engine of one agent when it is about to start {@code step}, until released or interrupted. */
  private static final class Gate implements Function<VcTarget, PhoneHomeEventListener> {
    final String step;
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean interrupted;

    Gate(String step) {
      this.step = step;
    }

    @Override
    public PhoneHomeEventListener apply(VcTarget t) {
      return new PhoneHomeEventListener() {
        @Override
        public void stepStarted(String s) {
          if (s.equals(step) && reached.getCount() > 0) {
            reached.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              interrupted = true;
              Thread.currentThread().interrupt();
            }
          }
        }
      };
    }
  }

  /** Records the agent's view of its leases. */
  private static final class Events implements FleetAgentListener {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void claimed(VcTarget vc, long generation, int attempt, String takenOverFrom) {
      lines.add("claimed " + vc.name() + " #" + generation + (takenOverFrom == null ? "" : " from " + takenOverFrom));
    }

    @Override
    public void engineStarted(VcTarget vc, String how, String step) {
      lines.add("engine " + how + (step == null ? "" : " at " + step));
    }

    @Override
    public void leaseLost(VcTarget vc, String reason) {
      lines.add("lost " + vc.name() + ": " + reason);
    }

    @Override
    public void released(VcTarget vc) {
      lines.add("released " + vc.name());
    }

    @Override
    public void failed(VcTarget vc, String error, VcState next) {
      lines.add("failed " + vc.name() + " -> " + next + ": " + error);
    }

    @Override
    public void completed(VcTarget vc, String result) {
      lines.add("completed " + vc.name());
    }

    boolean has(String prefix) {
      return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }
  }

  @Test
  void anAgentWhoseLeaseWasTakenOverStopsActingOnTheDeviceAndTheNewOwnerResumesFromTheDevicesState()
      throws Exception {
    addVc("vc", 5);
    Gate gate = new Gate("INSTALL_BACKUP");
    Events aEvents = new Events();
    // agent-a polls rarely: once it lost the VC, agent-b is the one to take it over.
    FleetAgent a = started(agent("agent-a", 1).engineListeners(gate).listener(aEvents)
        .pollInterval(Duration.ofSeconds(30)));
    assertThat(gate.reached.await(60, TimeUnit.SECONDS)).as("agent-a reached INSTALL_BACKUP").isTrue();
    List<String> linecardsDone = installs(vcs.get("vc"));
    assertThat(linecardsDone).as("the linecard was installed by agent-a").hasSize(1);
    long aOpsAtGate = ops.stream().filter(o -> o.agent().equals("agent-a")).count();

    // agent-a stalls; its lease runs out in the database (as if its renewals had stopped)...
    pg.sql("UPDATE phc_agent_vc SET lease_expires_at = now() - interval '1 second' WHERE name = 'vc'");
    // ...so its next renewal finds the lease gone, and its engine is stopped before touching the device again.
    await("agent-a to give up the VC", Duration.ofSeconds(30), () -> aEvents.has("lost vc"));
    assertThat(gate.interrupted).as("the stalled engine was interrupted").isTrue();
    long aStopped = System.nanoTime();
    assertThat(a.driving()).isEmpty();
    a.close();

    Events bEvents = new Events();
    FleetAgent b = started(agent("agent-b", 1).listener(bEvents));
    assertThat(b.awaitDrained(Duration.ofSeconds(60))).isTrue();

    assertThat(bEvents.lines).contains("claimed vc #2 from agent-a", "engine resumed at INSTALL_BACKUP",
        "completed vc");
    QueuedVc q = queue.find("vc").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.COMPLETED);
    assertThat(q.completedBy()).isEqualTo("agent-b");
    assertThat(q.attempts()).isEqualTo(2);
    List<LeaseRecord> leases = queue.leases("vc");
    assertThat(leases).extracting(LeaseRecord::agent).containsExactly("agent-a", "agent-b");
    assertThat(leases).extracting(LeaseRecord::outcome).containsExactly("expired", "completed");
    assertThat(leases.get(0).engineStart()).isEqualTo("fresh");
    assertThat(leases.get(1).engineStart()).isEqualTo("resumed");
    assertThat(leases.get(1).resumedStep()).isEqualTo("INSTALL_BACKUP");

    // The device: every member installed exactly once (agent-b did not start over), and agent-a did nothing after
    // it lost the lease; agent-b acted only after agent-a had stopped.
    assertThat(installs(vcs.get("vc"))).hasSize(3).doesNotHaveDuplicates();
    long aLast = ops.stream().filter(o -> o.agent().equals("agent-a")).mapToLong(Op::at).max().orElseThrow();
    long bFirst = ops.stream().filter(o -> o.agent().equals("agent-b")).mapToLong(Op::at).min().orElseThrow();
    assertThat(aLast).as("agent-a's last device operation is before it stopped").isLessThan(aStopped);
    assertThat(aLast).as("agent-a's last device operation is before agent-b's first").isLessThan(bFirst);
    assertThat(ops.stream().filter(o -> o.agent().equals("agent-a")).count())
        .as("agent-a did nothing to the device after its lease was taken away").isEqualTo(aOpsAtGate);
    assertOneRunOnThePhs("PEVC0");
  }

  @Test
  void anAgentCutOffFromTheDatabaseStopsActingOnTheDeviceBeforeItsLeaseCanExpire() throws Exception {
    addVc("vc", 5);
    Gate gate = new Gate("REBOOT_LINECARDS");
    AtomicLong elapsed = new AtomicLong();
    Events aEvents = new Events();
    FleetAgent a = started(agent("agent-a", 1).engineListeners(gate).listener(aEvents)
        .pollInterval(Duration.ofSeconds(30)).ticker(() -> System.nanoTime() + elapsed.get()));
    assertThat(gate.reached.await(60, TimeUnit.SECONDS)).isTrue();
    // The database becomes unreachable: no renewal can succeed. A lease's worth of time passes on the agent's
    // clock; by its own clock the lease is past its safety margin, so the engine must not reboot the linecards.
    pg.goDown();
    elapsed.set(LEASE.toNanos());
    gate.release.countDown();
    await("agent-a to stop", Duration.ofSeconds(30), () -> aEvents.has("lost vc"));
    assertThat(aEvents.lines).anyMatch(l -> l.startsWith("lost vc") && l.contains("not renewed in time"));
    long aOps = ops.stream().filter(o -> o.agent().equals("agent-a")).count();
    assertThat(vcs.get("vc").model().operationSummaries("reboot")).as("the linecards were not rebooted").isEmpty();
    a.close();

    pg.comeBack();
    FleetAgent b = started(agent("agent-b", 1));
    assertThat(b.awaitDrained(Duration.ofSeconds(60))).isTrue();
    assertThat(ops.stream().filter(o -> o.agent().equals("agent-a")).count()).as("agent-a stayed stopped")
        .isEqualTo(aOps);
    assertThat(queue.leases("vc")).extracting(LeaseRecord::agent, LeaseRecord::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("agent-a", "expired"),
            org.assertj.core.groups.Tuple.tuple("agent-b", "completed"));
    assertThat(queue.leases("vc").get(1).resumedStep()).isEqualTo("REBOOT_LINECARDS");
    assertThat(installs(vcs.get("vc"))).hasSize(3).doesNotHaveDuplicates();
    assertOneRunOnThePhs("PEVC0");
  }

  @Test
  void closingAnAgentGivesItsVcBackAtOnceAndAnotherAgentResumesIt() throws Exception {
    addVc("vc", 5);
    Gate gate = new Gate("DETECT_LINECARDS");
    Events aEvents = new Events();
    FleetAgent a = started(agent("agent-a", 1).engineListeners(gate).listener(aEvents));
    assertThat(gate.reached.await(60, TimeUnit.SECONDS)).isTrue();
    a.close();
    assertThat(aEvents.lines).contains("released vc");
    QueuedVc q = queue.find("vc").orElseThrow();
    assertThat(q.state()).as("back in the queue without waiting for the lease").isEqualTo(VcState.QUEUED);
    assertThat(q.attempts()).as("a clean stop uses no attempt").isZero();

    FleetAgent b = started(agent("agent-b", 1));
    assertThat(b.awaitDrained(Duration.ofSeconds(60))).isTrue();
    assertThat(queue.leases("vc")).extracting(LeaseRecord::outcome).containsExactly("released", "completed");
    assertThat(queue.leases("vc").get(1).resumedStep()).isEqualTo("DETECT_LINECARDS");
    assertThat(installs(vcs.get("vc"))).hasSize(3).doesNotHaveDuplicates();
    assertOneRunOnThePhs("PEVC0");
  }

  @Test
  void aVcThatCannotBeReachedIsRetriedWithBackoffThenFailsWithItsLastError() throws Exception {
    queue.enqueue(VcTarget.builder("192.0.2.99").name("unreachable").credentials("lab").maxAttempts(3)
        .bootstrapServers(phs.url().toString()).build());
    Events events = new Events();
    FleetAgent a = started(agent("agent-a", 1).listener(events));
    assertThat(a.awaitDrained(Duration.ofSeconds(60))).isTrue();
    QueuedVc q = queue.find("unreachable").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.FAILED);
    assertThat(q.attempts()).isEqualTo(3);
    assertThat(q.lastError()).isEqualTo("credentials: credentials 'lab': no file /nonexistent/lab");
    assertThat(queue.leases("unreachable")).extracting(LeaseRecord::outcome).containsExactly("retry", "retry", "failed");
    assertThat(events.lines).filteredOn(l -> l.startsWith("failed unreachable -> QUEUED")).hasSize(2);
    assertThat(events.lines).filteredOn(l -> l.startsWith("failed unreachable -> FAILED")).hasSize(1);
  }
}
