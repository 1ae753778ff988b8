package dev.phonehome.phc.api.server;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a phone-home server keeps what it learns about devices: sightings (claimed or not, first and last seen,
 * source address, dialect), bootstrap requests answered, notifications (with the client's notification id),
 * the derived device state, and the VC members as last reported. The server reads everything it shows through
 * this SPI ({@code PhoneHomeServer.progress()}), so a store shared by several servers gives them one view.
 *
 * <p>phc ships an in-memory store (the default; {@code dev.phonehome.phc.core.server.InMemoryDeviceStore}) and
 * a JDBC store on PostgreSQL or an embedded file database (module {@code phc-store-jdbc}). Implementations must
 * be thread-safe.
 *
 * <h2>The rules a store keeps</h2>
 * <ul>
 *   <li><b>Durable before answered.</b> {@link #append} returns only after the notifications are stored (for a
 *       database: committed). When it cannot store them it throws {@link dev.phonehome.phc.api.PhcStoreException}
 *       and the server answers the device 503 with {@code Retry-After}, so the device sends them again.
 *   <li><b>Once per id.</b> A notification whose {@link dev.phonehome.phc.api.model.ProgressReport#notificationId()}
 *       the store already holds for that serial is not stored again (it is reported as a duplicate, and the
 *       device still gets 2xx). Notifications without an id are always stored.
 *   <li><b>Transitions.</b> States follow {@link DeviceState#afterRequest()} and
 *       {@link DeviceState#afterNotification}; a store never stores {@link DeviceState#STALLED} (the server
 *       judges that at read time with its clock).
 *   <li><b>Exact feed.</b> See {@link #feed}.
 * </ul>
 */
public interface DeviceStore extends AutoCloseable {
  /**
   * Records an authenticated bootstrap request and how it was answered (see {@link Sighting}). The server
   * does not fail the device's request when this throws: the sighting is lost, the device still gets its
   * answer.
   *
   * @throws dev.phonehome.phc.api.PhcStoreException when the store cannot record it
   */
  void recordSighting(Sighting sighting);

  /**
   * Stores one request's notifications, all of one device, in order; returns once they are durable. The device
   * counts as seen at the last notification's time from {@code sourceAddress}.
   *
   * @param notifications notifications of one serial, stamped by the server, in the order received
   * @param sourceAddress the peer address, or null when unknown
   * @return which were stored and which were duplicates by notification id
   * @throws dev.phonehome.phc.api.PhcStoreException when they could not be stored (none is acknowledged; some
   *     may have been stored after all, and a retry with the same notification ids is then a duplicate)
   * @throws IllegalArgumentException when the list is empty or mixes serials
   */
  AppendResult append(List<DeviceNotification> notifications, @Nullable String sourceAddress);

  /**
   * The stored status of one device, or {@link DeviceStatus#neverSeen} when the store has none. Its state is
   * never {@link DeviceState#STALLED}.
   */
  DeviceStatus status(String serialNumber);

  /** Every device the store holds (claimed or not), by serial. */
  List<DeviceStatus> devices();

  /** The devices whose last bootstrap request found no record ({@link DeviceState#UNCLAIMED}), by serial. */
  List<DeviceStatus> unclaimed();

  /** The device's retained notifications, oldest first. */
  List<DeviceNotification> timeline(String serialNumber);

  /** The VC members as last reported, by member id. */
  List<ReportedMember> members(String serialNumber);

  /**
   * Up to {@code limit} notifications after {@code after}, in feed order, and the cursor to continue from.
   *
   * <p><b>Exactly once.</b> Every notification the store acknowledged appears in the feed exactly once, and
   * never at a position before a cursor the feed already handed out, whichever server instance stored it and
   * in whatever order concurrent writers committed. A consumer that saves {@link FeedPage#next()} together
   * with its own effects (one transaction, or idempotent effects keyed by {@link FeedEvent#position()}) thus
   * processes every notification exactly once across its restarts. A notification may show up a moment after
   * {@link #append} returned (a store may hold back rows that a still-running earlier transaction could precede);
   * notifications removed by retention leave the feed too.
   *
   * @param after {@link FeedCursor#START} or a cursor this store (or another instance on the same database)
   *     handed out
   * @param limit the most events to return, at least 1
   * @throws IllegalArgumentException for a cursor this kind of store did not issue, or a limit below 1
   */
  FeedPage feed(FeedCursor after, int limit);

  /** Releases the store's resources (threads, connections). The server never closes a store it was given. */
  @Override
  default void close() {}
}
