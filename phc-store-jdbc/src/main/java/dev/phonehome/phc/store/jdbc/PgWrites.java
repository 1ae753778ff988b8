package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.server.DeviceNotification;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A group's writes on PostgreSQL in statements whose text does not depend on the group's size: every row travels
 * in arrays ({@code unnest}), so each statement is parsed and planned once per connection (pgjdbc prepares it on
 * the server after a few uses) however many rows a group has, and the device rows are locked and the
 * notifications inserted in one round trip.
 */
final class PgWrites {
  private PgWrites() {}

  private static final String LOCK = "SELECT " + DeviceRow.COLUMNS + " FROM phc_device WHERE serial = ANY (?::text[])"
      + " ORDER BY serial FOR UPDATE";

  /**
   * The device rows locked in serial order first (servers sharing the database never deadlock on them), then the
   * notifications: a notification id already stored for the device gives no row, and RETURNING says which went
   * in. Rows are inserted in array order, so ids follow arrival order.
   */
  private static final String LOCK_AND_INSERT = LOCK + ";\nINSERT INTO phc_notification (serial, received_at, dialect,"
      + " type, message, member_id, member_serial, member_role, run, seq, extras) SELECT * FROM unnest(?::text[],"
      + " ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::int8[],"
      + " ?::text[]) ON CONFLICT (serial, run, seq) WHERE run IS NOT NULL DO NOTHING RETURNING serial, run, seq";

  /** Every device row of the group in one statement. */
  private static final String UPDATE = "UPDATE phc_device d SET state = u.state, first_seen_at = u.first_seen_at,"
      + " last_seen_at = u.last_seen_at, last_source = u.last_source, last_dialect = u.last_dialect,"
      + " last_request_at = u.last_request_at, requests = u.requests, notifications = u.notifications,"
      + " dropped = u.dropped, retained = u.retained, last_received_at = u.last_received_at,"
      + " last_n_dialect = u.last_n_dialect, last_type = u.last_type, last_message = u.last_message,"
      + " last_member_id = u.last_member_id, last_member_serial = u.last_member_serial,"
      + " last_member_role = u.last_member_role, last_run = u.last_run, last_seq = u.last_seq,"
      + " last_extras = u.last_extras FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[],"
      + " ?::text[], ?::text[], ?::timestamptz[], ?::int8[], ?::int8[], ?::int8[], ?::int8[], ?::timestamptz[],"
      + " ?::text[], ?::text[], ?::text[], ?::int4[], ?::text[], ?::text[], ?::text[], ?::int8[], ?::text[])"
      + " AS u(serial, state, first_seen_at, last_seen_at, last_source, last_dialect, last_request_at, requests,"
      + " notifications, dropped, retained, last_received_at, last_n_dialect, last_type, last_message,"
      + " last_member_id, last_member_serial, last_member_role, last_run, last_seq, last_extras)"
      + " WHERE d.serial = u.serial";

  /**
   * Locks the rows of {@code serials} (those that exist) into {@code rows} and inserts {@code candidates},
   * adding those actually inserted to {@code inserted}: one round trip.
   */
  static void lockAndInsert(Connection c, List<String> serials, List<DeviceNotification> candidates,
      Map<String, DeviceRow> rows, Set<DeviceNotification> inserted) throws SQLException {
    boolean insert = !candidates.isEmpty();
    try (PreparedStatement ps = c.prepareStatement(insert ? LOCK_AND_INSERT : LOCK)) {
      ps.setArray(1, c.createArrayOf("text", serials.toArray(new String[0])));
      if (insert) {
        bindNotifications(c, ps, 2, candidates);
      }
      ps.execute();
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          DeviceRow r = DeviceRow.read(rs, SqlDialect.POSTGRESQL);
          rows.put(r.serial, r);
        }
      }
      if (!insert) {
        return;
      }
      if (!ps.getMoreResults()) {
        throw new SQLException("the notification INSERT returned no result set");
      }
      Set<Key> went = new HashSet<>();
      try (ResultSet rs = ps.getResultSet()) {
        while (rs.next()) {
          String run = rs.getString(2);
          if (run != null) {
            went.add(new Key(rs.getString(1), run, rs.getLong(3)));
          }
        }
      }
      for (DeviceNotification n : candidates) {
        NotificationId id = n.report().notificationId();
        if (id == null || went.contains(new Key(n.serialNumber(), id.run(), id.sequence()))) {
          inserted.add(n);
        }
      }
    }
  }

  /** Locks the rows of {@code serials} that exist (after inserting missing ones). */
  static void lock(Connection c, List<String> serials, Map<String, DeviceRow> rows) throws SQLException {
    lockAndInsert(c, serials, List.of(), rows, Set.of());
  }

  private record Key(String serial, String run, long seq) {}

  private static void bindNotifications(Connection c, PreparedStatement ps, int at, List<DeviceNotification> ns)
      throws SQLException {
    int n = ns.size();
    String[] serial = new String[n];
    String[] receivedAt = new String[n];
    String[] dialect = new String[n];
    String[] type = new String[n];
    String[] message = new String[n];
    Integer[] memberId = new Integer[n];
    String[] memberSerial = new String[n];
    String[] memberRole = new String[n];
    String[] run = new String[n];
    Long[] seq = new Long[n];
    String[] extras = new String[n];
    for (int i = 0; i < n; i++) {
      DeviceNotification d = ns.get(i);
      ProgressReport r = d.report();
      serial[i] = d.serialNumber();
      receivedAt[i] = d.receivedAt().toString();
      dialect[i] = d.dialect().name();
      type[i] = JdbcDeviceStore.text(r.type().name());
      message[i] = JdbcDeviceStore.text(r.message());
      MemberRef m = r.member();
      if (m != null) {
        memberId[i] = m.memberId();
        memberSerial[i] = JdbcDeviceStore.text(m.serialNumber());
        memberRole[i] = m.role().name();
      }
      NotificationId id = r.notificationId();
      if (id != null) {
        run[i] = id.run();
        seq[i] = id.sequence();
      }
      extras[i] = Extras.encode(r);
    }
    ps.setArray(at, text(c, serial));
    ps.setArray(at + 1, text(c, receivedAt));
    ps.setArray(at + 2, text(c, dialect));
    ps.setArray(at + 3, text(c, type));
    ps.setArray(at + 4, text(c, message));
    ps.setArray(at + 5, c.createArrayOf("int4", memberId));
    ps.setArray(at + 6, text(c, memberSerial));
    ps.setArray(at + 7, text(c, memberRole));
    ps.setArray(at + 8, text(c, run));
    ps.setArray(at + 9, c.createArrayOf("int8", seq));
    ps.setArray(at + 10, text(c, extras));
  }

  /** Writes every row of {@code rows} back: one statement. */
  static void update(Connection c, Collection<DeviceRow> rows) throws SQLException {
    int n = rows.size();
    String[] serial = new String[n];
    String[] state = new String[n];
    String[] firstSeen = new String[n];
    String[] lastSeen = new String[n];
    String[] lastSource = new String[n];
    String[] lastDialect = new String[n];
    String[] lastRequest = new String[n];
    Long[] requests = new Long[n];
    Long[] notifications = new Long[n];
    Long[] dropped = new Long[n];
    Long[] retained = new Long[n];
    String[] lastReceived = new String[n];
    String[] lastNDialect = new String[n];
    String[] lastType = new String[n];
    String[] lastMessage = new String[n];
    Integer[] lastMemberId = new Integer[n];
    String[] lastMemberSerial = new String[n];
    String[] lastMemberRole = new String[n];
    String[] lastRun = new String[n];
    Long[] lastSeq = new Long[n];
    String[] lastExtras = new String[n];
    int i = 0;
    for (DeviceRow row : rows) {
      serial[i] = row.serial;
      state[i] = row.state.name();
      firstSeen[i] = instant(row.firstSeenAt);
      lastSeen[i] = instant(row.lastSeenAt);
      lastSource[i] = row.lastSource;
      lastDialect[i] = (row.lastDialect == null ? Dialect.JUNIPER : row.lastDialect).name();
      lastRequest[i] = instant(row.lastRequestAt);
      requests[i] = row.requests;
      notifications[i] = row.notifications;
      dropped[i] = row.dropped;
      retained[i] = row.retained;
      DeviceNotification last = row.last;
      if (last != null) {
        ProgressReport r = last.report();
        lastReceived[i] = instant(last.receivedAt());
        lastNDialect[i] = last.dialect().name();
        lastType[i] = JdbcDeviceStore.text(r.type().name());
        lastMessage[i] = JdbcDeviceStore.text(r.message());
        MemberRef m = r.member();
        if (m != null) {
          lastMemberId[i] = m.memberId();
          lastMemberSerial[i] = JdbcDeviceStore.text(m.serialNumber());
          lastMemberRole[i] = m.role().name();
        }
        NotificationId id = r.notificationId();
        if (id != null) {
          lastRun[i] = id.run();
          lastSeq[i] = id.sequence();
        }
        lastExtras[i] = Extras.encode(r);
      }
      i++;
    }
    try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
      int p = 1;
      ps.setArray(p++, text(c, serial));
      ps.setArray(p++, text(c, state));
      ps.setArray(p++, text(c, firstSeen));
      ps.setArray(p++, text(c, lastSeen));
      ps.setArray(p++, text(c, lastSource));
      ps.setArray(p++, text(c, lastDialect));
      ps.setArray(p++, text(c, lastRequest));
      ps.setArray(p++, c.createArrayOf("int8", requests));
      ps.setArray(p++, c.createArrayOf("int8", notifications));
      ps.setArray(p++, c.createArrayOf("int8", dropped));
      ps.setArray(p++, c.createArrayOf("int8", retained));
      ps.setArray(p++, text(c, lastReceived));
      ps.setArray(p++, text(c, lastNDialect));
      ps.setArray(p++, text(c, lastType));
      ps.setArray(p++, text(c, lastMessage));
      ps.setArray(p++, c.createArrayOf("int4", lastMemberId));
      ps.setArray(p++, text(c, lastMemberSerial));
      ps.setArray(p++, text(c, lastMemberRole));
      ps.setArray(p++, text(c, lastRun));
      ps.setArray(p++, c.createArrayOf("int8", lastSeq));
      ps.setArray(p, text(c, lastExtras));
      int updated = ps.executeUpdate();
      if (updated != n) {
        throw new SQLException("device rows updated: " + updated + " of " + n);
      }
    }
  }

  private static Array text(Connection c, @Nullable String[] values) throws SQLException {
    return c.createArrayOf("text", values);
  }

  /** PostgreSQL reads ISO-8601 with its Z; microseconds are what it keeps (the server stamps at that precision). */
  private static @Nullable String instant(@Nullable Instant t) {
    return t == null ? null : t.toString();
  }
}
