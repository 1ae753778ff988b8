-- phc server state (phc-store-jdbc), H2 2.x. One writer thread per store and H2's file lock keep ids in commit
-- order, so the feed reads by id.
CREATE TABLE phc_device (
  serial              VARCHAR PRIMARY KEY,
  state               VARCHAR NOT NULL,
  first_seen_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  last_source         VARCHAR,
  last_dialect        VARCHAR NOT NULL,
  last_request_at     TIMESTAMP WITH TIME ZONE,
  requests            BIGINT NOT NULL DEFAULT 0,
  notifications       BIGINT NOT NULL DEFAULT 0,
  dropped             BIGINT NOT NULL DEFAULT 0,
  retained            BIGINT NOT NULL DEFAULT 0,
  last_received_at    TIMESTAMP WITH TIME ZONE,
  last_n_dialect      VARCHAR,
  last_type           VARCHAR,
  last_message        VARCHAR,
  last_member_id      INTEGER,
  last_member_serial  VARCHAR,
  last_member_role    VARCHAR,
  last_run            VARCHAR,
  last_seq            BIGINT,
  last_extras         VARCHAR
);
CREATE INDEX phc_device_unclaimed ON phc_device (state, last_seen_at);

CREATE TABLE phc_notification (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  serial         VARCHAR NOT NULL,
  received_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  dialect        VARCHAR NOT NULL,
  type           VARCHAR NOT NULL,
  message        VARCHAR,
  member_id      INTEGER,
  member_serial  VARCHAR,
  member_role    VARCHAR,
  run            VARCHAR,
  seq            BIGINT,
  extras         VARCHAR
);
CREATE UNIQUE INDEX phc_notification_once ON phc_notification (serial, run, seq);
CREATE INDEX phc_notification_timeline ON phc_notification (serial, id);
CREATE INDEX phc_notification_age ON phc_notification (received_at);

CREATE TABLE phc_member (
  serial         VARCHAR NOT NULL,
  member_id      INTEGER NOT NULL,
  member_serial  VARCHAR NOT NULL,
  role           VARCHAR NOT NULL,
  last_type      VARCHAR NOT NULL,
  last_message   VARCHAR,
  reported_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (serial, member_id)
);

CREATE TABLE phc_record (
  serial      VARCHAR PRIMARY KEY,
  file_name   VARCHAR NOT NULL,
  document    VARBINARY NOT NULL,
  version     VARCHAR NOT NULL,
  updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
