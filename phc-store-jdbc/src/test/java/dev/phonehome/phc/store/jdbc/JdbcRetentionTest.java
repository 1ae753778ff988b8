package dev.phonehome.phc.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.Sighting;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retention by age (and the unclaimed bound) on PostgreSQL and on the embedded file database. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcRetentionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  abstract static class Suite {
    private TestDatabase t;
    private JdbcDatabase db;
    private JdbcDeviceStore store;

    abstract TestDatabase fresh();

    @AfterEach
    void close() {
      if (store != null) {
        store.close();
      }
      if (db != null) {
        db.close();
      }
      if (t != null) {
        t.close();
      }
    }

    private JdbcDeviceStore open(int maxUnclaimed) {
      t = fresh();
      db = t.connect();
      store = JdbcDeviceStore.builder(db).maxAge(Duration.ofDays(30)).maxUnclaimed(maxUnclaimed)
          .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
      return store;
    }

    private static DeviceNotification at(String serial, Instant when, String message) {
      return new DeviceNotification(serial, when, Dialect.JUNIPER, ProgressReport.of(ProgressType.INFORMATIONAL, message));
    }

    @Test
    void notificationsOlderThanMaxAgeAreRemovedCountedAndLeaveTheFeed() {
      JdbcDeviceStore s = open(100);
      s.append(List.of(at("OLD1", NOW.minus(Duration.ofDays(40)), "ancient"),
          at("OLD1", NOW.minus(Duration.ofDays(31)), "old"),
          at("OLD1", NOW.minus(Duration.ofDays(2)), "recent")), null);
      s.append(List.of(at("NEW1", NOW.minus(Duration.ofHours(1)), "fresh")), null);

      assertThat(s.enforceRetention()).isEqualTo(2);
      assertThat(s.timeline("OLD1")).extracting(n -> n.report().message()).containsExactly("recent");
      DeviceStatus old = s.status("OLD1");
      assertThat(old.droppedNotifications()).isEqualTo(2);
      assertThat(old.notifications()).isEqualTo(3);
      assertThat(s.timeline("NEW1")).hasSize(1);
      // (PostgreSQL: the feed may show a row a moment after its commit, see JdbcServerTest.feedOnceItHolds)
      assertThat(JdbcServerTest.feedOnceItHolds(s::feed, 2)).extracting(e -> e.notification().report().message())
          .containsExactlyInAnyOrder("recent", "fresh");
      assertThat(s.enforceRetention()).as("nothing more to remove").isZero();
    }

    @Test
    void unclaimedDevicesBeyondTheBoundOrTheAgeAreForgottenTheLongestUnseenFirst() {
      JdbcDeviceStore s = open(2);
      s.recordSighting(new Sighting("GONE1", NOW.minus(Duration.ofDays(60)), Dialect.JUNIPER, "198.51.100.1", false));
      s.recordSighting(new Sighting("U1", NOW.minus(Duration.ofHours(3)), Dialect.JUNIPER, "198.51.100.2", false));
      s.recordSighting(new Sighting("U2", NOW.minus(Duration.ofHours(2)), Dialect.JUNIPER, "198.51.100.3", false));
      s.recordSighting(new Sighting("U3", NOW.minus(Duration.ofHours(1)), Dialect.JUNIPER, "198.51.100.4", false));
      s.recordSighting(new Sighting("CLAIMED1", NOW.minus(Duration.ofDays(90)), Dialect.JUNIPER, null, true));
      s.enforceRetention();
      assertThat(s.unclaimed()).extracting(DeviceStatus::serialNumber).containsExactly("U2", "U3");
      assertThat(s.status("CLAIMED1").requests()).as("a device that got a record is never forgotten").isEqualTo(1);
    }
  }

  @Nested
  class OnPostgres extends Suite {
    @Override
    TestDatabase fresh() {
      return TestDatabase.postgres("retention");
    }
  }

  @Nested
  class OnSqlite extends Suite {
    @TempDir Path dir;

    @Override
    TestDatabase fresh() {
      return TestDatabase.sqlite(dir);
    }
  }
}
