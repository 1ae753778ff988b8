-- The agents' work queue (phc-agent): one row per Virtual Chassis to provision, claimed by one agent at a time
-- under a lease. Flyway history: phc_agent_schema_history (apart from phc-store-jdbc's phc_schema_history).
-- No secrets here: credentials_ref names credentials that each agent resolves on its own host.

CREATE TABLE phc_agent_vc (
  id                BIGSERIAL PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,             -- the operator's name for the VC (default host:port)
  host              TEXT NOT NULL,                    -- NETCONF over SSH address
  port              INTEGER NOT NULL,
  credentials_ref   TEXT NOT NULL,                    -- resolved by the agent (a file in its credentials directory)
  bootstrap_servers TEXT[] NOT NULL,                  -- redirect server / PHS list, in order
  dialect           TEXT NOT NULL,                    -- juniper | rfc8572
  serial_number     TEXT,                             -- serial to present; null: the VC primary's
  state             TEXT NOT NULL DEFAULT 'queued',   -- queued | running | completed | failed | cancelled
  attempts          INTEGER NOT NULL DEFAULT 0,       -- claims so far (a graceful release gives one back)
  max_attempts      INTEGER NOT NULL,
  not_before        TIMESTAMPTZ NOT NULL DEFAULT now(),  -- retry backoff: not claimed before
  owner             TEXT,                             -- agent holding the lease (state running)
  lease_generation  BIGINT NOT NULL DEFAULT 0,        -- fencing token: +1 per claim, checked on every write
  lease_expires_at  TIMESTAMPTZ,
  heartbeat_at      TIMESTAMPTZ,
  step              TEXT,                             -- engine step last reported by the owner
  device_serial     TEXT,                             -- the VC primary's serial, as the device reported it
  last_error        TEXT,
  result            TEXT,
  enqueued_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at      TIMESTAMPTZ,
  completed_by      TEXT,
  CONSTRAINT phc_agent_vc_state CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
  CONSTRAINT phc_agent_vc_lease CHECK (state <> 'running' OR (owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);

-- Claim order: ready queued rows, and running rows whose lease expired.
CREATE INDEX phc_agent_vc_ready ON phc_agent_vc (not_before, id) WHERE state = 'queued';
CREATE INDEX phc_agent_vc_leased ON phc_agent_vc (lease_expires_at) WHERE state = 'running';

-- Every lease ever granted: who drove which VC when (the ownership intervals), and how it ended.
CREATE TABLE phc_agent_lease (
  vc_id          BIGINT NOT NULL REFERENCES phc_agent_vc (id) ON DELETE CASCADE,
  generation     BIGINT NOT NULL,
  agent          TEXT NOT NULL,
  claimed_at     TIMESTAMPTZ NOT NULL,
  ended_at       TIMESTAMPTZ,                         -- expired: the last instant the lease was valid
  outcome        TEXT,                                -- completed | retry | failed | expired | released | cancelled
  engine_start   TEXT,                                -- fresh | resumed | restarted (the engine's own words)
  resumed_step   TEXT,                                -- the step the engine resumed at, from the device's state
  error          TEXT,
  PRIMARY KEY (vc_id, generation)
);
CREATE INDEX phc_agent_lease_open ON phc_agent_lease (agent) WHERE ended_at IS NULL;
