package dev.phonehome.phc.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.store.jdbc.JdbcDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The work queue's leases, fencing, retries and operator view, on a real PostgreSQL. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentWorkQueueTest {
  private static final Duration LEASE = Duration.ofMinutes(1);

  private PgTestDatabase pg;
  private JdbcDatabase db;
  private AgentWorkQueue queue;

  @BeforeEach
  void open() {
    pg = PgTestDatabase.create("queue");
    db = pg.connect();
    queue = AgentWorkQueue.create(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static VcTarget vc(String name) {
    return VcTarget.builder("192.0.2.1").name(name).credentials("lab-vcs")
        .bootstrapServers("https://phs1.example.net:8443", "https://phs2.example.net:8443").build();
  }

  /** Makes a VC's lease run out now (as if its agent stopped renewing a while ago). */
  private void expire(String name) {
    pg.sql("UPDATE phc_agent_vc SET lease_expires_at = now() - interval '1 second' WHERE name = '" + name + "'");
  }

  @Test
  void enqueueIsIdempotentByNameAndKeepsEveryFieldButNoSecret() throws Exception {
    VcTarget t = VcTarget.builder("vc7.lab.example.net").port(2830).name("site-7").credentials("lab-vcs")
        .bootstrapServers("https://phs1.example.net:8443").dialect(Dialect.RFC8572).serialNumber("PE3714100218")
        .maxAttempts(3).build();
    assertThat(queue.enqueue(t)).isTrue();
    assertThat(queue.enqueue(t.toBuilder().host("other.example.net").build())).as("same name again").isFalse();

    List<QueuedVc> all = queue.list();
    assertThat(all).hasSize(1);
    QueuedVc q = all.get(0);
    assertThat(q.target()).isEqualTo(t);
    assertThat(q.state()).isEqualTo(VcState.QUEUED);
    assertThat(q.attempts()).isZero();
    assertThat(q.owner()).isNull();
    assertThat(q.enqueuedAt()).isBefore(Instant.now().plusSeconds(5));
    assertThat(queue.counts()).containsEntry(VcState.QUEUED, 1).containsEntry(VcState.RUNNING, 0);
    // Only the name of the credentials is stored: the columns hold nothing else about them.
    try (Connection c = DriverManager.getConnection(pg.url(), PgTestDatabase.USER, PgTestDatabase.PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name ="
            + " 'phc_agent_vc' AND (column_name LIKE '%pass%' OR column_name LIKE '%key%' OR column_name LIKE"
            + " '%secret%')")) {
      assertThat(rs.next()).as("no password/key/secret column").isFalse();
    }
  }

  @Test
  void enqueueAllIsOneTransaction() {
    assertThat(queue.enqueueAll(List.of(vc("a"), vc("b"), vc("c")))).isEqualTo(3);
    assertThat(queue.enqueueAll(List.of(vc("c"), vc("d"), vc("d")))).as("d once").isEqualTo(1);
    assertThat(queue.list()).extracting(QueuedVc::name).containsExactly("a", "b", "c", "d");
  }

  @Test
  void concurrentClaimsFromManyAgentsNeverHandOutOneVcTwice() throws Exception {
    int vcs = 300;
    List<VcTarget> targets = new ArrayList<>();
    for (int i = 0; i < vcs; i++) {
      targets.add(vc(String.format("vc-%03d", i)));
    }
    queue.enqueueAll(targets);
    int agents = 6;
    Map<String, String> claimedBy = new ConcurrentHashMap<>();
    List<String> doubles = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(agents);
    List<Future<Integer>> futures = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      String agent = "agent-" + a;
      futures.add(pool.submit(() -> {
        go.await();
        int mine = 0;
        while (true) {
          List<Lease> got = queue.claim(agent, 7, LEASE);
          if (got.isEmpty()) {
            return mine;
          }
          for (Lease l : got) {
            String before = claimedBy.putIfAbsent(l.name(), agent);
            if (before != null) {
              doubles.add(l.name() + " by " + before + " and " + agent);
            }
            assertThat(l.generation()).isEqualTo(1);
            mine++;
          }
        }
      }));
    }
    go.countDown();
    int total = 0;
    for (Future<Integer> f : futures) {
      total += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(doubles).as("VCs claimed twice").isEmpty();
    assertThat(total).isEqualTo(vcs);
    assertThat(claimedBy).hasSize(vcs);
    assertThat(Set.copyOf(claimedBy.values())).as("several agents got work").hasSizeGreaterThan(1);
    assertThat(queue.counts()).containsEntry(VcState.RUNNING, vcs);
    assertThat(queue.leases()).hasSize(vcs).allSatisfy(l -> assertThat(l.endedAt()).isNull());
  }

  @Test
  void anExpiredLeaseIsTakenOverBeforeNewWorkAndReadyVcsGoInTheOrderTheyBecameReady() {
    queue.enqueueAll(List.of(vc("a"), vc("b"), vc("c"), vc("d")));
    pg.sql("UPDATE phc_agent_vc SET not_before = now() - interval '1 minute' WHERE name = 'c'");
    assertThat(queue.claim("agent-1", 1, LEASE)).extracting(Lease::name).containsExactly("c");
    expire("c");
    assertThat(queue.claim("agent-2", 2, LEASE)).extracting(Lease::name).containsExactly("c", "a");
    assertThat(queue.claim("agent-3", 5, LEASE)).extracting(Lease::name).containsExactly("b", "d");
  }

  @Test
  void aHeldLeaseIsNotHandedOutAgain() {
    queue.enqueue(vc("a"));
    assertThat(queue.claim("agent-1", 5, LEASE)).hasSize(1);
    assertThat(queue.claim("agent-2", 5, LEASE)).isEmpty();
    QueuedVc q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.RUNNING);
    assertThat(q.owner()).isEqualTo("agent-1");
    assertThat(q.attempts()).isEqualTo(1);
    assertThat(q.leaseExpiresAt()).isAfter(Instant.now().plusSeconds(30));
  }

  @Test
  void anExpiredLeaseIsTakenOverWithTheNextGenerationAndTheOldOneRecordedAsExpired() {
    queue.enqueue(vc("a"));
    Lease first = queue.claim("agent-1", 5, LEASE).get(0);
    expire("a");
    Instant lastValid = queue.find("a").orElseThrow().leaseExpiresAt();

    List<Lease> taken = queue.claim("agent-2", 5, LEASE);
    assertThat(taken).hasSize(1);
    Lease second = taken.get(0);
    assertThat(second.generation()).isEqualTo(first.generation() + 1);
    assertThat(second.takenOverFrom()).isEqualTo("agent-1");
    assertThat(second.attempt()).isEqualTo(2);

    List<LeaseRecord> leases = queue.leases("a");
    assertThat(leases).hasSize(2);
    assertThat(leases.get(0).agent()).isEqualTo("agent-1");
    assertThat(leases.get(0).outcome()).isEqualTo("expired");
    assertThat(leases.get(0).endedAt()).as("ends at its last valid instant").isEqualTo(lastValid);
    assertThat(leases.get(0).error()).contains("taken over by agent-2");
    assertThat(leases.get(1).agent()).isEqualTo("agent-2");
    assertThat(leases.get(1).endedAt()).isNull();
    assertThat(leases.get(1).claimedAt()).isAfter(leases.get(0).endedAt());
    QueuedVc q = queue.find("a").orElseThrow();
    assertThat(q.owner()).isEqualTo("agent-2");
    assertThat(q.lastError()).isEqualTo("the lease of agent-1 expired without renewal");
  }

  @Test
  void theFormerOwnerCanNeitherRenewNorCompleteNorFailNorReleaseAfterATakeover() {
    queue.enqueue(vc("a"));
    Lease first = queue.claim("agent-1", 5, LEASE).get(0);
    expire("a");
    Lease second = queue.claim("agent-2", 5, LEASE).get(0);

    assertThat(queue.renew("agent-1", List.of(new AgentWorkQueue.Renewal(first, "INSTALL_BACKUP", null)), LEASE))
        .isEmpty();
    assertThat(queue.complete("agent-1", first, "done", null)).isFalse();
    assertThat(queue.fail("agent-1", first, "boom", Duration.ZERO, false)).isEmpty();
    assertThat(queue.release("agent-1", first, "stopping")).isFalse();
    // Even a forged owner name cannot use the old generation.
    assertThat(queue.complete("agent-2", first, "done", null)).isFalse();
    QueuedVc q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.RUNNING);
    assertThat(q.owner()).isEqualTo("agent-2");
    assertThat(q.step()).as("the stale renewal's step was not written").isNull();

    assertThat(queue.renew("agent-2", List.of(new AgentWorkQueue.Renewal(second, "DETECT_BACKUP", "PE1")), LEASE))
        .containsExactly(second.vcId());
    assertThat(queue.find("a").orElseThrow().step()).isEqualTo("DETECT_BACKUP");
    assertThat(queue.complete("agent-2", second, "provisioned from https://phs1.example.net:8443", "PE1")).isTrue();
    q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.COMPLETED);
    assertThat(q.completedBy()).isEqualTo("agent-2");
    assertThat(q.deviceSerial()).isEqualTo("PE1");
    assertThat(q.owner()).isNull();
    assertThat(queue.leases("a")).extracting(LeaseRecord::outcome).containsExactly("expired", "completed");
    // Completed once: nothing more to claim, and the winner cannot complete it twice.
    assertThat(queue.claim("agent-3", 5, LEASE)).isEmpty();
    assertThat(queue.complete("agent-2", second, "again", null)).isFalse();
  }

  @Test
  void anExpiredLeaseIsNeverRenewedEvenWhenNobodyTookItOver() {
    queue.enqueue(vc("a"));
    Lease l = queue.claim("agent-1", 5, LEASE).get(0);
    expire("a");
    assertThat(queue.renew("agent-1", List.of(new AgentWorkQueue.Renewal(l, null, null)), LEASE)).isEmpty();
    assertThat(queue.claim("agent-1", 5, LEASE)).as("claimable again, by anyone").hasSize(1)
        .first().extracting(Lease::generation).isEqualTo(2L);
  }

  @Test
  void renewalExtendsTheLeaseOfEveryCurrentClaimInOneStatement() {
    queue.enqueueAll(List.of(vc("a"), vc("b"), vc("c")));
    List<Lease> mine = queue.claim("agent-1", 3, Duration.ofSeconds(20));
    Instant before = queue.find("b").orElseThrow().leaseExpiresAt();
    List<AgentWorkQueue.Renewal> r = new ArrayList<>();
    for (Lease l : mine) {
      r.add(new AgentWorkQueue.Renewal(l, "STAGE_IMAGE", null));
    }
    assertThat(queue.renew("agent-1", r, Duration.ofMinutes(5))).hasSize(3);
    assertThat(queue.find("b").orElseThrow().leaseExpiresAt()).isAfter(before.plusSeconds(200));
    assertThat(queue.list()).extracting(QueuedVc::step).containsOnly("STAGE_IMAGE");
    assertThat(queue.renew("agent-2", r, LEASE)).as("another agent's name renews nothing").isEmpty();
  }

  @Test
  void aFailedAttemptWaitsForItsBackoffThenTheVcFailsForGoodAfterItsLastAttempt() {
    queue.enqueue(vc("a").toBuilder().maxAttempts(2).build());
    Lease first = queue.claim("agent-1", 5, LEASE).get(0);
    assertThat(queue.fail("agent-1", first, "no NETCONF session to 192.0.2.1:830", Duration.ofHours(1), false))
        .contains(VcState.QUEUED);
    QueuedVc q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.QUEUED);
    assertThat(q.lastError()).isEqualTo("no NETCONF session to 192.0.2.1:830");
    assertThat(q.notBefore()).isAfter(Instant.now().plus(Duration.ofMinutes(55)));
    assertThat(queue.claim("agent-2", 5, LEASE)).as("not before its backoff").isEmpty();

    pg.sql("UPDATE phc_agent_vc SET not_before = now() WHERE name = 'a'");
    Lease second = queue.claim("agent-2", 5, LEASE).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(queue.fail("agent-2", second, "BootstrapFailedException: every server failed", Duration.ZERO, false))
        .contains(VcState.FAILED);
    q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.FAILED);
    assertThat(q.attempts()).isEqualTo(2);
    assertThat(q.lastError()).contains("every server failed");
    assertThat(queue.claim("agent-3", 5, LEASE)).isEmpty();
    assertThat(queue.leases("a")).extracting(LeaseRecord::outcome).containsExactly("retry", "failed");

    assertThat(queue.retry("a")).isTrue();
    q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.QUEUED);
    assertThat(q.attempts()).isZero();
    assertThat(queue.claim("agent-3", 5, LEASE)).hasSize(1);
    assertThat(queue.retry("a")).as("running: nothing to retry").isFalse();
  }

  @Test
  void aPermanentFailureFailsTheVcAtOnce() {
    queue.enqueue(vc("a"));
    Lease l = queue.claim("agent-1", 5, LEASE).get(0);
    assertThat(queue.fail("agent-1", l, "credentials lab-vcs: no such file", Duration.ZERO, true))
        .contains(VcState.FAILED);
    assertThat(queue.find("a").orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void aLeaseThatExpiresOnTheLastAttemptFailsTheVcInsteadOfHandingItOut() {
    queue.enqueue(vc("a").toBuilder().maxAttempts(1).build());
    queue.claim("agent-1", 5, LEASE);
    expire("a");
    assertThat(queue.claim("agent-2", 5, LEASE)).isEmpty();
    QueuedVc q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.FAILED);
    assertThat(q.lastError()).isEqualTo("the lease of agent-1 expired without renewal on attempt 1 of 1; no attempt left");
    assertThat(queue.leases("a")).singleElement().satisfies(l -> {
      assertThat(l.outcome()).isEqualTo("expired");
      assertThat(l.endedAt()).isNotNull();
    });
  }

  @Test
  void releaseGivesTheVcBackAtOnceWithoutUsingAnAttempt() {
    queue.enqueue(vc("a"));
    Lease l = queue.claim("agent-1", 5, LEASE).get(0);
    assertThat(queue.release("agent-1", l, "agent stopping")).isTrue();
    QueuedVc q = queue.find("a").orElseThrow();
    assertThat(q.state()).isEqualTo(VcState.QUEUED);
    assertThat(q.attempts()).isZero();
    assertThat(q.owner()).isNull();
    Lease again = queue.claim("agent-2", 5, LEASE).get(0);
    assertThat(again.generation()).isEqualTo(2);
    assertThat(again.takenOverFrom()).as("a released VC is claimed, not taken over").isNull();
    assertThat(queue.leases("a")).extracting(LeaseRecord::outcome).containsExactly("released", null);
  }

  @Test
  void cancelStopsAQueuedVcAndEndsTheLeaseOfARunningOne() {
    queue.enqueueAll(List.of(vc("queued"), vc("running")));
    Lease l = queue.claim("agent-1", 1, LEASE).get(0);
    assertThat(l.name()).isEqualTo("queued");
    queue.enqueue(vc("other"));
    assertThat(queue.cancel("queued")).isTrue();
    assertThat(queue.renew("agent-1", List.of(new AgentWorkQueue.Renewal(l, null, null)), LEASE))
        .as("its agent can no longer renew it").isEmpty();
    assertThat(queue.complete("agent-1", l, "done", null)).isFalse();
    assertThat(queue.leases("queued")).singleElement().extracting(LeaseRecord::outcome).isEqualTo("cancelled");
    assertThat(queue.cancel("running")).isTrue();
    assertThat(queue.cancel("running")).as("already cancelled").isFalse();
    assertThat(queue.cancel("no-such-vc")).isFalse();
    assertThat(queue.claim("agent-2", 5, LEASE)).extracting(Lease::name).containsExactly("other");
    Map<String, VcState> states = new HashMap<>();
    queue.list().forEach(q -> states.put(q.name(), q.state()));
    assertThat(states).containsEntry("queued", VcState.CANCELLED).containsEntry("running", VcState.CANCELLED);
  }

  @Test
  void theQueueLivesBesideTheServerStoreInOneDatabaseWithItsOwnMigrationHistory() throws Exception {
    db.migrate(); // phc-store-jdbc's own tables and history
    AgentWorkQueue again = AgentWorkQueue.create(db); // and ours again: nothing to do
    again.enqueue(vc("a"));
    try (Connection c = DriverManager.getConnection(pg.url(), PgTestDatabase.USER, PgTestDatabase.PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM phc_agent_schema_history WHERE success AND version = '1'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
    try (Connection c = DriverManager.getConnection(pg.url(), PgTestDatabase.USER, PgTestDatabase.PASSWORD);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM phc_schema_history WHERE success")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isPositive();
    }
  }

  @Test
  void anEmbeddedDatabaseIsRefusedWithTheReason(@TempDir Path dir) {
    try (JdbcDatabase sqlite = JdbcDatabase.builder("jdbc:sqlite:" + dir.resolve("x.sqlite")).build()) {
      assertThatThrownBy(() -> AgentWorkQueue.create(sqlite))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs PostgreSQL")
          .hasMessageContaining("SQLite");
    }
  }
}
