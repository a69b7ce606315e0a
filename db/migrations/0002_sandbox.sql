-- The hosted test environment (sandbox): every exchange as evidence, what each
-- test key's traffic stored, async serials, nonces and the reviewer's fault switches.

-- One row per request that reached the sandbox (or per probe of a city's own test
-- environment). Personal numbers and secrets are masked before they get here.
CREATE TABLE sandbox_evidence (
  id {{ID}},
  application_id {{BIGINT}} REFERENCES applications(id),  -- requests naming no issued key are not kept
  key_id {{BIGINT}} REFERENCES test_keys(id),
  city_code TEXT NOT NULL,
  source TEXT NOT NULL DEFAULT 'sandbox',                  -- sandbox | probe
  received_at {{BIGINT}} NOT NULL,
  method TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL,                                   -- accepted | refused | fault
  code TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',                          -- catalogue key of the failure
  rule_path TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  latency_us {{BIGINT}} NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '',                           -- space separated
  serial TEXT NOT NULL DEFAULT '',
  data_digest TEXT NOT NULL DEFAULT '',
  request TEXT NOT NULL DEFAULT '',
  response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sandbox_evidence_application ON sandbox_evidence(application_id, id);
CREATE INDEX sandbox_evidence_key_method ON sandbox_evidence(key_id, method, id);

CREATE TABLE sandbox_nonces (
  key_id {{BIGINT}} NOT NULL,
  nonce TEXT NOT NULL,
  seen_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (key_id, nonce)
);

-- Data a key's requests stored: teams, workers, entries, attendance, payroll …
-- A team's teamSysNo is 100000000 + its id.
CREATE TABLE sandbox_objects (
  id {{ID}},
  key_id {{BIGINT}} NOT NULL,
  kind TEXT NOT NULL,
  natural_key TEXT NOT NULL,
  subject TEXT NOT NULL DEFAULT '',      -- the worker's ID number where there is one
  attr TEXT NOT NULL DEFAULT '',         -- entry/exit type, team of a worker …
  event_day TEXT NOT NULL DEFAULT '',    -- yyyy-MM-dd of entries and attendance
  body TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  UNIQUE (key_id, kind, natural_key)
);
CREATE INDEX sandbox_objects_subject ON sandbox_objects(key_id, kind, subject);

CREATE TABLE sandbox_serials (
  serial TEXT PRIMARY KEY,
  key_id {{BIGINT}} NOT NULL,
  method TEXT NOT NULL,
  status INTEGER NOT NULL,
  result TEXT NOT NULL,
  pending_polls INTEGER NOT NULL DEFAULT 0,   -- polls still to answer "pending" (fault)
  polled_pending INTEGER NOT NULL DEFAULT 0,  -- 1 once a poll was answered "pending"
  created_at {{BIGINT}} NOT NULL
);

CREATE TABLE sandbox_faults (
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  scenario TEXT NOT NULL,        -- delay_async | rate_limit_once | server_error_once
  enabled INTEGER NOT NULL,      -- 1 while switched on
  armed INTEGER NOT NULL,        -- one-off faults: 1 until they fired
  switched_at {{BIGINT}} NOT NULL,
  PRIMARY KEY (application_id, scenario)
);
