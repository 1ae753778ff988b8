package dev.phonehome.phc.testkit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.DeviceStore;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedEvent;
import dev.phonehome.phc.api.server.Sighting;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceStoreCompatibilityKit} plus the rules of a store that keeps its state across restarts: what was
 * acknowledged before a restart is all there after it, duplicates stay duplicates, and a feed cursor handed out
 * before goes on exactly where it stopped.
 */
public abstract class DurableDeviceStoreCompatibilityKit extends DeviceStoreCompatibilityKit {
  /**
   * Closes {@code store} (as a stopping server does) and opens the same storage again, as a restarted server
   * would, with the same retention.
   */
  protected abstract DeviceStore reopen(DeviceStore store);

  @Test
  void restartKeepsTimelinesStatesMembersAndTheInbox() {
    DeviceStore store = open(100);
    store.recordSighting(new Sighting("PE30", t(0), Dialect.JUNIPER, "192.0.2.30", true));
    List<DeviceNotification> sent = List.of(
        note("PE30", 1, ProgressType.BOOTSTRAP_INITIATED, "go"),
        new DeviceNotification("PE30", t(2), Dialect.JUNIPER,
            ProgressReport.builder(ProgressType.VC_MEMBER_UPGRADE_SUCCESS).message("Successfully upgraded.")
                .member(new MemberRef(2, "PE32", MemberRole.LINECARD)).build()),
        note("PE30", 3, ProgressType.BOOTSTRAP_COMPLETE, "done"));
    store.append(sent, "192.0.2.31");
    store.recordSighting(new Sighting("WAITING1", t(4), Dialect.RFC8572, "198.51.100.1", false));
    DeviceStatus before = store.status("PE30");

    DeviceStore again = closeAfterTest(reopen(store));
    assertEquals(sent, again.timeline("PE30"));
    assertEquals(before, again.status("PE30"));
    assertEquals(DeviceState.COMPLETE, again.status("PE30").state());
    assertEquals(1, again.members("PE30").size());
    assertEquals(List.of("WAITING1"), again.unclaimed().stream().map(DeviceStatus::serialNumber).toList());
    assertEquals("198.51.100.1", again.unclaimed().get(0).lastSourceAddress());
  }

  @Test
  void duplicateAfterARestartIsStillADuplicate() {
    DeviceStore store = open(100);
    store.append(List.of(noteWithId("PE31", 1, "keep", 1)), null);
    DeviceStore again = closeAfterTest(reopen(store));
    assertEquals(1, again.append(List.of(noteWithId("PE31", 9, "keep", 1)), null).duplicates().size());
    assertEquals(1, again.timeline("PE31").size());
  }

  @Test
  void feedCursorFromBeforeARestartGoesOnExactlyWhereItStopped() {
    DeviceStore store = open(100);
    List<DeviceNotification> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      DeviceNotification n = note("PE3" + (i % 2 + 3), i, ProgressType.INFORMATIONAL, "before-" + i);
      store.append(List.of(n), null);
      sent.add(n);
    }
    List<FeedEvent> firstFour = drain(store, FeedCursor.START, 4, 6).subList(0, 4);
    String saved = firstFour.get(3).position().value();

    DeviceStore again = closeAfterTest(reopen(store));
    for (int i = 0; i < 3; i++) {
      DeviceNotification n = note("PE33", 10 + i, ProgressType.INFORMATIONAL, "after-" + i);
      again.append(List.of(n), null);
      sent.add(n);
    }
    List<DeviceNotification> consumed = new ArrayList<>();
    firstFour.forEach(e -> consumed.add(e.notification()));
    drain(again, FeedCursor.of(saved), 2, 5).forEach(e -> consumed.add(e.notification()));
    assertEquals(sent, consumed);
    assertTrue(again.feed(FeedCursor.of(saved), 100).events().size() <= 5);
  }
}
