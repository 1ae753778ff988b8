-- phc server state (phc-store-jdbc), SQLite 3.24 or later. Times are microseconds since the epoch (UTC).
-- One writer at a time (the database's write lock), so ids are handed out in commit order and the feed reads by id.
CREATE TABLE phc_device (
  serial              TEXT PRIMARY KEY,
  state               TEXT NOT NULL,
  first_seen_at       INTEGER NOT NULL,
  last_seen_at        INTEGER NOT NULL,
  last_source         TEXT,
  last_dialect        TEXT NOT NULL,
  last_request_at     INTEGER,
  requests            INTEGER NOT NULL DEFAULT 0,
  notifications       INTEGER NOT NULL DEFAULT 0,
  dropped             INTEGER NOT NULL DEFAULT 0,
  retained            INTEGER NOT NULL DEFAULT 0,
  last_received_at    INTEGER,
  last_n_dialect      TEXT,
  last_type           TEXT,
  last_message        TEXT,
  last_member_id      INTEGER,
  last_member_serial  TEXT,
  last_member_role    TEXT,
  last_run            TEXT,
  last_seq            INTEGER,
  last_extras         TEXT
);
CREATE INDEX phc_device_unclaimed ON phc_device (last_seen_at) WHERE state = 'UNCLAIMED';

-- AUTOINCREMENT: an id is never reused, even after retention removed the newest rows.
CREATE TABLE phc_notification (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  serial         TEXT NOT NULL,
  received_at    INTEGER NOT NULL,
  dialect        TEXT NOT NULL,
  type           TEXT NOT NULL,
  message        TEXT,
  member_id      INTEGER,
  member_serial  TEXT,
  member_role    TEXT,
  run            TEXT,
  seq            INTEGER,
  extras         TEXT
);
CREATE UNIQUE INDEX phc_notification_once ON phc_notification (serial, run, seq) WHERE run IS NOT NULL;
CREATE INDEX phc_notification_timeline ON phc_notification (serial, id);
CREATE INDEX phc_notification_age ON phc_notification (received_at);

CREATE TABLE phc_member (
  serial         TEXT NOT NULL,
  member_id      INTEGER NOT NULL,
  member_serial  TEXT NOT NULL,
  role           TEXT NOT NULL,
  last_type      TEXT NOT NULL,
  last_message   TEXT,
  reported_at    INTEGER NOT NULL,
  PRIMARY KEY (serial, member_id)
);

CREATE TABLE phc_record (
  serial      TEXT PRIMARY KEY,
  file_name   TEXT NOT NULL,
  document    BLOB NOT NULL,
  version     TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);
