package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.api.server.Sighting;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One {@code phc_device} row in memory, while a writer holds its lock, or as read. */
final class DeviceRow {
  static final String COLUMNS = "serial, state, first_seen_at, last_seen_at, last_source, last_dialect,"
      + " last_request_at, requests, notifications, dropped, retained, last_received_at, last_n_dialect, last_type,"
      + " last_message, last_member_id, last_member_serial, last_member_role, last_run, last_seq, last_extras";
  static final String UPDATE = "UPDATE phc_device SET state = ?, first_seen_at = ?, last_seen_at = ?,"
      + " last_source = ?, last_dialect = ?, last_request_at = ?, requests = ?, notifications = ?, dropped = ?,"
      + " retained = ?, last_received_at = ?, last_n_dialect = ?, last_type = ?, last_message = ?,"
      + " last_member_id = ?, last_member_serial = ?, last_member_role = ?, last_run = ?, last_seq = ?,"
      + " last_extras = ? WHERE serial = ?";

  final String serial;
  DeviceState state = DeviceState.NEVER_SEEN;
  @Nullable Instant firstSeenAt;
  @Nullable Instant lastSeenAt;
  @Nullable String lastSource;
  @Nullable Dialect lastDialect;
  @Nullable Instant lastRequestAt;
  long requests;
  long notifications;
  long dropped;
  long retained;
  @Nullable DeviceNotification last;

  DeviceRow(String serial) {
    this.serial = serial;
  }

  static DeviceRow read(ResultSet rs, SqlDialect d) throws SQLException {
    DeviceRow r = new DeviceRow(rs.getString("serial"));
    r.state = DeviceState.valueOf(rs.getString("state"));
    r.firstSeenAt = d.getInstant(rs, "first_seen_at");
    r.lastSeenAt = d.getInstant(rs, "last_seen_at");
    r.lastSource = rs.getString("last_source");
    r.lastDialect = Dialect.valueOf(rs.getString("last_dialect"));
    r.lastRequestAt = d.getInstant(rs, "last_request_at");
    r.requests = rs.getLong("requests");
    r.notifications = rs.getLong("notifications");
    r.dropped = rs.getLong("dropped");
    r.retained = rs.getLong("retained");
    String type = rs.getString("last_type");
    if (type != null) {
      Instant at = d.getInstant(rs, "last_received_at");
      r.last = notification(r.serial, at, rs.getString("last_n_dialect"), type, rs.getString("last_message"),
          intOrNull(rs, "last_member_id"), rs.getString("last_member_serial"), rs.getString("last_member_role"),
          rs.getString("last_run"), longOrNull(rs, "last_seq"), rs.getString("last_extras"));
    }
    return r;
  }

  /** A notification as stored in either table. */
  static DeviceNotification notification(String serial, @Nullable Instant at, String dialect, String type,
      @Nullable String message, @Nullable Integer memberId, @Nullable String memberSerial,
      @Nullable String memberRole, @Nullable String run, @Nullable Long seq, @Nullable String extras) {
    ProgressReport.Builder b = ProgressReport.builder(ProgressType.of(type)).message(message);
    if (memberId != null && memberSerial != null && memberRole != null) {
      b.member(new MemberRef(memberId, memberSerial, MemberRole.valueOf(memberRole)));
    }
    if (run != null && seq != null) {
      b.notificationId(new NotificationId(run, seq));
    }
    Extras.decode(extras, b);
    return new DeviceNotification(serial, at == null ? Instant.EPOCH : at, Dialect.valueOf(dialect), b.build());
  }

  static @Nullable Integer intOrNull(ResultSet rs, String col) throws SQLException {
    int v = rs.getInt(col);
    return rs.wasNull() ? null : v;
  }

  static @Nullable Long longOrNull(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : v;
  }

  void seen(Instant at, @Nullable String source, Dialect dialect) {
    if (firstSeenAt == null || at.isBefore(firstSeenAt)) {
      firstSeenAt = at;
    }
    if (lastSeenAt == null || !at.isBefore(lastSeenAt)) {
      lastSeenAt = at;
    }
    if (source != null) {
      lastSource = source;
    }
    lastDialect = dialect;
  }

  void apply(Sighting s) {
    seen(s.at(), s.sourceAddress(), s.dialect());
    if (s.claimed()) {
      requests++;
      lastRequestAt = s.at();
      state = state.afterRequest();
    } else {
      state = DeviceState.UNCLAIMED;
    }
  }

  void apply(DeviceNotification n) {
    notifications++;
    retained++;
    last = n;
    state = DeviceState.afterNotification(n.report().type());
  }

  void bindUpdate(PreparedStatement ps, SqlDialect d) throws SQLException {
    int i = 1;
    ps.setString(i++, state.name());
    d.setInstant(ps, i++, firstSeenAt);
    d.setInstant(ps, i++, lastSeenAt);
    ps.setString(i++, lastSource);
    ps.setString(i++, (lastDialect == null ? Dialect.JUNIPER : lastDialect).name());
    d.setInstant(ps, i++, lastRequestAt);
    ps.setLong(i++, requests);
    ps.setLong(i++, notifications);
    ps.setLong(i++, dropped);
    ps.setLong(i++, retained);
    DeviceNotification n = last;
    ProgressReport r = n == null ? null : n.report();
    d.setInstant(ps, i++, n == null ? null : n.receivedAt());
    ps.setString(i++, n == null ? null : n.dialect().name());
    ps.setString(i++, r == null ? null : r.type().name());
    ps.setString(i++, r == null ? null : r.message());
    MemberRef m = r == null ? null : r.member();
    if (m == null) {
      ps.setNull(i++, Types.INTEGER);
    } else {
      ps.setInt(i++, m.memberId());
    }
    ps.setString(i++, m == null ? null : m.serialNumber());
    ps.setString(i++, m == null ? null : m.role().name());
    NotificationId id = r == null ? null : r.notificationId();
    ps.setString(i++, id == null ? null : id.run());
    if (id == null) {
      ps.setNull(i++, Types.BIGINT);
    } else {
      ps.setLong(i++, id.sequence());
    }
    ps.setString(i++, r == null ? null : Extras.encode(r));
    ps.setString(i, serial);
  }

  DeviceStatus toStatus(List<ReportedMember> members) {
    return DeviceStatus.builder(serial, state)
        .phase(last == null ? null : last.report().type())
        .firstSeenAt(firstSeenAt)
        .lastSeenAt(lastSeenAt)
        .lastSourceAddress(lastSource)
        .lastDialect(lastDialect)
        .lastRequestAt(lastRequestAt)
        .lastNotification(last)
        .requests(requests)
        .notifications(notifications)
        .droppedNotifications(dropped)
        .members(members)
        .build();
  }
}
