-- The whole schema of the platform, shared by SQLite and PostgreSQL.
-- Tokens replaced per dialect by the migration runner: {{ID}}, {{BIGINT}}, {{BLOB}}.
-- Times are Unix seconds; flags are integers 0/1 (portable binds, see storage/README.md).

CREATE TABLE cities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  profile TEXT NOT NULL DEFAULT 'gd-v1.3',
  test_env TEXT NOT NULL DEFAULT 'sandbox',
  complaint_verification_days INTEGER NOT NULL DEFAULT 5
);

CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  official INTEGER NOT NULL,
  source TEXT NOT NULL,
  holidays TEXT NOT NULL,
  workdays TEXT NOT NULL,
  updated_at {{BIGINT}} NOT NULL
);

CREATE TABLE vendors (
  id {{ID}},
  name TEXT NOT NULL,
  credit_code TEXT NOT NULL UNIQUE,
  credit_code_checksum_ok INTEGER NOT NULL,
  legal_rep TEXT NOT NULL,
  address TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL
);

CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  city_code TEXT REFERENCES cities(code),
  vendor_id {{BIGINT}} REFERENCES vendors(id),
  display_name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at {{BIGINT}} NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL,
  expires_at {{BIGINT}} NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
  id {{ID}},
  username TEXT NOT NULL,
  at {{BIGINT}} NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at);

CREATE TABLE products (
  id {{ID}},
  vendor_id {{BIGINT}} NOT NULL REFERENCES vendors(id),
  name TEXT NOT NULL,
  model TEXT NOT NULL,
  kind TEXT NOT NULL,
  version TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL
);
CREATE INDEX products_vendor ON products(vendor_id);

CREATE TABLE applications (
  id {{ID}},
  vendor_id {{BIGINT}} NOT NULL REFERENCES vendors(id),
  city_code TEXT NOT NULL REFERENCES cities(code),
  path TEXT NOT NULL,
  connected_city_code TEXT REFERENCES cities(code),
  connected_application_id {{BIGINT}} REFERENCES applications(id),
  description TEXT NOT NULL,
  state TEXT NOT NULL,
  late INTEGER NOT NULL DEFAULT 0,
  round INTEGER NOT NULL DEFAULT 0,
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL,
  submitted_at {{BIGINT}},
  decided_at {{BIGINT}}
);
CREATE INDEX applications_city_state ON applications(city_code, state);
CREATE INDEX applications_vendor ON applications(vendor_id, state);

CREATE TABLE application_products (
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  product_id {{BIGINT}} NOT NULL REFERENCES products(id),
  PRIMARY KEY (application_id, product_id)
);

CREATE TABLE materials (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  kind TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size {{BIGINT}} NOT NULL,
  sha256 TEXT NOT NULL,
  round INTEGER NOT NULL,
  uploaded_by {{BIGINT}} NOT NULL REFERENCES users(id),
  uploaded_at {{BIGINT}} NOT NULL
);
CREATE INDEX materials_application ON materials(application_id);

CREATE TABLE reviews (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  reviewer_id {{BIGINT}} NOT NULL REFERENCES users(id),
  action TEXT NOT NULL,
  note TEXT NOT NULL,
  problems TEXT NOT NULL,
  late INTEGER NOT NULL DEFAULT 0,
  created_at {{BIGINT}} NOT NULL
);
CREATE INDEX reviews_application ON reviews(application_id);

CREATE TABLE complaints (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  vendor_id {{BIGINT}} NOT NULL REFERENCES vendors(id),
  city_code TEXT NOT NULL REFERENCES cities(code),
  complainant TEXT NOT NULL,
  contact TEXT NOT NULL,
  respondent TEXT NOT NULL,
  conduct TEXT NOT NULL,
  facts TEXT NOT NULL,
  occurred_at {{BIGINT}} NOT NULL,
  state TEXT NOT NULL,
  findings TEXT NOT NULL DEFAULT '',
  rectification_report TEXT NOT NULL DEFAULT '',
  created_at {{BIGINT}} NOT NULL,
  updated_at {{BIGINT}} NOT NULL
);
CREATE INDEX complaints_city ON complaints(city_code, state);
CREATE INDEX complaints_application ON complaints(application_id);

CREATE TABLE complaint_evidence (
  id {{ID}},
  complaint_id {{BIGINT}} NOT NULL REFERENCES complaints(id),
  source TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size {{BIGINT}} NOT NULL,
  sha256 TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at {{BIGINT}} NOT NULL
);
CREATE INDEX complaint_evidence_complaint ON complaint_evidence(complaint_id);

-- A deadline belongs to an application (review, joint_test) or a complaint
-- (complaint_verification, rectification). The sweep reads open ones by due_at.
CREATE TABLE deadlines (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  complaint_id {{BIGINT}} REFERENCES complaints(id),
  city_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  working_days INTEGER NOT NULL,
  started_at {{BIGINT}} NOT NULL,
  due_at {{BIGINT}} NOT NULL,
  provisional INTEGER NOT NULL,
  done_at {{BIGINT}},
  alert_raised INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deadlines_application ON deadlines(application_id);
CREATE INDEX deadlines_open_due ON deadlines(due_at) WHERE done_at IS NULL AND alert_raised = 0;

CREATE TABLE test_keys (
  id {{ID}},
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  app_key TEXT NOT NULL UNIQUE,
  secret_sealed TEXT NOT NULL,
  city_code TEXT NOT NULL,
  profile TEXT NOT NULL,
  issued_at {{BIGINT}} NOT NULL,
  expires_at {{BIGINT}} NOT NULL,
  claimed_at {{BIGINT}},
  revoked_at {{BIGINT}},
  revoked_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX test_keys_application ON test_keys(application_id);

-- One alert per deadline, ever: the unique constraint makes sweeps idempotent
-- across processes.
CREATE TABLE alerts (
  id {{ID}},
  deadline_id {{BIGINT}} NOT NULL UNIQUE REFERENCES deadlines(id),
  kind TEXT NOT NULL,
  application_id {{BIGINT}} NOT NULL REFERENCES applications(id),
  complaint_id {{BIGINT}} REFERENCES complaints(id),
  city_code TEXT NOT NULL,
  due_at {{BIGINT}} NOT NULL,
  raised_at {{BIGINT}} NOT NULL,
  status TEXT NOT NULL,
  feedback TEXT NOT NULL DEFAULT '',
  answered_at {{BIGINT}},
  answered_by {{BIGINT}} REFERENCES users(id),
  urge_count INTEGER NOT NULL DEFAULT 0,
  last_urged_at {{BIGINT}},
  urge_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alerts_city_status ON alerts(city_code, status);

CREATE TABLE notifications (
  id {{ID}},
  user_id {{BIGINT}} NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  application_id {{BIGINT}},
  complaint_id {{BIGINT}},
  alert_id {{BIGINT}},
  created_at {{BIGINT}} NOT NULL,
  read_at {{BIGINT}}
);
CREATE INDEX notifications_user ON notifications(user_id, read_at);

-- Append-only, hash-chained history. history_head serialises appends: each
-- append updates its single row first, which locks it on PostgreSQL; seq is
-- taken from it so the chain order is the append order.
CREATE TABLE history (
  seq {{BIGINT}} PRIMARY KEY,
  entity TEXT NOT NULL,
  entity_id {{BIGINT}} NOT NULL,
  application_id {{BIGINT}},
  city_code TEXT,
  vendor_id {{BIGINT}},
  actor_id {{BIGINT}},
  actor_name TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  before_state TEXT NOT NULL,
  after_state TEXT NOT NULL,
  reason TEXT NOT NULL,
  at {{BIGINT}} NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX history_application ON history(application_id, seq);

CREATE TABLE history_head (
  id INTEGER PRIMARY KEY,
  last_seq {{BIGINT}} NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO history_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
