package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.Dialect;
import dev.phonehome.phc.api.PhcStoreException;
import dev.phonehome.phc.api.model.MemberRef;
import dev.phonehome.phc.api.model.MemberRole;
import dev.phonehome.phc.api.model.NotificationId;
import dev.phonehome.phc.api.model.ProgressReport;
import dev.phonehome.phc.api.model.ProgressType;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeviceStore} in a relational database: PostgreSQL, which several servers share (one timeline per
 * device whichever server it talks to, one feed for the NMS), or an embedded single-file database (SQLite or H2)
 * for one server that must survive restarts.
 *
 * <pre>{@code
 * JdbcDatabase db = JdbcDatabase.builder("jdbc:postgresql://db.example.net/nms").user("phc").password(pw).build();
 * JdbcDeviceStore store = JdbcDeviceStore.builder(db)
 *     .maxNotificationsPerDevice(1000)          // retention by count, per device
 *     .maxAge(Duration.ofDays(90))              // retention by age
 *     .build();                                 // migrates the schema (Flyway), starts the writer
 * PhoneHomeServer server = PhoneHomeServer.builder().store(store).records(records).build();
 * }</pre>
 *
 * <h2>Writes</h2>
 * Writes go through a writer thread (PostgreSQL: {@link Builder#writers}, default 2) that commits them in groups (group commit): every request
 * waiting at the moment a transaction starts rides in it, so under load one commit (one fsync) acknowledges
 * many notifications, and alone a notification is committed at once. A caller returns only after the commit (or
 * gets {@link PhcStoreException} after {@link Builder#commitTimeout}). Device rows are locked in serial order, so
 * servers sharing a database never deadlock; a notification id already stored for the device is not stored
 * again, also when two servers receive it at the same moment.
 *
 * <h2>The feed</h2>
 * PostgreSQL: ordered by (writing transaction id, row id), and only rows of transactions older than every
 * transaction still running are read ({@code pg_snapshot_xmin}), so a transaction that commits late can never
 * put a row behind a cursor already handed out: a plain id cursor would skip it. A transaction left open on the
 * same PostgreSQL cluster (any database) therefore delays the feed, never breaks it. SQLite and H2: one writer at
 * a time, ids in commit order, the feed reads by id.
 *
 * <h2>Retention</h2>
 * Per device: at most {@link Builder#maxNotificationsPerDevice} notifications (the oldest are removed in the
 * same transaction) and, with {@link Builder#maxAge}, none older than that (removed by a sweep every
 * {@link Builder#maintenanceInterval}); removed ones are counted as dropped, and leave the feed too. Devices that
 * only ever polled unclaimed are forgotten beyond {@link Builder#maxUnclaimed} (the longest unseen first) or
 * after {@code maxAge}.
 */
public final class JdbcDeviceStore implements DeviceStore {
  private static final Logger log = LoggerFactory.getLogger(JdbcDeviceStore.class);
  private static final int IN_CHUNK = 200;

  private final JdbcDatabase db;
  private final DataSource ds;
  private final SqlDialect dialect;
  private final int maxPerDevice;
  private final @Nullable Duration maxAge;
  private final int maxUnclaimed;
  private final Duration commitTimeout;
  private final Clock clock;
  private final GroupCommitWriter[] writers;
  /** Serials whose device row exists (so a group need not insert it); bounded, forgotten when it grows large. */
  private final java.util.Set<String> knownRows = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService maintenance;

  private JdbcDeviceStore(Builder b) {
    this.db = b.db;
    this.ds = b.db.dataSource();
    this.dialect = b.db.dialect();
    this.maxPerDevice = b.maxPerDevice;
    this.maxAge = b.maxAge;
    this.maxUnclaimed = b.maxUnclaimed;
    this.commitTimeout = b.commitTimeout;
    this.clock = b.clock;
    if (b.migrate) {
      db.migrate();
    }
    // SQLite and H2 take one writer (their feed order is the commit order of that one writer); PostgreSQL may
    // commit several groups at once (its feed does not depend on commit order), devices spread by serial.
    int n = dialect.concurrentWriters() ? b.writers : 1;
    this.writers = new GroupCommitWriter[n];
    for (int i = 0; i < n; i++) {
      writers[i] = new GroupCommitWriter(db, dialect, b.maxBatch, b.queueCapacity, this::applyBatch);
    }
    this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "phc-store-maintenance");
      t.setDaemon(true);
      return t;
    });
    long every = b.maintenanceInterval.toMillis();
    maintenance.scheduleWithFixedDelay(this::maintainQuietly, every, every, TimeUnit.MILLISECONDS);
  }

  /** A store in {@code db}, configured by the builder. */
  public static Builder builder(JdbcDatabase db) {
    return new Builder(db);
  }

  /**
   * What the writer did since the store started: transactions committed, writes (sightings and notification
   * requests) they carried, writes that failed, and writes waiting now. {@code writes / commits} is how much group
   * commit saves.
   */
  public record Statistics(long commits, long writes, long failedWrites, int waiting) {}

  /** The writer's counters (see {@link Statistics}). */
  public Statistics statistics() {
    long commits = 0;
    long writes = 0;
    long failed = 0;
    int waiting = 0;
    for (GroupCommitWriter w : writers) {
      commits += w.commits();
      writes += w.committedWrites();
      failed += w.failedWrites();
      waiting += w.queued();
    }
    return new Statistics(commits, writes, failed, waiting);
  }

  /** The database this store writes to. */
  public JdbcDatabase database() {
    return db;
  }

  // ---- writes --------------------------------------------------------------------------------------------

  @Override
  public void recordSighting(Sighting sighting) {
    Objects.requireNonNull(sighting, "sighting");
    await(writerFor(sighting.serialNumber()).submit(new GroupCommitWriter.Op(sighting, null, null)), "the sighting of "
        + sighting.serialNumber());
  }

  @Override
  public AppendResult append(List<DeviceNotification> notifications, @Nullable String sourceAddress) {
    oneSerial(notifications);
    Object r = await(writerFor(notifications.get(0).serialNumber())
        .submit(new GroupCommitWriter.Op(null, List.copyOf(notifications), sourceAddress)),
        notifications.size() + " notification(s) of " + notifications.get(0).serialNumber());
    return (AppendResult) Objects.requireNonNull(r);
  }

  /** One device's writes always go to the same writer, so they are committed in the order they came. */
  private GroupCommitWriter writerFor(String serial) {
    return writers[Math.floorMod(serial.hashCode(), writers.length)];
  }

  private @Nullable Object await(CompletableFuture<Object> f, String what) {
    try {
      return f.get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      PhcStoreException failure = new PhcStoreException(what + " not committed within " + commitTimeout
          + " (database slow or unreachable: " + db + ")", e);
      // Given up: the writer drops it unless its transaction already began (then it may still commit, and the
      // device's retry with the same notification id is a duplicate).
      f.completeExceptionally(failure);
      throw failure;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof PhcStoreException p) {
        throw new PhcStoreException(what + ": " + p.getMessage(), p);
      }
      throw new PhcStoreException(what + " not stored: " + c, c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PhcStoreException(what + ": interrupted while waiting for the commit", e);
    }
  }

  private static void oneSerial(List<DeviceNotification> notifications) {
    if (notifications.isEmpty()) {
      throw new IllegalArgumentException("no notifications to append");
    }
    String serial = notifications.get(0).serialNumber();
    for (DeviceNotification n : notifications) {
      if (!n.serialNumber().equals(serial)) {
        throw new IllegalArgumentException("notifications of one device only: " + serial + " and "
            + n.serialNumber());
      }
    }
  }

  /** One transaction for a group of operations, on the writer thread; returns each operation's result. */
  private List<Object> applyBatch(Connection c, List<GroupCommitWriter.Op> ops) throws SQLException {
    // 1. Every device the group touches gets a row (skipped for rows known to exist), then all of them are
    //    locked in serial order, so that writers of several servers never deadlock.
    Map<String, GroupCommitWriter.Op> firstOp = new java.util.TreeMap<>();
    for (GroupCommitWriter.Op op : ops) {
      firstOp.putIfAbsent(op.serial(), op);
    }
    List<String> serials = new ArrayList<>(firstOp.keySet());
    ensureRows(c, firstOp, serials.stream().filter(s -> !knownRows.contains(s)).toList());

    // 2. The notifications to insert: each notification id once per group (the first); the unique index on
    //    (serial, run, seq) then says which were stored before.
    List<DeviceNotification> candidates = new ArrayList<>();
    java.util.Set<Key> inGroup = new java.util.HashSet<>();
    for (GroupCommitWriter.Op op : ops) {
      if (op.notifications() != null) {
        for (DeviceNotification n : op.notifications()) {
          NotificationId id = n.report().notificationId();
          if (id == null || inGroup.add(new Key(n.serialNumber(), id.run(), id.sequence()))) {
            candidates.add(n);
          }
        }
      }
    }
    java.util.Set<DeviceNotification> inserted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    Map<String, DeviceRow> rows;
    if (dialect == SqlDialect.POSTGRESQL) {
      // Lock, then insert, in one round trip.
      rows = new java.util.TreeMap<>();
      PgWrites.lockAndInsert(c, serials, candidates, rows, inserted);
    } else {
      rows = lockRows(c, serials);
    }
    if (rows.size() != serials.size()) {
      // A row the retention sweep removed since: create it again.
      List<String> missing = serials.stream().filter(s -> !rows.containsKey(s)).toList();
      ensureRows(c, firstOp, missing);
      if (dialect == SqlDialect.POSTGRESQL) {
        PgWrites.lock(c, missing, rows);
      } else {
        rows.putAll(lockRows(c, missing));
      }
      if (rows.size() != serials.size()) {
        throw new SQLException("device rows missing after insert: " + serials.size() + " expected, " + rows.size()
            + " locked");
      }
    }
    if (knownRows.size() > 100_000) {
      knownRows.clear();
    }
    knownRows.addAll(serials);
    if (dialect != SqlDialect.POSTGRESQL) {
      insertNotifications(c, candidates, inserted);
    }

    // 3. Apply in arrival order.
    List<Object> results = new ArrayList<>(ops.size());
    Map<String, Map<Integer, ReportedMember>> members = new java.util.LinkedHashMap<>();
    for (GroupCommitWriter.Op op : ops) {
      DeviceRow row = rows.get(op.serial());
      if (op.sighting() != null) {
        row.apply(op.sighting());
        results.add(null);
        continue;
      }
      List<DeviceNotification> stored = new ArrayList<>();
      List<DeviceNotification> duplicates = new ArrayList<>();
      for (DeviceNotification n : op.notifications()) {
        if (!inserted.remove(n)) {
          duplicates.add(n);
          continue;
        }
        row.apply(n);
        stored.add(n);
        MemberRef m = n.report().member();
        if (m != null) {
          members.computeIfAbsent(n.serialNumber(), k -> new java.util.TreeMap<>()).put(m.memberId(),
              new ReportedMember(m.memberId(), m.serialNumber(), m.role(), n.report().type(), n.report().message(),
                  n.receivedAt()));
        }
      }
      DeviceNotification last = op.notifications().get(op.notifications().size() - 1);
      row.seen(last.receivedAt(), op.source(), last.dialect());
      results.add(new AppendResult(stored, duplicates));
    }

    // 4. Retention by count, members, device rows.
    for (DeviceRow row : rows.values()) {
      if (row.retained > maxPerDevice) {
        long excess = row.retained - maxPerDevice;
        int removed = deleteOldest(c, row.serial, excess);
        row.retained -= removed;
        row.dropped += removed;
      }
    }
    if (!members.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(dialect.upsertMember())) {
        for (Map.Entry<String, Map<Integer, ReportedMember>> e : members.entrySet()) {
          for (ReportedMember m : e.getValue().values()) {
            ps.setString(1, e.getKey());
            ps.setInt(2, m.memberId());
            ps.setString(3, text(m.serialNumber()));
            ps.setString(4, m.role().name());
            ps.setString(5, text(m.lastType().name()));
            ps.setString(6, text(m.lastMessage()));
            dialect.setInstant(ps, 7, m.reportedAt());
            ps.addBatch();
          }
        }
        ps.executeBatch();
      }
    }
    if (dialect == SqlDialect.POSTGRESQL) {
      PgWrites.update(c, rows.values());
    } else {
      try (PreparedStatement ps = c.prepareStatement(DeviceRow.UPDATE)) {
        for (DeviceRow row : rows.values()) {
          row.bindUpdate(ps, dialect);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return results;
  }

  private void ensureRows(Connection c, Map<String, GroupCommitWriter.Op> firstOp, List<String> serials)
      throws SQLException {
    if (serials.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(dialect.insertDeviceIfAbsent())) {
      for (String serial : serials) {
        GroupCommitWriter.Op op = firstOp.get(serial);
        ps.setString(1, serial);
        ps.setString(2, DeviceState.NEVER_SEEN.name());
        dialect.setInstant(ps, 3, op.at());
        dialect.setInstant(ps, 4, op.at());
        ps.setString(5, op.dialect().name());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static final String INSERT_COLUMNS = "INSERT INTO phc_notification (serial, received_at, dialect, type,"
      + " message, member_id, member_serial, member_role, run, seq, extras)";
  private static final int INSERT_CHUNK = 400;

  /** Inserts the candidates; adds those actually inserted (not already stored by id) to {@code inserted}. */
  private void insertNotifications(Connection c, List<DeviceNotification> candidates,
      java.util.Set<DeviceNotification> inserted) throws SQLException {
    if (candidates.isEmpty()) {
      return;
    }
    if (dialect == SqlDialect.H2) {
      // H2: one writer per database (its file lock), so reading the ids first and inserting the rest is exact.
      List<Key> keys = new ArrayList<>();
      for (DeviceNotification n : candidates) {
        NotificationId id = n.report().notificationId();
        if (id != null) {
          keys.add(new Key(n.serialNumber(), id.run(), id.sequence()));
        }
      }
      java.util.Set<Key> known = existing(c, keys);
      try (PreparedStatement ps = c.prepareStatement(INSERT_COLUMNS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (DeviceNotification n : candidates) {
          NotificationId id = n.report().notificationId();
          if (id != null && known.contains(new Key(n.serialNumber(), id.run(), id.sequence()))) {
            continue;
          }
          bindNotification(ps, 1, n);
          ps.addBatch();
          inserted.add(n);
        }
        ps.executeBatch();
      }
      return;
    }
    // SQLite: one multi-row INSERT per chunk; the unique index turns a stored id into no row, and
    // RETURNING says which ids went in.
    for (int from = 0; from < candidates.size(); from += INSERT_CHUNK) {
      List<DeviceNotification> chunk = candidates.subList(from, Math.min(candidates.size(), from + INSERT_CHUNK));
      StringBuilder sql = new StringBuilder(INSERT_COLUMNS).append(" VALUES ");
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      }
      sql.append(" ON CONFLICT (serial, run, seq) WHERE run IS NOT NULL DO NOTHING RETURNING serial, run, seq");
      java.util.Set<Key> went = new java.util.HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (DeviceNotification n : chunk) {
          bindNotification(ps, p, n);
          p += 11;
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String run = rs.getString(2);
            if (run != null) {
              went.add(new Key(rs.getString(1), run, rs.getLong(3)));
            }
          }
        }
      }
      for (DeviceNotification n : chunk) {
        NotificationId id = n.report().notificationId();
        if (id == null || went.contains(new Key(n.serialNumber(), id.run(), id.sequence()))) {
          inserted.add(n);
        }
      }
    }
  }

  private record Key(String serial, String run, long seq) {}

  private Map<String, DeviceRow> lockRows(Connection c, List<String> serials) throws SQLException {
    Map<String, DeviceRow> rows = new java.util.TreeMap<>();
    for (int from = 0; from < serials.size(); from += IN_CHUNK) {
      List<String> chunk = serials.subList(from, Math.min(serials.size(), from + IN_CHUNK));
      String sql = "SELECT " + DeviceRow.COLUMNS + " FROM phc_device WHERE serial IN (" + marks(chunk.size())
          + ") ORDER BY serial" + dialect.lockSuffix;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            DeviceRow r = DeviceRow.read(rs, dialect);
            rows.put(r.serial, r);
          }
        }
      }
    }
    return rows;
  }

  private java.util.Set<Key> existing(Connection c, List<Key> keys) throws SQLException {
    java.util.Set<Key> found = new java.util.HashSet<>();
    for (int from = 0; from < keys.size(); from += IN_CHUNK) {
      List<Key> chunk = keys.subList(from, Math.min(keys.size(), from + IN_CHUNK));
      StringBuilder sql = new StringBuilder("SELECT serial, run, seq FROM phc_notification WHERE run IS NOT NULL AND (");
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? "" : " OR ").append("(serial = ? AND run = ? AND seq = ?)");
      }
      sql.append(')');
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (Key k : chunk) {
          ps.setString(p++, k.serial());
          ps.setString(p++, k.run());
          ps.setLong(p++, k.seq());
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.add(new Key(rs.getString(1), rs.getString(2), rs.getLong(3)));
          }
        }
      }
    }
    return found;
  }

  private int deleteOldest(Connection c, String serial, long count) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM phc_notification WHERE id IN (SELECT id FROM"
        + " phc_notification WHERE serial = ? ORDER BY id LIMIT ?)")) {
      ps.setString(1, serial);
      ps.setLong(2, count);
      return ps.executeUpdate();
    }
  }

  private void bindNotification(PreparedStatement ps, int at, DeviceNotification n) throws SQLException {
    ProgressReport r = n.report();
    ps.setString(at, n.serialNumber());
    dialect.setInstant(ps, at + 1, n.receivedAt());
    ps.setString(at + 2, n.dialect().name());
    ps.setString(at + 3, text(r.type().name()));
    ps.setString(at + 4, text(r.message()));
    MemberRef m = r.member();
    if (m == null) {
      ps.setNull(at + 5, Types.INTEGER);
      ps.setNull(at + 6, Types.VARCHAR);
      ps.setNull(at + 7, Types.VARCHAR);
    } else {
      ps.setInt(at + 5, m.memberId());
      ps.setString(at + 6, text(m.serialNumber()));
      ps.setString(at + 7, m.role().name());
    }
    NotificationId id = r.notificationId();
    if (id == null) {
      ps.setNull(at + 8, Types.VARCHAR);
      ps.setNull(at + 9, Types.BIGINT);
    } else {
      ps.setString(at + 8, id.run());
      ps.setLong(at + 9, id.sequence());
    }
    ps.setString(at + 10, Extras.encode(r));
  }

  /** PostgreSQL text cannot hold U+0000; a device that sends one gets it stored as U+FFFD. */
  static @Nullable String text(@Nullable String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
  }

  private static String marks(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  @Override
  public DeviceStatus status(String serialNumber) {
    return read("the status of " + serialNumber, c -> {
      DeviceRow row = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT " + DeviceRow.COLUMNS + " FROM phc_device WHERE serial = ?")) {
        ps.setString(1, serialNumber);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            row = DeviceRow.read(rs, dialect);
          }
        }
      }
      if (row == null) {
        return DeviceStatus.neverSeen(serialNumber);
      }
      return row.toStatus(members(c, serialNumber).getOrDefault(serialNumber, List.of()));
    });
  }

  @Override
  public List<DeviceStatus> devices() {
    return listDevices("", "the device list");
  }

  @Override
  public List<DeviceStatus> unclaimed() {
    return listDevices(" WHERE state = 'UNCLAIMED'", "the unclaimed inbox");
  }

  private List<DeviceStatus> listDevices(String where, String what) {
    return read(what, c -> {
      List<DeviceRow> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + DeviceRow.COLUMNS + " FROM phc_device" + where
          + " ORDER BY serial")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(DeviceRow.read(rs, dialect));
          }
        }
      }
      Map<String, List<ReportedMember>> members = where.isEmpty() ? members(c, null) : Map.of();
      List<DeviceStatus> out = new ArrayList<>(rows.size());
      for (DeviceRow r : rows) {
        out.add(r.toStatus(members.getOrDefault(r.serial, List.of())));
      }
      return out;
    });
  }

  private Map<String, List<ReportedMember>> members(Connection c, @Nullable String serial) throws SQLException {
    Map<String, List<ReportedMember>> out = new HashMap<>();
    String sql = "SELECT serial, member_id, member_serial, role, last_type, last_message, reported_at FROM phc_member"
        + (serial == null ? "" : " WHERE serial = ?") + " ORDER BY serial, member_id";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (serial != null) {
        ps.setString(1, serial);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString("serial"), k -> new ArrayList<>()).add(new ReportedMember(
              rs.getInt("member_id"), rs.getString("member_serial"), MemberRole.valueOf(rs.getString("role")),
              ProgressType.of(rs.getString("last_type")), rs.getString("last_message"),
              Objects.requireNonNull(dialect.getInstant(rs, "reported_at"))));
        }
      }
    }
    return out;
  }

  @Override
  public List<DeviceNotification> timeline(String serialNumber) {
    return read("the timeline of " + serialNumber, c -> {
      List<DeviceNotification> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + SqlDialect.NOTIFICATION_COLUMNS
          + " FROM phc_notification WHERE serial = ? ORDER BY id")) {
        ps.setString(1, serialNumber);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(readNotification(rs));
          }
        }
      }
      return out;
    });
  }

  @Override
  public List<ReportedMember> members(String serialNumber) {
    return read("the members of " + serialNumber,
        c -> members(c, serialNumber).getOrDefault(serialNumber, List.of()));
  }

  @Override
  public FeedPage feed(FeedCursor after, int limit) {
    Objects.requireNonNull(after, "after");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    dialect.checkCursor(after); // a foreign cursor is the caller's mistake, not a store failure
    return read("the feed", c -> {
      List<FeedEvent> events = new ArrayList<>(Math.min(limit, 1000));
      try (PreparedStatement ps = c.prepareStatement(dialect.feedQuery())) {
        int next = dialect.bindCursor(ps, after);
        ps.setInt(next, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            events.add(new FeedEvent(dialect.cursorAt(rs), readNotification(rs)));
          }
        }
      }
      return new FeedPage(events, events.isEmpty() ? after : events.get(events.size() - 1).position());
    });
  }

  private DeviceNotification readNotification(ResultSet rs) throws SQLException {
    return DeviceRow.notification(rs.getString("serial"), dialect.getInstant(rs, "received_at"),
        rs.getString("dialect"), rs.getString("type"), rs.getString("message"), DeviceRow.intOrNull(rs, "member_id"),
        rs.getString("member_serial"), rs.getString("member_role"), rs.getString("run"),
        DeviceRow.longOrNull(rs, "seq"), rs.getString("extras"));
  }

  private interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(String what, Read<T> body) {
    try (Connection c = ds.getConnection()) {
      return body.run(c);
    } catch (SQLException e) {
      throw new PhcStoreException("cannot read " + what + " from " + db + ": " + e.getMessage(), e);
    }
  }

  // ---- retention -----------------------------------------------------------------------------------------

  /**
   * Removes notifications older than {@link Builder#maxAge} (counted as dropped) and forgets unclaimed devices
   * beyond {@link Builder#maxUnclaimed} or older than the age limit. Runs by itself every
   * {@link Builder#maintenanceInterval}; call it to run it now. Returns how many notifications were removed.
   *
   * @throws PhcStoreException when the database fails
   */
  public long enforceRetention() {
    try {
      return maintain(clock.instant());
    } catch (SQLException e) {
      throw new PhcStoreException("retention sweep failed in " + db + ": " + e.getMessage(), e);
    }
  }

  private void maintainQuietly() {
    try {
      maintain(clock.instant());
    } catch (SQLException | RuntimeException e) {
      log.warn("phc store: retention sweep failed in {}; retried in the next interval", db, e);
    }
  }

  private synchronized long maintain(Instant now) throws SQLException {
    long removed = 0;
    if (maxAge != null) {
      Instant cutoff = now.minus(maxAge);
      while (true) {
        List<String> serials = new ArrayList<>();
        try (Connection c = ds.getConnection();
            PreparedStatement ps = c.prepareStatement("SELECT DISTINCT serial FROM phc_notification"
                + " WHERE received_at < ? ORDER BY serial LIMIT " + IN_CHUNK)) {
          dialect.setInstant(ps, 1, cutoff);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              serials.add(rs.getString(1));
            }
          }
        }
        if (serials.isEmpty()) {
          break;
        }
        removed += inTransaction(c -> {
          long n = 0;
          lockRows(c, serials);
          try (PreparedStatement del = c.prepareStatement("DELETE FROM phc_notification WHERE serial = ? AND"
              + " received_at < ?");
              PreparedStatement upd = c.prepareStatement("UPDATE phc_device SET retained = retained - ?,"
                  + " dropped = dropped + ? WHERE serial = ?")) {
            for (String s : serials) {
              del.setString(1, s);
              dialect.setInstant(del, 2, cutoff);
              int k = del.executeUpdate();
              upd.setLong(1, k);
              upd.setLong(2, k);
              upd.setString(3, s);
              upd.executeUpdate();
              n += k;
            }
          }
          return n;
        });
      }
    }
    forgetUnclaimed(now);
    return removed;
  }

  private void forgetUnclaimed(Instant now) throws SQLException {
    String onlyPolled = "state = 'UNCLAIMED' AND requests = 0 AND notifications = 0";
    inTransaction(c -> {
      if (maxAge != null) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM phc_device WHERE " + onlyPolled
            + " AND last_seen_at < ?")) {
          dialect.setInstant(ps, 1, now.minus(maxAge));
          ps.executeUpdate();
        }
      }
      long count;
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM phc_device WHERE " + onlyPolled);
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        count = rs.getLong(1);
      }
      if (count > maxUnclaimed) {
        List<String> gone = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM phc_device WHERE " + onlyPolled
            + " ORDER BY last_seen_at, serial LIMIT ?")) {
          ps.setLong(1, count - maxUnclaimed);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              gone.add(rs.getString(1));
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM phc_device WHERE serial = ? AND " + onlyPolled)) {
          for (String s : gone) {
            ps.setString(1, s);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return 0L;
    });
  }

  private interface Tx {
    long run(Connection c) throws SQLException;
  }

  private long inTransaction(Tx body) throws SQLException {
    return db.inTransaction(body::run);
  }

  /**
   * Stops the writer after it has committed what was already queued (waiting at most the commit timeout) and
   * the retention sweep. Does not close the {@link JdbcDatabase}.
   */
  @Override
  public void close() {
    maintenance.shutdownNow();
    for (GroupCommitWriter w : writers) {
      w.close(commitTimeout);
    }
  }

  /** Configures a {@link JdbcDeviceStore}. */
  public static final class Builder {
    private final JdbcDatabase db;
    private int maxPerDevice = 1000;
    private @Nullable Duration maxAge;
    private int maxUnclaimed = 10_000;
    private int maxBatch = 256;
    private int writers = 2;
    private int queueCapacity = 10_000;
    private Duration commitTimeout = Duration.ofSeconds(10);
    private Duration maintenanceInterval = Duration.ofMinutes(1);
    private Clock clock = Clock.systemUTC();
    private boolean migrate = true;

    private Builder(JdbcDatabase db) {
      this.db = Objects.requireNonNull(db, "db");
    }

    /** Notifications kept per device; the oldest beyond it are removed and counted; default 1000. */
    public Builder maxNotificationsPerDevice(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxNotificationsPerDevice must be at least 1, was " + max);
      }
      this.maxPerDevice = max;
      return this;
    }

    /** Notifications (and unclaimed-only devices) older than this are removed; default: kept (count only). */
    public Builder maxAge(@Nullable Duration maxAge) {
      if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
        throw new IllegalArgumentException("maxAge must be positive, was " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Devices kept that only ever polled without a record; default 10,000 (protects against probes). */
    public Builder maxUnclaimed(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxUnclaimed must be at least 1, was " + max);
      }
      this.maxUnclaimed = max;
      return this;
    }

    /** The most operations one group commit carries; 1 turns group commit off (for comparison); default 256. */
    public Builder maxBatch(int maxBatch) {
      if (maxBatch < 1) {
        throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
      }
      this.maxBatch = maxBatch;
      return this;
    }

    /**
     * PostgreSQL: how many groups may commit at once (each writer holds a connection while it commits); default 2,
     * so the next group is written while one waits for its fsync. SQLite and H2 always use one.
     */
    public Builder writers(int writers) {
      if (writers < 1 || writers > 16) {
        throw new IllegalArgumentException("writers must be 1 to 16, was " + writers);
      }
      this.writers = writers;
      return this;
    }

    /** Writes waiting at most; beyond it a write fails at once (503 to the device); default 10,000. */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, was " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /** How long a write may wait for its commit before the caller gets {@link PhcStoreException}; default 10 s. */
    public Builder commitTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("commitTimeout must be positive, was " + timeout);
      }
      this.commitTimeout = timeout;
      return this;
    }

    /** How often the retention sweep runs; default 1 min. */
    public Builder maintenanceInterval(Duration interval) {
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException("maintenanceInterval must be at least 10 ms, was " + interval);
      }
      this.maintenanceInterval = interval;
      return this;
    }

    /** The clock that judges age for retention; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Whether {@link #build()} migrates the schema first (default true); false when you run migrations yourself. */
    public Builder migrate(boolean migrate) {
      this.migrate = migrate;
      return this;
    }

    /**
     * Migrates the schema (unless turned off) and starts the writer.
     *
     * @throws PhcStoreException when the database cannot be reached or migrated
     */
    public JdbcDeviceStore build() {
      return new JdbcDeviceStore(this);
    }
  }
}
