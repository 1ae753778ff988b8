package dev.phonehome.phc.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.Encoding;
import dev.phonehome.phc.api.model.ConfigurationHandling;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.OnboardingInformation;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedEvent;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.core.client.PhoneHomeClient;
import dev.phonehome.phc.core.client.PhoneHomeResult;
import dev.phonehome.phc.core.internal.codec.JuniperXmlCodec;
import dev.phonehome.phc.core.internal.codec.Rfc8572Codec;
import dev.phonehome.phc.core.server.InMemoryProvisioningRecords;
import dev.phonehome.phc.core.server.PhoneHomeServer;
import dev.phonehome.phc.testkit.VirtualClock;
import dev.phonehome.phc.testkit.vc.FakeVirtualChassis;
import dev.phonehome.phc.testkit.vc.VirtualChassisModel;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Credentials;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PhoneHomeServer} with its state in a database, over real HTTPS on loopback: the same suite on
 * PostgreSQL and on the embedded file database (SQLite), plus what only a shared PostgreSQL can do (several
 * servers, one timeline, one feed).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JdbcServerTest {
  static final String DEVICES = "restconf/data/juniper-zerotouch-bootstrap-server:devices/device=";
  static final HeldCertificate CA = new HeldCertificate.Builder().certificateAuthority(0).commonName("phs test CA")
      .build();
  static final HeldCertificate LEAF = new HeldCertificate.Builder().signedBy(CA).commonName("phs")
      .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();
  static final HandshakeCertificates SERVER_TLS = new HandshakeCertificates.Builder()
      .heldCertificate(LEAF, CA.certificate()).build();
  static final HandshakeCertificates CLIENT_TLS = new HandshakeCertificates.Builder()
      .addTrustedCertificate(CA.certificate()).build();
  static final OkHttpClient HTTP = new OkHttpClient.Builder()
      .sslSocketFactory(CLIENT_TLS.sslSocketFactory(), CLIENT_TLS.trustManager())
      .callTimeout(Duration.ofSeconds(30)).build();

  /** RFC 8572 devices authenticate with a secret (section 5.3); a device with one sends it in both dialects. */
  static final java.util.Map<String, String> SECRETS = java.util.Map.of("PE0002", "secret-of-pe0002",
      "PE0003", "secret-of-pe0003");

  static dev.phonehome.phc.core.server.DeviceAuthentication authentication() {
    return dev.phonehome.phc.core.server.DeviceAuthentication.builder()
        .deviceSecrets(dev.phonehome.phc.core.server.DeviceSecrets.of(SECRETS)).build();
  }

  static String password(String serial) {
    return SECRETS.getOrDefault(serial, "");
  }

  static OnboardingInformation configOnly(String host) {
    return OnboardingInformation.builder()
        .configurationHandling(ConfigurationHandling.MERGE)
        .configuration(Bytes.utf8("<configuration><system><host-name>" + host + "</host-name></system></configuration>"))
        .build();
  }

  static InMemoryProvisioningRecords records() {
    InMemoryProvisioningRecords r = new InMemoryProvisioningRecords();
    for (String s : List.of("PE0001", "PE0002", "PE0003", "PE0004", "VC0001")) {
      r.put(s, configOnly(s.toLowerCase(java.util.Locale.ROOT)));
    }
    for (int i = 0; i < 8; i++) {
      r.put("BURST" + i, configOnly("burst" + i));
    }
    return r;
  }

  /**
   * The feed from the start once it holds {@code count} events, or as it is after 30 s. On PostgreSQL the feed
   * reads only rows of transactions older than every transaction still running on the cluster (JdbcDeviceStore,
   * "The feed"), so a row can appear a moment after its write was acknowledged, while another test run's
   * transaction ends: a test that needs it waits for it, bounded, instead of expecting it at once.
   */
  static List<FeedEvent> feedOnceItHolds(java.util.function.BiFunction<FeedCursor, Integer, FeedPage> feedFrom,
      int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<FeedEvent> feed = feedFrom.apply(FeedCursor.START, 100).events();
    while (feed.size() < count && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      feed = feedFrom.apply(FeedCursor.START, 100).events();
    }
    return feed;
  }

  static int post(PhoneHomeServer server, String serial, ProgressReport report) throws IOException {
    try (Response r = HTTP.newCall(new Request.Builder()
        .url(server.url() + DEVICES + serial + "/notification")
        .header("Authorization", Credentials.basic(serial, password(serial)))
        .post(RequestBody.create(JuniperXmlCodec.encodeNotification(report),
            MediaType.get("application/yang-data+xml")))
        .build()).execute()) {
      return r.code();
    }
  }

  static int postRfc(PhoneHomeServer server, String serial, ProgressReport report) throws IOException {
    try (Response r = HTTP.newCall(new Request.Builder()
        .url(server.url() + "restconf/operations/ietf-sztp-bootstrap-server:report-progress")
        .header("Authorization", Credentials.basic(serial, password(serial)))
        .post(RequestBody.create(Rfc8572Codec.encodeReportProgress(report, Encoding.JSON),
            MediaType.get(Encoding.JSON.mediaType())))
        .build()).execute()) {
      return r.code();
    }
  }

  static int get(PhoneHomeServer server, String serial) throws IOException {
    try (Response r = HTTP.newCall(new Request.Builder()
        .url(server.url() + DEVICES + serial)
        .header("Authorization", Credentials.basic(serial, password(serial)))
        .build()).execute()) {
      return r.code();
    }
  }

  static ProgressReport report(ProgressType type, String message, String run, long seq) {
    return ProgressReport.builder(type).message(message).notificationId(new NotificationId(run, seq)).build();
  }

  /** The suite every database runs. */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract static class Suite {
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A fresh database of this kind for one test. */
    abstract TestDatabase freshDatabase();

    JdbcDeviceStore store(JdbcDatabase db) {
      return track(JdbcDeviceStore.builder(db).build());
    }

    <T extends AutoCloseable> T track(T c) {
      open.add(c);
      return c;
    }

    PhoneHomeServer server(JdbcDeviceStore store) {
      return track(PhoneHomeServer.builder().records(records()).store(store).authenticator(authentication())
          .sslContext(SERVER_TLS.sslContext()).build().start());
    }

    @AfterEach
    void closeAll() throws Exception {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
      open.clear();
    }

    @Test
    void restartKeepsEveryTimelineStateMemberAndTheUnclaimedInbox() throws Exception {
      TestDatabase t = track(freshDatabase());
      JdbcDatabase db = t.connect();
      JdbcDeviceStore store = JdbcDeviceStore.builder(db).build();
      PhoneHomeServer server = PhoneHomeServer.builder().records(records()).store(store)
          .authenticator(authentication()).sslContext(SERVER_TLS.sslContext()).build().start();
      assertThat(get(server, "PE0001")).isEqualTo(200);
      assertThat(post(server, "PE0001", report(ProgressType.BOOTSTRAP_INITIATED, "go", "r1", 1))).isEqualTo(204);
      assertThat(post(server, "PE0001", ProgressReport.builder(ProgressType.VC_MEMBER_UPGRADE_SUCCESS)
          .message("member 1 (serial PE0009, role backup): Successfully upgraded.")
          .member(new MemberRef(1, "PE0009", MemberRole.BACKUP)).notificationId(new NotificationId("r1", 2)).build()))
          .isEqualTo(204);
      assertThat(postRfc(server, "PE0002", ProgressReport.of(ProgressType.BOOTSTRAP_COMPLETE, "done"))).isEqualTo(204);
      assertThat(get(server, "NOTCLAIMED7")).isEqualTo(404);
      List<DeviceNotification> before1 = server.progress().timeline("PE0001");
      List<DeviceNotification> before2 = server.progress().timeline("PE0002");
      DeviceStatus status1 = server.progress().status("PE0001");
      assertThat(before1).hasSize(2);
      server.close();
      store.close();
      db.close();

      JdbcDeviceStore again = store(track(t.connect()));
      PhoneHomeServer restarted = server(again);
      assertThat(restarted.progress().timeline("PE0001")).isEqualTo(before1);
      assertThat(restarted.progress().timeline("PE0002")).isEqualTo(before2);
      assertThat(restarted.progress().status("PE0001")).isEqualTo(status1);
      assertThat(restarted.progress().status("PE0002").state()).isEqualTo(DeviceState.COMPLETE);
      assertThat(restarted.progress().status("PE0002").lastDialect()).isEqualTo(Dialect.RFC8572);
      assertThat(restarted.progress().members("PE0001")).singleElement()
          .satisfies(m -> assertThat(m.serialNumber()).isEqualTo("PE0009"));
      assertThat(restarted.progress().unclaimed()).singleElement().satisfies(s -> {
        assertThat(s.serialNumber()).isEqualTo("NOTCLAIMED7");
        assertThat(s.lastSourceAddress()).isEqualTo("127.0.0.1");
      });
      // The device goes on after the restart; its retry of an acknowledged notification is a duplicate.
      assertThat(post(restarted, "PE0001", report(ProgressType.BOOTSTRAP_INITIATED, "go", "r1", 1))).isEqualTo(204);
      assertThat(post(restarted, "PE0001", report(ProgressType.BOOTSTRAP_COMPLETE, "done", "r1", 3))).isEqualTo(204);
      assertThat(restarted.progress().timeline("PE0001")).extracting(n -> n.report().message())
          .containsExactly("go", "member 1 (serial PE0009, role backup): Successfully upgraded.", "done");
    }

    @Test
    void sameNotificationIdTwiceIsStoredOnceAndAnswered204BothTimes() throws Exception {
      PhoneHomeServer server = server(store(track(track(freshDatabase()).connect())));
      ProgressReport r = report(ProgressType.CONFIG_COMPLETE, "committed", "dup", 7);
      assertThat(post(server, "PE0003", r)).isEqualTo(204);
      assertThat(post(server, "PE0003", r)).isEqualTo(204);
      assertThat(postRfc(server, "PE0003", r)).isEqualTo(204);
      assertThat(server.progress().timeline("PE0003")).hasSize(1);
      assertThat(server.progress().status("PE0003").notifications()).isEqualTo(1);
    }

    @Test
    void unclaimedInboxListsASerialThatPolled() throws Exception {
      PhoneHomeServer server = server(store(track(track(freshDatabase()).connect())));
      assertThat(get(server, "WAITING42")).isEqualTo(404);
      assertThat(get(server, "WAITING42")).isEqualTo(404);
      List<DeviceStatus> inbox = server.progress().unclaimed();
      assertThat(inbox).extracting(DeviceStatus::serialNumber).containsExactly("WAITING42");
      assertThat(inbox.get(0).lastSourceAddress()).isEqualTo("127.0.0.1");
      assertThat(inbox.get(0).lastDialect()).isEqualTo(Dialect.JUNIPER);
      assertThat(inbox.get(0).firstSeenAt()).isBeforeOrEqualTo(inbox.get(0).lastSeenAt());
    }

    /** Takes the store's database away so that writes fail; {@link #storeBack} brings it back. */
    abstract AutoCloseable storeDown(TestDatabase t) throws Exception;

    @Test
    void storeFailureGives503AndTheClientsOutboxDeliversLater() throws Exception {
      TestDatabase t = track(freshDatabase());
      JdbcDatabase db = track(t.builder().connectionTimeout(outageConnectionTimeout()).build());
      JdbcDeviceStore store = track(JdbcDeviceStore.builder(db).commitTimeout(Duration.ofSeconds(1)).build());
      PhoneHomeServer server = server(store);
      VirtualClock clock = new VirtualClock();
      VirtualChassisModel model = VirtualChassisModel.builder().clock(clock)
          .member(0, "VC0001", "ex4300-48p", "21.4R3.15").primary(0).build();
      FakeVirtualChassis device = FakeVirtualChassis.of(model);
      PhoneHomeClient.Builder client = PhoneHomeClient.builder()
          .bootstrapServers(server.url().toString())
          .deviceOperations(device)
          .sslContext(CLIENT_TLS.sslContext(), CLIENT_TLS.trustManager())
          .clock(clock).sleeper(clock).random(new Random(11)).maxRounds(1)
          .notificationDrainTimeout(Duration.ofMinutes(2));

      PhoneHomeResult first;
      try (AutoCloseable down = storeDown(t)) {
        assertThat(post(server, "PE0004", ProgressReport.of(ProgressType.INFORMATIONAL, "probe"))).isEqualTo(503);
        first = client.build().run();
      }
      assertThat(first.notificationsQueued()).as("every notification answered 503 stays queued").isNotEmpty();
      assertThat(first.notificationsDelivered()).isEmpty();

      // The store is back (the pool reconnects within a few seconds): nothing was stored during the outage, and
      // the device's next run delivers what it kept, each once.
      awaitUsable(store);
      assertThat(server.progress().timeline("VC0001")).isEmpty();
      PhoneHomeResult second = client.build().run();
      assertThat(second.notificationsQueued()).isEmpty();
      List<DeviceNotification> timeline = server.progress().timeline("VC0001");
      assertThat(timeline).extracting(DeviceNotification::report).containsExactlyElementsOf(first.notificationsQueued());
      Set<NotificationId> ids = new HashSet<>();
      timeline.forEach(n -> assertThat(ids.add(n.report().notificationId())).isTrue());
      assertThat(server.progress().status("VC0001").state()).isEqualTo(DeviceState.COMPLETE);
    }

    @Test
    void feedGivesEveryNotificationExactlyOnceAcrossConsumerRestarts() throws Exception {
      TestDatabase t = track(freshDatabase());
      List<PhoneHomeServer> servers = new ArrayList<>();
      for (int i = 0; i < serversSharingOneDatabase(); i++) {
        servers.add(server(store(track(t.connect()))));
      }
      int devices = 8;
      int perDevice = 30;
      ExecutorService pool = Executors.newFixedThreadPool(devices);
      ConcurrentLinkedQueue<FeedEvent> consumed = new ConcurrentLinkedQueue<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      try {
        List<Future<?>> writers = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
          String serial = "BURST" + d;
          writers.add(pool.submit(() -> {
            for (int i = 1; i <= perDevice; i++) {
              // The device moves between servers every few notifications, and sometimes resends.
              PhoneHomeServer s = servers.get((i / 4) % servers.size());
              ProgressReport r = report(ProgressType.INFORMATIONAL, serial + "#" + i, "run" + serial, i);
              assertThat(post(s, serial, r)).isEqualTo(204);
              if (i % 7 == 0) {
                assertThat(post(servers.get(servers.size() - 1), serial, r)).isEqualTo(204);
              }
            }
            return null;
          }));
        }
        // The NMS: its own connection to the database, reading pages of 5, saving the cursor after each page
        // and restarting (a new store instance from the saved text) every 4 pages.
        String saved = FeedCursor.START.value();
        int expected = devices * perDevice;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        JdbcDatabase nmsDb = t.connect();
        JdbcDeviceStore nms = JdbcDeviceStore.builder(nmsDb).build();
        int pages = 0;
        int restarts = 0;
        try {
          while (consumed.size() < expected && System.nanoTime() < deadline) {
            FeedPage page = nms.feed(FeedCursor.of(saved), 5);
            consumed.addAll(page.events());
            saved = page.next().value();
            if (page.events().isEmpty()) {
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
              continue;
            }
            if (++pages % 4 == 0) {
              nms.close();
              nmsDb.close();
              restarts++;
              nmsDb = t.connect();
              nms = JdbcDeviceStore.builder(nmsDb).build();
            }
          }
          for (Future<?> w : writers) {
            w.get(60, TimeUnit.SECONDS);
          }
          writing.set(false);
          assertThat(nms.feed(FeedCursor.of(saved), 50).events()).as("nothing after the last one").isEmpty();
        } finally {
          nms.close();
          nmsDb.close();
        }
        assertThat(restarts).isGreaterThan(5);
        Set<String> seen = new HashSet<>();
        for (FeedEvent e : consumed) {
          assertThat(seen.add(e.notification().report().message())).as("once: " + e).isTrue();
        }
        assertThat(seen).hasSize(expected);
        for (int d = 0; d < devices; d++) {
          String serial = "BURST" + d;
          List<String> order = consumed.stream().map(e -> e.notification().report().message())
              .filter(m -> m.startsWith(serial + "#")).toList();
          List<String> want = new ArrayList<>();
          for (int i = 1; i <= perDevice; i++) {
            want.add(serial + "#" + i);
          }
          assertThat(order).as("one device's notifications in order").isEqualTo(want);
          for (PhoneHomeServer s : servers) {
            assertThat(s.progress().timeline(serial)).hasSize(perDevice);
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }

    static void awaitUsable(JdbcDeviceStore store) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          store.status("PE0001");
          return;
        } catch (dev.phonehome.phc.api.PhcStoreException e) {
          if (System.nanoTime() > deadline) {
            throw e;
          }
        }
      }
    }

    /** How long the store waits for a connection (SQLite: for its write lock) in the outage test. */
    Duration outageConnectionTimeout() {
      return Duration.ofSeconds(1);
    }

    /** How many servers share one database in the feed test (1 for a file database). */
    int serversSharingOneDatabase() {
      return 1;
    }
  }

  @Nested
  class OnPostgres extends Suite {
    private TestDatabase.Postgres last;

    @BeforeAll
    void requirePostgres() {
      TestDatabase.requirePostgres();
    }

    @Override
    TestDatabase freshDatabase() {
      last = TestDatabase.postgres("server");
      return last;
    }

    @Override
    int serversSharingOneDatabase() {
      return 2;
    }

    @Override
    AutoCloseable storeDown(TestDatabase t) {
      TestDatabase.Postgres pg = (TestDatabase.Postgres) t;
      pg.goDown();
      return pg::comeBack;
    }

    @Test
    void twoServersOnOnePostgresSeeOneTimelineForADeviceThatSwitchedServers() throws Exception {
      TestDatabase t = track(freshDatabase());
      PhoneHomeServer phs1 = server(store(track(t.connect())));
      PhoneHomeServer phs2 = server(store(track(t.connect())));
      assertThat(get(phs1, "PE0001")).isEqualTo(200);
      assertThat(post(phs1, "PE0001", report(ProgressType.BOOTSTRAP_INITIATED, "on phs1", "sw", 1))).isEqualTo(204);
      assertThat(post(phs1, "PE0001", report(ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED,
          "Image failed to install on the member. Giving up and trying a different phone-home-server.", "sw", 2)))
          .isEqualTo(204);
      assertThat(phs2.progress().status("PE0001").state()).isEqualTo(DeviceState.FAILED);
      // Strict mode: the VC starts over with the next PHS.
      assertThat(get(phs2, "PE0001")).isEqualTo(200);
      assertThat(phs1.progress().status("PE0001").state()).isEqualTo(DeviceState.REQUESTED);
      assertThat(post(phs2, "PE0001", report(ProgressType.BOOTSTRAP_INITIATED, "on phs2", "sw", 3))).isEqualTo(204);
      assertThat(post(phs2, "PE0001", report(ProgressType.BOOTSTRAP_COMPLETE, "done on phs2", "sw", 4))).isEqualTo(204);

      List<DeviceNotification> one = phs1.progress().timeline("PE0001");
      assertThat(one).extracting(n -> n.report().notificationId().sequence()).containsExactly(1L, 2L, 3L, 4L);
      assertThat(phs2.progress().timeline("PE0001")).isEqualTo(one);
      assertThat(phs1.progress().status("PE0001")).isEqualTo(phs2.progress().status("PE0001"));
      assertThat(phs1.progress().status("PE0001").requests()).isEqualTo(2);
      assertThat(phs1.progress().status("PE0001").state()).isEqualTo(DeviceState.COMPLETE);
      // The feed's contract on PostgreSQL: it never skips a committed notification, but it shows a row only once
      // every transaction older than it has ended anywhere on the cluster (so that a later read cannot slip a late
      // commit behind a cursor already handed out). Another transaction still open on the same cluster (a busy CI
      // machine runs other tests' databases there) may hold it back for a moment: read it until it has caught up,
      // within a bounded time, and every page seen on the way must be an exact prefix of the timeline.
      List<DeviceNotification> feed = List.of();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        feed = phs2.progress().feed(FeedCursor.START, 100).events().stream().map(FeedEvent::notification).toList();
        assertThat(one).as("the feed never skips: what it shows is a prefix of the timeline").startsWith(
            feed.toArray(DeviceNotification[]::new));
        if (feed.size() == one.size() || System.nanoTime() > deadline) {
          break;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      assertThat(feed).as("the feed caught up within 20 s").isEqualTo(one);
    }

    @Test
    void feedLagsBehindAnOlderOpenTransactionWhileTheTimelineShowsTheAckedNotificationAtOnce() throws Exception {
      TestDatabase.Postgres t = (TestDatabase.Postgres) track(freshDatabase());
      PhoneHomeServer phs1 = server(store(track(t.connect())));
      PhoneHomeServer phs2 = server(store(track(t.connect())));
      assertThat(post(phs1, "PE0001", report(ProgressType.BOOTSTRAP_INITIATED, "first", "sw", 1))).isEqualTo(204);
      // (other transactions on the cluster may hold even this one back for a moment: wait until it is readable)
      assertThat(feedOnceItHolds(phs2.progress()::feed, 1)).hasSize(1);
      try (Connection older = DriverManager.getConnection(t.url(), TestDatabase.USER, TestDatabase.PASSWORD)) {
        older.setAutoCommit(false);
        try (Statement s = older.createStatement()) {
          s.execute("SELECT pg_current_xact_id()"); // a transaction with an xid, begun before the next write
        }
        assertThat(post(phs1, "PE0001", report(ProgressType.BOOTSTRAP_COMPLETE, "second", "sw", 2))).isEqualTo(204);

        // Acknowledged means committed (the 204 goes out after the group commit): the other server's timeline
        // has it at once.
        assertThat(phs2.progress().timeline("PE0001")).extracting(n -> n.report().message())
            .containsExactly("first", "second");
        // The feed holds it back while a transaction older than it runs (a cursor past it could otherwise
        // skip a row that transaction commits later).
        assertThat(phs2.progress().feed(FeedCursor.START, 100).events())
            .extracting(e -> e.notification().report().message()).containsExactly("first");
        older.commit();
      }
      assertThat(feedOnceItHolds(phs2.progress()::feed, 2)).extracting(e -> e.notification().report().message())
          .containsExactly("first", "second");
    }

    @Test
    void rowCommittedLateNeverFallsBehindACursorAlreadyHandedOut() throws Exception {
      TestDatabase.Postgres t = (TestDatabase.Postgres) track(freshDatabase());
      JdbcDeviceStore store = store(track(t.connect()));
      store.append(List.of(new DeviceNotification("PE0001", java.time.Instant.parse("2026-05-01T00:00:00Z"),
          Dialect.JUNIPER, ProgressReport.of(ProgressType.INFORMATIONAL, "first"))), null);
      // Another test run's transaction on the cluster may hold even 'first' back for a moment: wait until it is in
      // the feed, so that what follows sees only the effect of the transaction this test holds open.
      assertThat(feedOnceItHolds(store::feed, 1)).hasSize(1);
      long lateId;
      try (Connection slow = DriverManager.getConnection(t.url(), TestDatabase.USER, TestDatabase.PASSWORD)) {
        slow.setAutoCommit(false);
        // A writer that began before the next one and commits after it: its row gets the smaller id.
        try (Statement s = slow.createStatement();
            java.sql.ResultSet rs = s.executeQuery("INSERT INTO phc_notification (serial, received_at, dialect, type,"
                + " message) VALUES ('PE0002', now(), 'JUNIPER', 'informational', 'late') RETURNING id")) {
          rs.next();
          lateId = rs.getLong(1);
        }
        store.append(List.of(new DeviceNotification("PE0003", java.time.Instant.parse("2026-05-01T00:00:01Z"),
            Dialect.JUNIPER, ProgressReport.of(ProgressType.INFORMATIONAL, "fast"))), null);
        long fastId;
        try (Connection c = t.connect().dataSource().getConnection();
            Statement s = c.createStatement();
            java.sql.ResultSet rs = s.executeQuery("SELECT max(id) FROM phc_notification")) {
          rs.next();
          fastId = rs.getLong(1);
        }
        assertThat(lateId).as("an id cursor at 'fast' would skip 'late' forever").isLessThan(fastId);
        FeedPage page = store.feed(FeedCursor.START, 10);
        assertThat(page.events()).extracting(e -> e.notification().report().message())
            .as("the feed holds back what an open older transaction could still precede").containsExactly("first");
        FeedPage nothingYet = store.feed(page.next(), 10);
        assertThat(nothingYet.events()).isEmpty();
        slow.commit();
      }
      List<String> rest = new ArrayList<>();
      FeedCursor cursor = FeedCursor.START;
      cursor = store.feed(cursor, 1).next();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (rest.size() < 2 && System.nanoTime() < deadline) {
        FeedPage p = store.feed(cursor, 10);
        p.events().forEach(e -> rest.add(e.notification().report().message()));
        cursor = p.next();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
      assertThat(rest).containsExactly("late", "fast");
    }
  }

  @Nested
  class OnSqlite extends Suite {
    @TempDir Path dir;

    @Override
    TestDatabase freshDatabase() {
      return TestDatabase.sqlite(dir);
    }

    @Override
    Duration outageConnectionTimeout() {
      return Duration.ofMillis(250);
    }

    @Override
    AutoCloseable storeDown(TestDatabase t) throws Exception {
      // Another process-like connection holds SQLite's write lock: the server's writes cannot commit.
      Connection holder = DriverManager.getConnection(t.url());
      try (Statement s = holder.createStatement()) {
        s.execute("PRAGMA busy_timeout = 0");
        s.execute("BEGIN EXCLUSIVE");
      }
      return () -> {
        try (Statement s = holder.createStatement()) {
          s.execute("ROLLBACK");
        }
        holder.close();
      };
    }
  }
}
