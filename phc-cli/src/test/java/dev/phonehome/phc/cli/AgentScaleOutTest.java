package dev.phonehome.phc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.agent.AgentWorkQueue;
import dev.phonehome.phc.agent.LeaseRecord;
import dev.phonehome.phc.agent.QueuedVc;
import dev.phonehome.phc.agent.VcState;
import dev.phonehome.phc.agent.VcTarget;
import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.model.BootImage;
import dev.phonehome.phc.api.model.HashAlgorithm;
import dev.phonehome.phc.api.model.IntendedMember;
import dev.phonehome.phc.api.model.IntendedRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.ProvisioningMode;
import dev.phonehome.phc.api.model.VcMember;
import dev.phonehome.phc.api.model.VirtualChassisTopology;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import dev.phonehome.phc.testkit.junos.RecordedRpc;
import dev.phonehome.phc.testkit.junos.SimulatedJunosDevice;
import dev.phonehome.phc.testkit.pki.TestPki;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out of agents, end to end: three {@code phc agent run} child processes (real JVMs) share one PostgreSQL
 * work queue and provision eight simulated 3-member VCs (Junos over NETCONF/SSH, served from this JVM so that the
 * devices outlive the agents) against one {@link PhoneHomeServer} over HTTPS; one agent is killed with
 * {@code kill -9} while it waits for a VC's rebooting members.
 *
 * <p>Shown: every VC completed exactly once (queue, PHS); the killed agent's VCs were taken over after their
 * leases expired, and the engine resumed from the state saved on the device, not from zero (the lease records
 * it, the members installed before the kill were not installed again, the PHS saw one run); and no VC was ever
 * driven by two agents at once: every RPC a device received (each agent logs in with its own account, so the
 * device knows who sent what) falls inside a lease of that agent on that VC, and the agents' RPCs on a device
 * never interleave.
 *
 * <p>Cost: about a minute on a quiet 2-core machine (three JVM starts, reboots of 2 s, leases of 6 s).
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS)
class AgentScaleOutTest {
  private static final int VCS = 8;
  private static final int AGENTS = 3;
  private static final int WORKERS = 2;
  private static final String OLD_VERSION = "20.4R3.8";
  private static final Duration LEASE = Duration.ofSeconds(6);
  private static final Duration REBOOT = Duration.ofSeconds(2);

  @TempDir Path tmp;
  private final Map<String, Agent> agents = new LinkedHashMap<>();
  private final Map<String, Vc> vcs = new TreeMap<>();
  private final List<AutoCloseable> closeLast = new ArrayList<>();

  /** A simulated VC and its device. */
  private record Vc(String name, String primarySerial, VirtualChassisModel model, SimulatedJunosDevice device) {}

  /** An agent child process and what it printed. */
  private record Agent(String id, Process process, List<String> lines) {
    boolean printed(String fragment) {
      synchronized (lines) {
        return lines.stream().anyMatch(l -> l.contains(fragment));
      }
    }

    String output() {
      synchronized (lines) {
        return id + ":\n  " + String.join("\n  ", lines);
      }
    }
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (Agent a : agents.values()) {
      if (a.process().isAlive()) {
        a.process().destroyForcibly();
        a.process().waitFor(30, TimeUnit.SECONDS);
      }
    }
    for (Vc vc : vcs.values()) {
      vc.device().close();
    }
    Collections.reverse(closeLast);
    for (AutoCloseable c : closeLast) {
      c.close();
    }
  }

  @Test
  void threeAgentProcessesProvisionEveryVcOnceNeverTwoAtOnceAndAKilledAgentsVcsResumeElsewhere() throws Exception {
    PgTestDatabase pg = PgTestDatabase.create("scaleout");
    closeLast.add(pg);
    JdbcDatabase jdbc = JdbcDatabase.builder(pg.url()).user(PgTestDatabase.USER).password(PgTestDatabase.PASSWORD)
        .build();
    closeLast.add(jdbc);
    AgentWorkQueue queue = AgentWorkQueue.create(jdbc);

    TestPki pki = TestPki.create();
    DemoImage image = new DemoImage(256 * 1024, 15, EnumSet.of(HashAlgorithm.MD5, HashAlgorithm.SHA_1));
    DemoImageServer images = DemoImageServer.start(pki.serverSslContext(), image, (sent, total) -> { }, 0);
    closeLast.add(images);
    InMemoryProvisioningRecords records = new InMemoryProvisioningRecords();
    PhoneHomeServer phs = PhoneHomeServer.builder().records(records).sslContext(pki.serverSslContext())
        .bind("127.0.0.1", 0).build().start();
    closeLast.add(phs);

    // The VCs: each a simulated Junos VC on this JVM's clock, reboots in 2 s, one login per agent.
    SSLContext deviceTls = pki.clientSslContext(null);
    StringBuilder knownHosts = new StringBuilder();
    List<VcTarget> targets = new ArrayList<>();
    for (int i = 0; i < VCS; i++) {
      String name = String.format(Locale.ROOT, "vc%02d", i);
      VirtualChassisModel.Builder mb = VirtualChassisModel.builder().clock(Clock.systemUTC())
          .rebootTime(REBOOT).roleSettleTime(Duration.ofMillis(500))
          .image(DemoImage.FILE_NAME, DemoImage.VERSION, image.digest(HashAlgorithm.SHA_256))
          .imageSource(uri -> {
            HttpsURLConnection c = (HttpsURLConnection) URI.create(uri).toURL().openConnection();
            c.setSSLSocketFactory(deviceTls.getSocketFactory());
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            return c.getInputStream();
          });
      List<IntendedMember> intended = new ArrayList<>();
      for (int m = 0; m < 3; m++) {
        String serial = String.format(Locale.ROOT, "SO%02dM%d", i, m);
        mb.member(m, serial, "ex4300-48p", OLD_VERSION);
        intended.add(new IntendedMember(serial, m, m < 2 ? IntendedRole.ROUTING_ENGINE : IntendedRole.LINE_CARD,
            "ex4300-48p"));
      }
      VirtualChassisModel model = mb.primary(0).backup(1).build();
      SimulatedJunosDevice.Builder db = SimulatedJunosDevice.builder(model).hostName(name);
      for (int a = 1; a <= AGENTS; a++) {
        db.account("agent-" + a, "pw-agent-" + a);
      }
      SimulatedJunosDevice device = db.start();
      String primary = intended.get(0).serialNumber();
      vcs.put(name, new Vc(name, primary, model, device));
      knownHosts.append(device.knownHostsLine()).append('\n');
      records.put(primary, OnboardingInformation.builder()
          .bootImage(BootImage.builder().name(DemoImage.FILE_NAME).osName("junos").osVersion(DemoImage.VERSION)
              .addDownloadUri(images.uri().toString())
              .addVerification(image.verification(HashAlgorithm.MD5))
              .addVerification(image.verification(HashAlgorithm.SHA_1)).build())
          .configuration(Bytes.utf8("<configuration><system><host-name>" + name + "</host-name></system>"
              + "</configuration>"))
          .topology(VirtualChassisTopology.full(ProvisioningMode.DEFAULT, intended))
          .build());
      targets.add(VcTarget.builder(device.host()).port(device.port()).name(name).credentials("lab-vcs")
          .bootstrapServers(phs.url().toString()).maxAttempts(5).build());
    }

    Path kh = Files.writeString(tmp.resolve("known_hosts"), knownHosts);
    Path ca = Files.writeString(tmp.resolve("phs-ca.pem"), pki.tlsCaPem());
    for (int a = 1; a <= AGENTS; a++) {
      String id = "agent-" + a;
      Path dir = Files.createDirectories(tmp.resolve("credentials-" + id));
      Path file = Files.writeString(dir.resolve("lab-vcs"), "username=" + id + "\npassword=pw-" + id + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      agents.put(id, startAgent(id, pg, dir, kh, ca));
    }
    for (Agent a : agents.values()) {
      await("agent " + a.id() + " ready", Duration.ofSeconds(120), () -> a.printed(" ready: "), a);
    }

    // Work arrives: all VCs at once.
    assertThat(queue.enqueueAll(targets)).isEqualTo(VCS);

    // Kill -9 an agent while it waits for a VC's rebooting members (the engine's state is then on the device).
    String[] victim = new String[2];
    await("an agent waiting for rebooting members", Duration.ofSeconds(180), () -> {
      for (QueuedVc q : queue.list()) {
        Vc vc = vcs.get(q.name());
        // Waiting for a rebooting linecard or backup (not the primary: the kill must leave installs to do).
        if (q.state() == VcState.RUNNING && q.owner() != null
            && vc.model().members().stream().anyMatch(m -> !m.isPresent()) && installs(vc).size() < 3) {
          victim[0] = q.owner();
          victim[1] = q.name();
          return true;
        }
      }
      return false;
    }, null);
    Agent killed = agents.get(victim[0]);
    Vc victimVc = vcs.get(victim[1]);
    Instant killedAt = Instant.now();
    killed.process().destroyForcibly(); // SIGKILL, as kill -9 (no /bin/kill needed)
    assertThat(killed.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(killed.process().exitValue()).as("killed by SIGKILL").isEqualTo(137);
    // What the dead agent did to the VC (nobody else can act on it before its lease expires).
    List<String> installedBeforeKill = installs(victimVc);
    Set<String> heldByKilled = new HashSet<>();
    for (QueuedVc q : queue.list()) {
      if (victim[0].equals(q.owner())) {
        heldByKilled.add(q.name());
      }
    }
    assertThat(heldByKilled).contains(victim[1]);
    assertThat(installedBeforeKill).as("the victim VC was mid-process").isNotEmpty().hasSizeLessThan(3);

    await("every VC completed", Duration.ofSeconds(240),
        () -> queue.counts().get(VcState.COMPLETED) == VCS, null);
    for (Agent a : agents.values()) {
      if (a.process().isAlive()) {
        a.process().destroy(); // SIGTERM: the agent stops cleanly
        assertThat(a.process().waitFor(60, TimeUnit.SECONDS)).as(a.output()).isTrue();
      }
    }

    // 1. Every VC completed exactly once: one completed lease in the queue, one bootstrap-complete on the PHS.
    List<QueuedVc> all = queue.list();
    assertThat(all).hasSize(VCS).allSatisfy(q -> assertThat(q.state()).isEqualTo(VcState.COMPLETED));
    Map<String, List<LeaseRecord>> leases = new HashMap<>();
    for (LeaseRecord l : queue.leases()) {
      leases.computeIfAbsent(l.vcName(), k -> new ArrayList<>()).add(l);
    }
    int takeovers = 0;
    for (Vc vc : vcs.values()) {
      List<LeaseRecord> ls = leases.get(vc.name());
      assertThat(ls).filteredOn(l -> "completed".equals(l.outcome())).as(vc.name() + " " + ls).hasSize(1);
      assertThat(ls.get(ls.size() - 1).outcome()).isEqualTo("completed");
      for (int i = 1; i < ls.size(); i++) {
        assertThat(ls.get(i).claimedAt()).as(vc.name() + ": lease " + (i + 1) + " starts after lease " + i + " ended")
            .isAfterOrEqualTo(ls.get(i - 1).endedAt());
        takeovers++;
      }
      List<DeviceNotification> timeline = phs.progress().timeline(vc.primarySerial());
      assertThat(timeline).filteredOn(n -> n.report().type() == ProgressType.BOOTSTRAP_COMPLETE).hasSize(1);
      assertThat(timeline).filteredOn(n -> n.report().type() == ProgressType.BOOTSTRAP_INITIATED).hasSize(1);
      Set<String> runs = new HashSet<>();
      Set<NotificationId> ids = new HashSet<>();
      for (DeviceNotification n : timeline) {
        runs.add(n.report().notificationId().run());
        assertThat(ids.add(n.report().notificationId())).as("stored once").isTrue();
      }
      assertThat(runs).as(vc.name() + ": one engine run across its agents").hasSize(1);
      for (VcMember m : vc.model().members()) {
        assertThat(m.version()).as(vc.name() + " member " + m.memberId()).isEqualTo(DemoImage.VERSION);
      }
    }

    // 2. Never two agents at once, seen from the device: every RPC came from an agent holding a lease on that VC
    //    at that instant, and the agents' RPCs do not interleave (one agent's, then the next one's).
    for (Vc vc : vcs.values()) {
      List<LeaseRecord> ls = leases.get(vc.name());
      List<String> senders = new ArrayList<>();
      for (RecordedRpc rpc : vc.device().recordedRpcs()) {
        LeaseRecord held = ls.stream().filter(l -> l.agent().equals(rpc.user())
            && !rpc.at().isBefore(l.claimedAt()) && (l.endedAt() == null || !rpc.at().isAfter(l.endedAt())))
            .findFirst().orElse(null);
        assertThat(held).as(vc.name() + ": " + rpc.user() + " sent " + rpc.name() + " at " + rpc.at()
            + " inside one of its leases " + ls).isNotNull();
        if (senders.isEmpty() || !senders.get(senders.size() - 1).equals(rpc.user())) {
          senders.add(rpc.user());
        }
      }
      List<String> leaseHolders = new ArrayList<>();
      for (LeaseRecord l : ls) {
        if (senders.contains(l.agent()) && (leaseHolders.isEmpty()
            || !leaseHolders.get(leaseHolders.size() - 1).equals(l.agent()))) {
          leaseHolders.add(l.agent());
        }
      }
      assertThat(senders).as(vc.name() + ": the agents that sent RPCs, in order, are its lease holders in order")
          .isEqualTo(leaseHolders);
    }

    // 3. The killed agent's VCs: its lease expired, another agent took over and the engine resumed from the
    //    state on the device: the members installed before the kill were not installed again.
    for (String name : heldByKilled) {
      List<LeaseRecord> ls = leases.get(name);
      LeaseRecord dead = ls.stream().filter(l -> l.agent().equals(victim[0]) && "expired".equals(l.outcome()))
          .findFirst().orElseThrow(() -> new AssertionError(name + ": no expired lease of " + victim[0] + ": " + ls));
      assertThat(dead.endedAt()).as("it expired after the kill, within a lease").isAfter(killedAt)
          .isBefore(killedAt.plus(LEASE).plusSeconds(1));
      LeaseRecord next = ls.get(ls.indexOf(dead) + 1);
      assertThat(next.agent()).isNotEqualTo(victim[0]);
      assertThat(next.claimedAt()).isAfterOrEqualTo(dead.endedAt());
      assertThat(next.engineStart()).as(name + " resumed, not restarted").isEqualTo("resumed");
      assertThat(next.resumedStep()).isNotNull().isNotEqualTo("START");
      System.out.printf(Locale.ROOT, "%s: killed at %s, lease expired %d ms later, taken over by %s %d ms after"
          + " that, resumed at %s%n", name, killedAt, Duration.between(killedAt, dead.endedAt()).toMillis(),
          next.agent(), Duration.between(dead.endedAt(), next.claimedAt()).toMillis(), next.resumedStep());
      assertThat(agents.get(next.agent()).output()).contains("claimed " + name + " (lease " + next.generation())
          .contains("taken over from " + victim[0] + " whose lease expired")
          .contains(name + ": engine resumed at " + next.resumedStep() + " from the state saved on the VC");
    }
    assertThat(leases.get(victim[1]).stream().filter(l -> l.agent().equals(victim[0])).findFirst().orElseThrow()
        .outcome()).isEqualTo("expired");
    List<String> victimInstalls = installs(victimVc);
    assertThat(victimInstalls).as("each member of " + victim[1] + " installed once").hasSize(3)
        .doesNotHaveDuplicates().containsAll(installedBeforeKill);
    assertThat(installRpcsBy(victimVc, victim[0])).as("installs sent by the killed agent")
        .hasSize(installedBeforeKill.size());

    // 4. The VCs no agent lost on the way were driven by one agent, and each member was installed once.
    for (Vc vc : vcs.values()) {
      if (leases.get(vc.name()).size() == 1) {
        assertThat(installs(vc)).as(vc.name()).hasSize(3).doesNotHaveDuplicates();
      }
    }
    System.out.printf(Locale.ROOT, "scale-out: %d VCs, %d agents, killed %s holding %s; %d lease takeover(s)%n",
        VCS, AGENTS, victim[0], heldByKilled, takeovers);
    for (String name : heldByKilled) {
      for (LeaseRecord l : leases.get(name)) {
        System.out.println("  " + l);
      }
    }
    for (Agent a : agents.values()) {
      System.out.println(a.output());
    }
  }

  private Agent startAgent(String id, PgTestDatabase pg, Path credentials, Path knownHosts, Path ca)
      throws IOException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), "dev.phonehome.phc.cli.Main", "agent", "run",
        "--database", pg.url(), "--database-user", PgTestDatabase.USER,
        "--agent-id", id, "--workers", Integer.toString(WORKERS), "--lease", LEASE.toString(), "--poll", "PT0.2S",
        "--retry-backoff", "PT1S", "--retry-backoff-max", "PT2S",
        "--credentials-dir", credentials.toString(), "--known-hosts", knownHosts.toString(),
        "--ca-file", ca.toString(), "--rounds", "2",
        "--member-detection-timeout", "PT120S", "--detection-poll", "PT0.25S");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PHC_DATABASE_PASSWORD", PgTestDatabase.PASSWORD);
    Process p = pb.start();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "phc-agent-child-" + id);
    reader.setDaemon(true);
    reader.start();
    return new Agent(id, p, lines);
  }

  /** Successful installs on each member, from the simulated chassis' own log. */
  private static List<String> installs(Vc vc) {
    return vc.model().operationSummaries("install-image").stream().filter(s -> !s.contains("result="))
        .map(s -> s.replaceAll(" path=.*", "")).toList();
  }

  private static List<RecordedRpc> installRpcsBy(Vc vc, String agent) {
    return vc.device().recordedRpcs().stream().filter(r -> r.name().equals("request-package-add")
        && r.user().equals(agent)).toList();
  }

  private void await(String what, Duration timeout, BooleanSupplier condition, Agent agent)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        StringBuilder b = new StringBuilder("timed out after " + timeout + " waiting for " + what);
        for (Agent a : agent != null ? List.of(agent) : agents.values()) {
          b.append('\n').append(a.output());
        }
        throw new AssertionError(b.toString());
      }
      Thread.sleep(50);
    }
  }
}
