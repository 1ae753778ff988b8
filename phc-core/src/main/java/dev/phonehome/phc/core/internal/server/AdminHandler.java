package dev.phonehome.phc.core.internal.server;

import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.server.DeviceNotification;
import dev.phonehome.phc.api.server.DeviceState;
import dev.phonehome.phc.api.server.DeviceStatus;
import dev.phonehome.phc.api.server.FeedCursor;
import dev.phonehome.phc.api.server.FeedEvent;
import dev.phonehome.phc.api.server.FeedPage;
import dev.phonehome.phc.api.server.ProgressQuery;
import dev.phonehome.phc.api.server.ReportedMember;
import dev.phonehome.phc.core.internal.json.JsonWriter;
import dev.phonehome.phc.core.server.AdminToken;
import dev.phonehome.phc.core.server.PhoneHomeHandler;
import dev.phonehome.phc.core.server.ServerRequest;
import dev.phonehome.phc.core.server.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin JSON API over a server's {@link ProgressQuery}, for operators and {@code phc status}. Every request
 * needs {@code Authorization: Bearer TOKEN}; GET only.
 *
 * <ul>
 *   <li>{@code GET /phc/admin/v1/devices}: {@code {"devices":[STATUS...]}}, the fleet, by serial.
 *   <li>{@code GET /phc/admin/v1/devices/SERIAL}: {@code {"device":STATUS,"members":[...],"timeline":[...]}};
 *       404 for a serial never seen.
 *   <li>{@code GET /phc/admin/v1/unclaimed}: {@code {"unclaimed":[STATUS...]}}, serials that polled without a
 *       record, with first and last seen and source address.
 *   <li>{@code GET /phc/admin/v1/feed?after=CURSOR&limit=N}: {@code {"events":[{"position":...,NOTIFICATION}],
 *       "next":CURSOR}}, the exact notification feed (limit 1 to 1000, default 100).
 * </ul>
 */
public final class AdminHandler implements PhoneHomeHandler {
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  public static final String PREFIX = "/phc/admin/v1";
  /** Every path of the admin API starts with this (the device port recognises it). */
  public static final String ROOT = "/phc/admin";

  private final ProgressQuery query;
  private final AdminToken token;

  public AdminHandler(ProgressQuery query, AdminToken token) {
    this.query = query;
    this.token = token;
  }

  /** True when the request carries the admin token. */
  public boolean authorized(ServerRequest request) {
    return token.authorizes(request.header("Authorization"));
  }

  @Override
  public ServerResponse handle(ServerRequest request) {
    if (!authorized(request)) {
      return json(401, error("missing or wrong admin token (Authorization: Bearer TOKEN)"),
          Map.of("WWW-Authenticate", "Bearer realm=\"phc-admin\""));
    }
    if (!request.method().equals("GET")) {
      return json(405, error("only GET"), Map.of("Allow", "GET"));
    }
    String path = request.rawPath();
    String queryString = request.query() == null ? "" : request.query();
    try {
      if (path.equals(PREFIX + "/devices") || path.equals(PREFIX + "/devices/")) {
        return json(200, write(w -> {
          w.beginObject().name("devices").beginArray();
          for (DeviceStatus s : query.devices()) {
            status(w, s);
          }
          w.endArray().endObject();
        }), Map.of());
      }
      if (path.startsWith(PREFIX + "/devices/")) {
        String serial = URLDecoder.decode(path.substring((PREFIX + "/devices/").length()), StandardCharsets.UTF_8);
        DeviceStatus s = query.status(serial);
        if (s.state() == DeviceState.NEVER_SEEN) {
          return json(404, error("serial never seen: " + serial), Map.of());
        }
        List<ReportedMember> members = query.members(serial);
        List<DeviceNotification> timeline = query.timeline(serial);
        return json(200, write(w -> {
          w.beginObject().name("device");
          status(w, s);
          w.name("members").beginArray();
          for (ReportedMember m : members) {
            member(w, m);
          }
          w.endArray().name("timeline").beginArray();
          for (DeviceNotification n : timeline) {
            notification(w, n, null);
          }
          w.endArray().endObject();
        }), Map.of());
      }
      if (path.equals(PREFIX + "/unclaimed")) {
        return json(200, write(w -> {
          w.beginObject().name("unclaimed").beginArray();
          for (DeviceStatus s : query.unclaimed()) {
            status(w, s);
          }
          w.endArray().endObject();
        }), Map.of());
      }
      if (path.equals(PREFIX + "/feed")) {
        return feed(queryString);
      }
    } catch (RuntimeException e) {
      log.error("admin API: {} failed", path, e);
      return json(503, error("the server's store cannot be read now: " + e.getMessage()), Map.of("Retry-After", "5"));
    }
    return json(404, error("no such admin resource: " + path), Map.of());
  }

  private ServerResponse feed(String queryString) {
    Map<String, String> params = new HashMap<>();
    for (String p : queryString.split("&")) {
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(k, v);
    }
    FeedCursor after;
    int limit;
    try {
      after = FeedCursor.of(params.getOrDefault("after", FeedCursor.START.value()));
    } catch (IllegalArgumentException e) {
      return json(400, error("after: " + e.getMessage()), Map.of());
    }
    try {
      limit = Integer.parseInt(params.getOrDefault("limit", "100"));
    } catch (NumberFormatException e) {
      return json(400, error("limit: not a number: " + params.get("limit")), Map.of());
    }
    if (limit < 1 || limit > 1000) {
      return json(400, error("limit: must be 1 to 1000, was " + limit), Map.of());
    }
    FeedPage page;
    try {
      page = query.feed(after, limit);
    } catch (IllegalArgumentException e) {
      return json(400, error("after: " + e.getMessage()), Map.of());
    }
    return json(200, write(w -> {
      w.beginObject().name("events").beginArray();
      for (FeedEvent e : page.events()) {
        notification(w, e.notification(), e.position());
      }
      w.endArray().name("next").value(page.next().value()).endObject();
    }), Map.of());
  }

  // ---- JSON ----------------------------------------------------------------------------------------------

  private interface Body {
    void write(JsonWriter w) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonWriter w = JsonWriter.of(out)) {
      body.write(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] error(String message) {
    return write(w -> w.beginObject().name("error").value(message).endObject());
  }

  private static ServerResponse json(int status, byte[] body, Map<String, String> headers) {
    Map<String, String> h = new HashMap<>(headers);
    h.put("Cache-Control", "no-store");
    return ServerResponse.of(status, "application/json", body, h);
  }

  /** {@code "in-progress"} for {@code IN_PROGRESS}. */
  public static String stateName(DeviceState s) {
    return s.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void time(JsonWriter w, String name, @Nullable Instant t) throws IOException {
    if (t != null) {
      w.name(name).value(t.toString());
    }
  }

  private static void status(JsonWriter w, DeviceStatus s) throws IOException {
    w.beginObject();
    w.name("serial").value(s.serialNumber());
    w.name("state").value(stateName(s.state()));
    if (s.phase() != null) {
      w.name("phase").value(s.phase().name());
    }
    time(w, "first-seen", s.firstSeenAt());
    time(w, "last-seen", s.lastSeenAt());
    if (s.lastSourceAddress() != null) {
      w.name("source").value(s.lastSourceAddress());
    }
    if (s.lastDialect() != null) {
      w.name("dialect").value(s.lastDialect().name().toLowerCase(Locale.ROOT));
    }
    time(w, "last-request", s.lastRequestAt());
    DeviceNotification n = s.lastNotification();
    if (n != null) {
      w.name("last-notification").beginObject();
      w.name("time").value(n.receivedAt().toString());
      w.name("type").value(n.report().type().name());
      if (n.report().message() != null) {
        w.name("message").value(n.report().message());
      }
      MemberRef m = n.report().member();
      if (m != null) {
        w.name("member-id").value(m.memberId());
      }
      w.endObject();
    }
    w.name("requests").value(s.requests());
    w.name("notifications").value(s.notifications());
    w.name("dropped-notifications").value(s.droppedNotifications());
    w.endObject();
  }

  private static void member(JsonWriter w, ReportedMember m) throws IOException {
    w.beginObject();
    w.name("member-id").value(m.memberId());
    w.name("serial").value(m.serialNumber());
    w.name("role").value(m.role().reportName());
    w.name("last-type").value(m.lastType().name());
    w.name("failed").value(m.failed());
    if (m.lastMessage() != null) {
      w.name("last-message").value(m.lastMessage());
    }
    w.name("reported-at").value(m.reportedAt().toString());
    w.endObject();
  }

  /** A notification as the timeline and the feed show it (the feed adds its position). */
  private static void notification(JsonWriter w, DeviceNotification n, @Nullable FeedCursor position)
      throws IOException {
    w.beginObject();
    if (position != null) {
      w.name("position").value(position.value());
    }
    w.name("time").value(n.receivedAt().toString());
    w.name("serial").value(n.serialNumber());
    w.name("dialect").value(n.dialect().name().toLowerCase(Locale.ROOT));
    w.name("type").value(n.report().type().name());
    if (n.report().message() != null) {
      w.name("message").value(n.report().message());
    }
    MemberRef m = n.report().member();
    if (m != null) {
      w.name("member-id").value(m.memberId());
      w.name("member-serial").value(m.serialNumber());
      w.name("member-role").value(m.role().reportName());
    }
    NotificationId id = n.report().notificationId();
    if (id != null) {
      w.name("notification-id").value(id.toString());
    }
    w.endObject();
  }
}
