package dev.phonehome.phc.cli;

import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.ProgressQuery;
import dev.phonehome.phc.api.server.ReportedMember;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The admin JSON API that {@code phc status} reads, over a server's {@link ProgressQuery}. Off unless a token
 * is given; every request needs {@code Authorization: Bearer TOKEN}.
 *
 * <ul>
 *   <li>{@code GET /phc/admin/v1/devices}: {@code {"devices":[STATUS...]}}, sorted by serial.
 *   <li>{@code GET /phc/admin/v1/devices/SERIAL}: {@code {"device":STATUS,"members":[...],"timeline":[...]}};
 *       404 for a serial never seen.
 * </ul>
 * STATUS is {@code {"serial","state","phase","last-request","last-notification":{"time","type","message"},
 * "requests","notifications","dropped-notifications"}}; timeline entries are the notification journal's
 * objects ({@link NotificationJournal}).
 */
final class AdminApi {
  static final String PREFIX = "/phc/admin/v1";

  /** An answer: status and JSON body. */
  record Answer(int status, String json) {}

  private final ProgressQuery query;
  private final byte[] token;

  AdminApi(ProgressQuery query, String token) {
    this.query = query;
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  Answer handle(String method, String rawPath, String authorization) {
    if (!authorized(authorization)) {
      return new Answer(401, "{\"error\":\"missing or wrong admin token (Authorization: Bearer TOKEN)\"}");
    }
    if (!method.equals("GET")) {
      return new Answer(405, "{\"error\":\"only GET\"}");
    }
    if (rawPath.equals(PREFIX + "/devices") || rawPath.equals(PREFIX + "/devices/")) {
      StringBuilder sb = new StringBuilder("{\"devices\":[");
      List<DeviceStatus> all = query.devices().stream()
          .sorted(Comparator.comparing(DeviceStatus::serialNumber)).toList();
      for (int i = 0; i < all.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        status(sb, all.get(i));
      }
      return new Answer(200, sb.append("]}").toString());
    }
    if (rawPath.startsWith(PREFIX + "/devices/")) {
      String serial = URLDecoder.decode(rawPath.substring((PREFIX + "/devices/").length()), StandardCharsets.UTF_8);
      DeviceStatus s = query.status(serial);
      if (s.state() == DeviceState.NEVER_SEEN) {
        return new Answer(404, "{\"error\":\"serial never seen\"}");
      }
      StringBuilder sb = new StringBuilder("{\"device\":");
      status(sb, s);
      sb.append(",\"members\":[");
      List<ReportedMember> members = query.members(serial);
      for (int i = 0; i < members.size(); i++) {
        ReportedMember m = members.get(i);
        if (i > 0) {
          sb.append(',');
        }
        sb.append("{\"member-id\":").append(m.memberId()).append(",\"serial\":");
        NotificationJournal.quote(sb, m.serialNumber()).append(",\"role\":");
        NotificationJournal.quote(sb, m.role().reportName()).append(",\"last-type\":");
        NotificationJournal.quote(sb, m.lastType().name()).append(",\"failed\":").append(m.failed());
        if (m.lastMessage() != null) {
          sb.append(",\"last-message\":");
          NotificationJournal.quote(sb, m.lastMessage());
        }
        sb.append(",\"reported-at\":");
        NotificationJournal.quote(sb, m.reportedAt().toString()).append('}');
      }
      sb.append("],\"timeline\":[");
      List<DeviceNotification> tl = query.timeline(serial);
      for (int i = 0; i < tl.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(NotificationJournal.toJson(tl.get(i)));
      }
      return new Answer(200, sb.append("]}").toString());
    }
    return new Answer(404, "{\"error\":\"no such admin resource\"}");
  }

  private boolean authorized(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }

  private static void status(StringBuilder sb, DeviceStatus s) {
    sb.append("{\"serial\":");
    NotificationJournal.quote(sb, s.serialNumber());
    sb.append(",\"state\":");
    NotificationJournal.quote(sb, s.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    if (s.phase() != null) {
      sb.append(",\"phase\":");
      NotificationJournal.quote(sb, s.phase().name());
    }
    if (s.lastRequestAt() != null) {
      sb.append(",\"last-request\":");
      NotificationJournal.quote(sb, s.lastRequestAt().toString());
    }
    DeviceNotification n = s.lastNotification();
    if (n != null) {
      sb.append(",\"last-notification\":{\"time\":");
      NotificationJournal.quote(sb, n.receivedAt().toString()).append(",\"type\":");
      NotificationJournal.quote(sb, n.report().type().name());
      if (n.report().message() != null) {
        sb.append(",\"message\":");
        NotificationJournal.quote(sb, n.report().message());
      }
      MemberRef m = n.report().member();
      if (m != null) {
        sb.append(",\"member-id\":").append(m.memberId());
      }
      sb.append('}');
    }
    sb.append(",\"requests\":").append(s.requests())
        .append(",\"notifications\":").append(s.notifications())
        .append(",\"dropped-notifications\":").append(s.droppedNotifications())
        .append('}');
  }
}
