-- phc server state (phc-store-jdbc), PostgreSQL 13 or later.
-- One row per device serial: sightings, counters, derived state and the last notification (denormalised so the
-- fleet view is one scan).
CREATE TABLE phc_device (
  serial              TEXT PRIMARY KEY,
  state               TEXT NOT NULL,
  first_seen_at       TIMESTAMPTZ NOT NULL,
  last_seen_at        TIMESTAMPTZ NOT NULL,
  last_source         TEXT,
  last_dialect        TEXT NOT NULL,
  last_request_at     TIMESTAMPTZ,
  requests            BIGINT NOT NULL DEFAULT 0,
  notifications       BIGINT NOT NULL DEFAULT 0,
  dropped             BIGINT NOT NULL DEFAULT 0,
  retained            BIGINT NOT NULL DEFAULT 0,
  last_received_at    TIMESTAMPTZ,
  last_n_dialect      TEXT,
  last_type           TEXT,
  last_message        TEXT,
  last_member_id      INTEGER,
  last_member_serial  TEXT,
  last_member_role    TEXT,
  last_run            TEXT,
  last_seq            BIGINT,
  last_extras         TEXT
);
CREATE INDEX phc_device_unclaimed ON phc_device (last_seen_at) WHERE state = 'UNCLAIMED';

-- Every stored notification. tx is the writing transaction's id: the feed reads in (tx, id) order and only
-- rows of transactions older than every transaction still running, so a row committed late can never fall
-- behind a cursor already handed out.
CREATE TABLE phc_notification (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx             XID8 NOT NULL DEFAULT pg_current_xact_id(),
  serial         TEXT NOT NULL,
  received_at    TIMESTAMPTZ NOT NULL,
  dialect        TEXT NOT NULL,
  type           TEXT NOT NULL,
  message        TEXT,
  member_id      INTEGER,
  member_serial  TEXT,
  member_role    TEXT,
  run            TEXT,
  seq            BIGINT,
  extras         TEXT
);
CREATE UNIQUE INDEX phc_notification_once ON phc_notification (serial, run, seq) WHERE run IS NOT NULL;
CREATE INDEX phc_notification_timeline ON phc_notification (serial, id);
CREATE INDEX phc_notification_feed ON phc_notification (tx, id);
CREATE INDEX phc_notification_age ON phc_notification (received_at);

-- VC members as last reported, per device.
CREATE TABLE phc_member (
  serial         TEXT NOT NULL,
  member_id      INTEGER NOT NULL,
  member_serial  TEXT NOT NULL,
  role           TEXT NOT NULL,
  last_type      TEXT NOT NULL,
  last_message   TEXT,
  reported_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (serial, member_id)
);

-- Provisioning records in the records-directory format (file name and bytes as imported).
CREATE TABLE phc_record (
  serial      TEXT PRIMARY KEY,
  file_name   TEXT NOT NULL,
  document    BYTEA NOT NULL,
  version     TEXT NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL
);
