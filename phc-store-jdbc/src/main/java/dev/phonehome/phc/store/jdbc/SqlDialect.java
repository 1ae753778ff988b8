package dev.phonehome.phc.store.jdbc;

import dev.phonehome.phc.api.server.FeedCursor;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** What differs between the databases phc-store-jdbc speaks: time columns, locking, upserts, the feed. */
enum SqlDialect {
  /**
   * PostgreSQL 13+. Writers from any number of servers; the feed orders by (writing transaction id, row id) and
   * reads only rows of transactions older than the oldest one still running.
   */
  POSTGRESQL("postgresql", " FOR UPDATE"),
  /** SQLite 3.24+, in WAL mode. One writer at a time (its write lock): ids are in commit order. */
  SQLITE("sqlite", ""),
  /** H2 2.x, file mode. One writer thread per store and H2's file lock: ids are in commit order. */
  H2("h2", " FOR UPDATE");

  final String folder;
  final String lockSuffix;

  SqlDialect(String folder, String lockSuffix) {
    this.folder = folder;
    this.lockSuffix = lockSuffix;
  }

  /** The dialect of a JDBC URL, or of a database product name. */
  static SqlDialect of(String urlOrProduct) {
    String s = urlOrProduct.toLowerCase(Locale.ROOT);
    if (s.startsWith("jdbc:postgresql:") || s.equals("postgresql")) {
      return POSTGRESQL;
    }
    if (s.startsWith("jdbc:sqlite:") || s.equals("sqlite")) {
      return SQLITE;
    }
    if (s.startsWith("jdbc:h2:") || s.equals("h2")) {
      return H2;
    }
    throw new IllegalArgumentException("unsupported database '" + urlOrProduct
        + "': phc-store-jdbc speaks PostgreSQL (jdbc:postgresql:), SQLite (jdbc:sqlite:) and H2 (jdbc:h2:)");
  }

  String migrations() {
    return "classpath:dev/phonehome/phc/store/jdbc/migration/" + folder;
  }

  /** True when writers can commit out of id order (several servers): the feed then needs transaction ids. */
  boolean concurrentWriters() {
    return this == POSTGRESQL;
  }

  void setInstant(PreparedStatement ps, int i, @Nullable Instant t) throws SQLException {
    if (this == SQLITE) {
      if (t == null) {
        ps.setNull(i, Types.BIGINT);
      } else {
        ps.setLong(i, ChronoUnit.MICROS.between(Instant.EPOCH, t));
      }
    } else if (t == null) {
      ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }
  }

  @Nullable Instant getInstant(ResultSet rs, String column) throws SQLException {
    if (this == SQLITE) {
      long micros = rs.getLong(column);
      return rs.wasNull() ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Inserts a minimal device row unless the serial has one; parameters: serial, state, first, last, dialect. */
  String insertDeviceIfAbsent() {
    String cols = "INSERT INTO phc_device (serial, state, first_seen_at, last_seen_at, last_dialect) ";
    return switch (this) {
      case POSTGRESQL, SQLITE -> cols + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (serial) DO NOTHING";
      case H2 -> "MERGE INTO phc_device d USING (VALUES (CAST(? AS VARCHAR), CAST(? AS VARCHAR),"
          + " CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS TIMESTAMP WITH TIME ZONE), CAST(? AS VARCHAR)))"
          + " AS n(serial, state, first_seen_at, last_seen_at, last_dialect) ON d.serial = n.serial"
          + " WHEN NOT MATCHED THEN INSERT (serial, state, first_seen_at, last_seen_at, last_dialect)"
          + " VALUES (n.serial, n.state, n.first_seen_at, n.last_seen_at, n.last_dialect)";
    };
  }

  /** Inserts or replaces a member row; parameters: serial, member id, member serial, role, type, message, at. */
  String upsertMember() {
    return switch (this) {
      case POSTGRESQL, SQLITE -> "INSERT INTO phc_member (serial, member_id, member_serial, role, last_type,"
          + " last_message, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (serial, member_id) DO UPDATE SET"
          + " member_serial = excluded.member_serial, role = excluded.role, last_type = excluded.last_type,"
          + " last_message = excluded.last_message, reported_at = excluded.reported_at";
      case H2 -> "MERGE INTO phc_member (serial, member_id, member_serial, role, last_type, last_message,"
          + " reported_at) KEY (serial, member_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
    };
  }

  /** Inserts or replaces a record row; parameters: serial, file name, document, version, updated at. */
  String upsertRecord() {
    return switch (this) {
      case POSTGRESQL, SQLITE -> "INSERT INTO phc_record (serial, file_name, document, version, updated_at)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (serial) DO UPDATE SET file_name = excluded.file_name,"
          + " document = excluded.document, version = excluded.version, updated_at = excluded.updated_at";
      case H2 -> "MERGE INTO phc_record (serial, file_name, document, version, updated_at) KEY (serial)"
          + " VALUES (?, ?, ?, ?, ?)";
    };
  }

  static final String NOTIFICATION_COLUMNS = "id, serial, received_at, dialect, type, message, member_id,"
      + " member_serial, member_role, run, seq, extras";

  /** The feed query: rows after the cursor in feed order, at most {@code ?} (the last parameter). */
  String feedQuery() {
    if (this == POSTGRESQL) {
      // Only rows whose transaction is older than every transaction still running are read: every such
      // transaction has ended, so no row can still appear before them. A row of a transaction still running is
      // read once it (and every older one) has ended, at a position after the cursors handed out until then.
      return "SELECT tx::text AS tx_text, " + NOTIFICATION_COLUMNS + " FROM phc_notification"
          + " WHERE (tx, id) > (?::xid8, ?) AND tx < pg_snapshot_xmin(pg_current_snapshot())"
          + " ORDER BY tx, id LIMIT ?";
    }
    return "SELECT " + NOTIFICATION_COLUMNS + " FROM phc_notification WHERE id > ? ORDER BY id LIMIT ?";
  }

  /** Binds the cursor's parameters; returns the index of the next parameter (the limit). */
  int bindCursor(PreparedStatement ps, FeedCursor cursor) throws SQLException {
    Position p = parse(cursor);
    if (this == POSTGRESQL) {
      ps.setString(1, Long.toUnsignedString(p.tx));
      ps.setLong(2, p.id);
      return 3;
    }
    ps.setLong(1, p.id);
    return 2;
  }

  FeedCursor cursorAt(ResultSet rs) throws SQLException {
    long id = rs.getLong("id");
    if (this == POSTGRESQL) {
      return FeedCursor.of(rs.getString("tx_text") + "." + id);
    }
    return FeedCursor.of(Long.toString(id));
  }

  /** @throws IllegalArgumentException when this dialect did not issue the cursor */
  void checkCursor(FeedCursor c) {
    parse(c);
  }

  private Position parse(FeedCursor c) {
    String v = c.value();
    if (v.equals(FeedCursor.START.value())) {
      return new Position(0, 0);
    }
    try {
      if (this == POSTGRESQL) {
        int dot = v.indexOf('.');
        if (dot > 0 && dot == v.lastIndexOf('.')) {
          long tx = Long.parseUnsignedLong(v.substring(0, dot));
          long id = Long.parseLong(v.substring(dot + 1));
          if (id >= 0) {
            return new Position(tx, id);
          }
        }
      } else if (v.indexOf('.') < 0) {
        long id = Long.parseLong(v);
        if (id >= 0) {
          return new Position(0, id);
        }
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new IllegalArgumentException("not a feed cursor of this " + this + " store: \"" + v + "\""
        + (this == POSTGRESQL ? " (expected <transaction>.<id>)" : " (expected <id>)"));
  }

  private record Position(long tx, long id) {}

  @Override
  public String toString() {
    return switch (this) {
      case POSTGRESQL -> "PostgreSQL";
      case SQLITE -> "SQLite";
      case H2 -> "H2";
    };
  }
}
