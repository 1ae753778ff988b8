package dev.phonehome.phc.testkit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phonehome.phc.api.Bytes;
import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.model.SshHostKey;
import dev.phonehome.phc.api.server.AppendResult;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedEvent;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules every {@link DeviceStore} keeps (see its javadoc), as an abstract JUnit 5 class: extend it for your
 * own store and implement {@link #newStore}. phc runs it against its in-memory store, PostgreSQL and the
 * embedded file database. For a store that keeps its state across restarts, extend
 * {@link DurableDeviceStoreCompatibilityKit} instead.
 *
 * <p>Times are fixed instants with microsecond precision (what the server stamps); nothing sleeps.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class DeviceStoreCompatibilityKit {
  /** The first instant the kit uses; later ones are a few seconds after it. */
  protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");

  private final List<DeviceStore> opened = new ArrayList<>();

  /**
   * A new, empty store that keeps at most {@code maxNotificationsPerDevice} notifications per device (the
   * oldest dropped and counted) and no age limit. Each call must give a store of its own (a fresh database).
   */
  protected abstract DeviceStore newStore(int maxNotificationsPerDevice);

  /** Opens a store with {@link #newStore} and closes it after the test. */
  protected final DeviceStore open(int maxNotificationsPerDevice) {
    DeviceStore s = newStore(maxNotificationsPerDevice);
    opened.add(s);
    return s;
  }

  /** Registers a store (for example one reopened after a restart) to be closed after the test. */
  protected final DeviceStore closeAfterTest(DeviceStore store) {
    opened.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    for (DeviceStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  protected static Instant t(int seconds) {
    return T0.plusSeconds(seconds);
  }

  protected static DeviceNotification note(String serial, int second, ProgressType type, String message) {
    return new DeviceNotification(serial, t(second), Dialect.JUNIPER, ProgressReport.of(type, message));
  }

  protected static DeviceNotification noteWithId(String serial, int second, String run, long seq) {
    return new DeviceNotification(serial, t(second), Dialect.JUNIPER,
        ProgressReport.builder(ProgressType.INFORMATIONAL).message(run + "-" + seq)
            .notificationId(new NotificationId(run, seq)).build());
  }

  protected static List<String> messages(List<DeviceNotification> notifications) {
    List<String> out = new ArrayList<>();
    for (DeviceNotification n : notifications) {
      out.add(n.report().message());
    }
    return out;
  }

  /**
   * Reads the feed from {@code from} in pages of {@code pageSize}, as a consumer would, until it has
   * {@code expected} events (a durable store may hold rows back for a moment: see {@link DeviceStore#feed}), then
   * checks that nothing more comes.
   */
  protected static List<FeedEvent> drain(DeviceStore store, FeedCursor from, int pageSize, int expected) {
    List<FeedEvent> all = new ArrayList<>();
    FeedCursor cursor = from;
    long deadline = System.nanoTime() + FEED_PATIENCE.toNanos();
    while (true) {
      FeedPage page = store.feed(cursor, pageSize);
      if (page.events().isEmpty()) {
        assertEquals(cursor, page.next(), "an empty page keeps the cursor");
        if (all.size() >= expected) {
          assertEquals(expected, all.size(), "events read: " + all);
          return all;
        }
        assertTrue(System.nanoTime() < deadline,
            "the feed gave " + all.size() + " of " + expected + " events in " + FEED_PATIENCE + ": " + all);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        continue;
      }
      assertTrue(page.events().size() <= pageSize, "a page holds at most the limit");
      assertEquals(page.events().get(page.events().size() - 1).position(), page.next(),
          "next is the last event's position");
      all.addAll(page.events());
      cursor = page.next();
    }
  }

  // ---- sightings and states ------------------------------------------------------------------------------

  @Test
  void serialNeverHeardFromIsNeverSeenWithNothingStored() {
    DeviceStore store = open(100);
    DeviceStatus s = store.status("NOBODY");
    assertEquals(DeviceState.NEVER_SEEN, s.state());
    assertEquals(0, s.requests());
    assertNull(s.lastSeenAt());
    assertTrue(store.timeline("NOBODY").isEmpty());
    assertTrue(store.members("NOBODY").isEmpty());
    assertTrue(store.devices().isEmpty());
    assertTrue(store.unclaimed().isEmpty());
  }

  @Test
  void answeredRequestIsCountedWithTimeSourceAndDialect() {
    DeviceStore store = open(100);
    store.recordSighting(new Sighting("PE1", t(0), Dialect.RFC8572, "192.0.2.10", true));
    store.recordSighting(new Sighting("PE1", t(5), Dialect.JUNIPER, "192.0.2.11", true));
    DeviceStatus s = store.status("PE1");
    assertEquals(DeviceState.REQUESTED, s.state());
    assertEquals(2, s.requests());
    assertEquals(t(0), s.firstSeenAt());
    assertEquals(t(5), s.lastSeenAt());
    assertEquals(t(5), s.lastRequestAt());
    assertEquals("192.0.2.11", s.lastSourceAddress());
    assertEquals(Dialect.JUNIPER, s.lastDialect());
    assertNull(s.phase());
    assertTrue(store.unclaimed().isEmpty(), "a claimed device is not in the unclaimed inbox");
  }

  @Test
  void serialPollingWithoutRecordIsInTheUnclaimedInbox() {
    DeviceStore store = open(100);
    store.recordSighting(new Sighting("STRANGER1", t(0), Dialect.JUNIPER, "198.51.100.7", false));
    store.recordSighting(new Sighting("STRANGER1", t(30), Dialect.JUNIPER, "198.51.100.8", false));
    store.recordSighting(new Sighting("CLAIMED1", t(1), Dialect.JUNIPER, "198.51.100.9", true));
    List<DeviceStatus> inbox = store.unclaimed();
    assertEquals(1, inbox.size(), "inbox: " + inbox);
    DeviceStatus s = inbox.get(0);
    assertEquals("STRANGER1", s.serialNumber());
    assertEquals(DeviceState.UNCLAIMED, s.state());
    assertEquals(t(0), s.firstSeenAt());
    assertEquals(t(30), s.lastSeenAt());
    assertEquals("198.51.100.8", s.lastSourceAddress());
    assertEquals(Dialect.JUNIPER, s.lastDialect());
    assertEquals(0, s.requests(), "a 404 is not a request answered");
    assertEquals(List.of("CLAIMED1", "STRANGER1"),
        store.devices().stream().map(DeviceStatus::serialNumber).toList());
  }

  @Test
  void deviceLeavesTheInboxOnceItsRequestIsAnswered() {
    DeviceStore store = open(100);
    store.recordSighting(new Sighting("PE2", t(0), Dialect.RFC8572, "192.0.2.20", false));
    store.recordSighting(new Sighting("PE2", t(60), Dialect.RFC8572, "192.0.2.20", true));
    assertTrue(store.unclaimed().isEmpty());
    DeviceStatus s = store.status("PE2");
    assertEquals(DeviceState.REQUESTED, s.state());
    assertEquals(t(0), s.firstSeenAt(), "first seen is the first poll, claimed or not");
  }

  @Test
  void notificationsDeriveTheStateAndANewRequestStartsANewRun() {
    DeviceStore store = open(100);
    store.recordSighting(new Sighting("PE3", t(0), Dialect.JUNIPER, null, true));
    store.append(List.of(note("PE3", 1, ProgressType.BOOTSTRAP_INITIATED, "go")), "192.0.2.30");
    assertEquals(DeviceState.IN_PROGRESS, store.status("PE3").state());
    store.recordSighting(new Sighting("PE3", t(2), Dialect.JUNIPER, null, true));
    assertEquals(DeviceState.IN_PROGRESS, store.status("PE3").state(), "a device in progress asking again");
    store.append(List.of(note("PE3", 3, ProgressType.VC_MEMBER_UPGRADE_FAILED, "Upgrade failed !!!")), null);
    assertEquals(DeviceState.IN_PROGRESS, store.status("PE3").state(), "a member failing is not the device failing");
    store.append(List.of(note("PE3", 4, ProgressType.BOOTSTRAP_COMPLETE, "done")), null);
    DeviceStatus done = store.status("PE3");
    assertEquals(DeviceState.COMPLETE, done.state());
    assertEquals(ProgressType.BOOTSTRAP_COMPLETE, done.phase());
    assertEquals(t(4), done.lastSeenAt());
    assertEquals("192.0.2.30", done.lastSourceAddress(), "a null source keeps the last known one");
    assertEquals(3, done.notifications());
    assertEquals("done", done.lastNotification().report().message());
    store.recordSighting(new Sighting("PE3", t(100), Dialect.JUNIPER, null, true));
    assertEquals(DeviceState.REQUESTED, store.status("PE3").state(), "zeroized: a new run");
    store.append(List.of(note("PE3", 101, ProgressType.VC_BOOTSTRAP_FAILED, "strict")), null);
    assertEquals(DeviceState.FAILED, store.status("PE3").state());
    store.append(List.of(note("PE4", 0, ProgressType.BOOTSTRAP_ERROR, "x")), null);
    assertEquals(DeviceState.FAILED, store.status("PE4").state());
    store.append(List.of(note("PE5", 0, ProgressType.VC_MEMBER_IMAGE_INSTALLATION_FAILED, "x")), null);
    assertEquals(DeviceState.FAILED, store.status("PE5").state());
  }

  // ---- notifications -------------------------------------------------------------------------------------

  @Test
  void everyFieldOfANotificationComesBackAsStored() {
    DeviceStore store = open(100);
    ProgressReport complete = ProgressReport.builder(ProgressType.BOOTSTRAP_COMPLETE)
        .message("done: \"quoted\", <xml> & ünïcödé \u2028 line\nbreak\ttab \\ backslash")
        .notificationId(new NotificationId("r7Qx", 42))
        .addSshHostKey(new SshHostKey("ssh-ed25519", Bytes.fromHex("010203ff")))
        .addSshHostKey(new SshHostKey("ecdsa-sha2-nistp256", Bytes.utf8("key-bytes")))
        .addTrustAnchorCert(Bytes.fromHex("3003020101"))
        .build();
    ProgressReport member = ProgressReport.builder(ProgressType.VC_MEMBER_UPGRADE_SUCCESS)
        .message("member 1 (serial PE9, role backup): Successfully upgraded.")
        .member(new MemberRef(1, "PE9", MemberRole.BACKUP))
        .build();
    ProgressReport unknown = ProgressReport.builder(ProgressType.of("vendor-special-phase")).build();
    List<DeviceNotification> sent = List.of(
        new DeviceNotification("PE6", t(1), Dialect.JUNIPER, member),
        new DeviceNotification("PE6", t(2).plusNanos(999_000), Dialect.RFC8572, unknown),
        new DeviceNotification("PE6", t(3), Dialect.RFC8572, complete));
    AppendResult r = store.append(sent, "2001:db8::1");
    assertEquals(sent, r.stored());
    assertTrue(r.duplicates().isEmpty());
    assertEquals(sent, store.timeline("PE6"));
    assertEquals(sent.get(2), store.status("PE6").lastNotification());
    assertEquals("2001:db8::1", store.status("PE6").lastSourceAddress());
    assertEquals(Dialect.RFC8572, store.status("PE6").lastDialect());
    List<FeedEvent> feed = drain(store, FeedCursor.START, 10, 3);
    assertEquals(sent, feed.stream().map(FeedEvent::notification).toList());
  }

  @Test
  void sameNotificationIdIsStoredOnceAndReportedAsDuplicate() {
    DeviceStore store = open(100);
    AppendResult first = store.append(List.of(noteWithId("PE7", 1, "run1", 1), noteWithId("PE7", 1, "run1", 2)),
        null);
    assertEquals(2, first.stored().size());
    // A retry after a lost answer: the same ids again, one new one behind them, and one twice in one request.
    AppendResult retry = store.append(List.of(noteWithId("PE7", 5, "run1", 2), noteWithId("PE7", 5, "run1", 3),
        noteWithId("PE7", 5, "run1", 3)), null);
    assertEquals(List.of("run1-3"), messages(retry.stored()));
    assertEquals(List.of("run1-2", "run1-3"), messages(retry.duplicates()));
    assertEquals(List.of("run1-1", "run1-2", "run1-3"), messages(store.timeline("PE7")));
    assertEquals(3, store.status("PE7").notifications(), "duplicates are not counted");
    drain(store, FeedCursor.START, 100, 3);
  }

  @Test
  void sameIdFromAnotherDeviceOrAnotherRunIsANewNotification() {
    DeviceStore store = open(100);
    store.append(List.of(noteWithId("PE8", 1, "aaa", 1)), null);
    assertEquals(1, store.append(List.of(noteWithId("PE9", 1, "aaa", 1)), null).stored().size());
    assertEquals(1, store.append(List.of(noteWithId("PE8", 2, "bbb", 1)), null).stored().size());
  }

  @Test
  void notificationsWithoutIdAreAlwaysStored() {
    DeviceStore store = open(100);
    DeviceNotification n = note("PE10", 1, ProgressType.INFORMATIONAL, "same");
    store.append(List.of(n), null);
    store.append(List.of(n), null);
    assertEquals(2, store.timeline("PE10").size());
  }

  @Test
  void membersAreTheLastReportPerMemberId() {
    DeviceStore store = open(100);
    store.append(List.of(new DeviceNotification("PE11", t(1), Dialect.JUNIPER,
        ProgressReport.builder(ProgressType.VC_MEMBER_IMAGE_INSTALLED).message("installed")
            .member(new MemberRef(1, "S1", MemberRole.BACKUP)).build())), null);
    store.append(List.of(new DeviceNotification("PE11", t(30), Dialect.JUNIPER,
        ProgressReport.builder(ProgressType.VC_MEMBER_DETECTION_FAILED).message("Did not come up post image upgrade")
            .member(new MemberRef(1, "S1", MemberRole.LINECARD)).build()),
        new DeviceNotification("PE11", t(31), Dialect.JUNIPER,
            ProgressReport.builder(ProgressType.VC_MEMBER_UPGRADE_SUCCESS).message("No upgrade required.")
                .member(new MemberRef(0, "S0", MemberRole.PRIMARY)).build())), null);
    List<ReportedMember> members = store.members("PE11");
    assertEquals(List.of(
        new ReportedMember(0, "S0", MemberRole.PRIMARY, ProgressType.VC_MEMBER_UPGRADE_SUCCESS,
            "No upgrade required.", t(31)),
        new ReportedMember(1, "S1", MemberRole.LINECARD, ProgressType.VC_MEMBER_DETECTION_FAILED,
            "Did not come up post image upgrade", t(30))), members);
    assertTrue(members.get(1).failed());
    assertEquals(members, store.status("PE11").members());
  }

  @Test
  void retentionKeepsTheNewestAndCountsTheDropped() {
    DeviceStore store = open(3);
    for (int i = 0; i < 5; i++) {
      store.append(List.of(note("PE12", i, ProgressType.INFORMATIONAL, "n" + i)), null);
    }
    store.append(List.of(note("PE13", 0, ProgressType.INFORMATIONAL, "other")), null);
    assertEquals(List.of("n2", "n3", "n4"), messages(store.timeline("PE12")));
    DeviceStatus s = store.status("PE12");
    assertEquals(5, s.notifications());
    assertEquals(2, s.droppedNotifications());
    assertEquals("n4", s.lastNotification().report().message());
    assertEquals(List.of("n2", "n3", "n4", "other"),
        messages(drain(store, FeedCursor.START, 2, 4).stream().map(FeedEvent::notification).toList()),
        "dropped notifications leave the feed too");
  }

  @Test
  void appendRefusesNothingToStoreAndMixedDevices() {
    DeviceStore store = open(100);
    assertThrows(IllegalArgumentException.class, () -> store.append(List.of(), null));
    assertThrows(IllegalArgumentException.class, () -> store.append(List.of(
        note("PE14", 0, ProgressType.INFORMATIONAL, "a"), note("PE15", 0, ProgressType.INFORMATIONAL, "b")), null));
    assertTrue(store.devices().isEmpty());
  }

  // ---- the feed ------------------------------------------------------------------------------------------

  @Test
  void feedGivesEveryNotificationOnceAcrossPagesAndAConsumerRestart() {
    DeviceStore store = open(100);
    List<DeviceNotification> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String serial = "PE2" + (i % 3);
      DeviceNotification n = note(serial, i, ProgressType.INFORMATIONAL, "m" + i);
      store.append(List.of(n), null);
      sent.add(n);
    }
    List<FeedEvent> firstThree = drain(store, FeedCursor.START, 3, 7).subList(0, 3);
    FeedPage first = new FeedPage(firstThree, firstThree.get(2).position());
    // The consumer keeps only the cursor's text, stops, and a new one starts from it.
    String saved = first.next().value();
    for (int i = 7; i < 9; i++) {
      DeviceNotification n = note("PE20", i, ProgressType.INFORMATIONAL, "m" + i);
      store.append(List.of(n), null);
      sent.add(n);
    }
    List<FeedEvent> rest = drain(store, FeedCursor.of(saved), 2, 6);
    List<DeviceNotification> consumed = new ArrayList<>();
    first.events().forEach(e -> consumed.add(e.notification()));
    rest.forEach(e -> consumed.add(e.notification()));
    assertEquals(sent, consumed, "the whole feed, in order, each once");
    Set<FeedCursor> positions = new HashSet<>();
    first.events().forEach(e -> positions.add(e.position()));
    rest.forEach(e -> positions.add(e.position()));
    assertEquals(9, positions.size(), "every event has its own position");
    FeedPage after = store.feed(rest.get(rest.size() - 1).position(), 5);
    assertTrue(after.events().isEmpty());
    assertEquals(rest.get(rest.size() - 1).position(), after.next());
  }

  @Test
  void feedRefusesACursorItDidNotIssueAndALimitBelowOne() {
    DeviceStore store = open(100);
    assertThrows(IllegalArgumentException.class, () -> store.feed(FeedCursor.of("not:a:cursor"), 10));
    assertThrows(IllegalArgumentException.class, () -> store.feed(FeedCursor.START, 0));
  }

  @Test
  void concurrentWritersLoseNothingAndTheFeedHasEachNotificationOnce() throws Exception {
    DeviceStore store = open(10_000);
    int devices = 12;
    int perDevice = 25;
    ExecutorService pool = Executors.newFixedThreadPool(devices + 1);
    try {
      AtomicBoolean writing = new AtomicBoolean(true);
      ConcurrentLinkedQueue<FeedEvent> consumed = new ConcurrentLinkedQueue<>();
      CountDownLatch start = new CountDownLatch(1);
      int expected = devices * perDevice;
      Future<?> consumer = pool.submit(() -> {
        FeedCursor cursor = FeedCursor.START;
        start.await();
        long deadline = Long.MAX_VALUE;
        while (consumed.size() < expected) {
          FeedPage page = store.feed(cursor, 7);
          consumed.addAll(page.events());
          cursor = page.next();
          if (page.events().isEmpty()) {
            if (!writing.get() && deadline == Long.MAX_VALUE) {
              deadline = System.nanoTime() + FEED_PATIENCE.toNanos();
            }
            assertTrue(System.nanoTime() < deadline, "feed stalled at " + consumed.size() + " of " + expected);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
          }
        }
        assertTrue(store.feed(cursor, 7).events().isEmpty(), "nothing after the last notification");
        return null;
      });
      List<Future<?>> writers = new ArrayList<>();
      for (int d = 0; d < devices; d++) {
        String serial = "CW" + d;
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 1; i <= perDevice; i++) {
            DeviceNotification n = noteWithId(serial, i, "run" + serial, i);
            store.append(List.of(n), "192.0.2.1");
            if (i % 5 == 0) {
              // a retry of the same notification, as after a lost answer
              assertEquals(1, store.append(List.of(n), "192.0.2.1").duplicates().size());
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> w : writers) {
        w.get(90, TimeUnit.SECONDS);
      }
      writing.set(false);
      consumer.get(90, TimeUnit.SECONDS);
      Map<String, List<Long>> bySerial = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      for (FeedEvent e : consumed) {
        NotificationId id = e.notification().report().notificationId();
        assertTrue(seen.add(e.notification().serialNumber() + "/" + id), "delivered twice: " + e);
        bySerial.computeIfAbsent(e.notification().serialNumber(), k -> new ArrayList<>()).add(id.sequence());
      }
      assertEquals(expected, seen.size(), "every notification in the feed");
      for (Map.Entry<String, List<Long>> e : bySerial.entrySet()) {
        List<Long> inOrder = new ArrayList<>();
        for (long i = 1; i <= perDevice; i++) {
          inOrder.add(i);
        }
        assertEquals(inOrder, e.getValue(), "one device's notifications in its order: " + e.getKey());
        assertEquals(perDevice, store.timeline(e.getKey()).size());
        assertEquals(perDevice, store.status(e.getKey()).notifications());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A monotonic counter the kit's subclasses use to name things uniquely (databases, files). */
  protected static long unique() {
    return UNIQUE.incrementAndGet();
  }

  private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime() % 1_000_000);

  /** How long a durable store may take to show a notification in its feed (it may hold rows back briefly). */
  protected static final Duration FEED_PATIENCE = Duration.ofSeconds(30);
}
