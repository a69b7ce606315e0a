-- Asynchronous results numbered by a sequence. A write's requestSerialCode ends in its
-- row's id ("team-add-2026112410-1-0262", the reference servers' shape), so storing
-- one appends to the table. sandbox_serials, keyed by the serial's text, took an
-- insert at a random place of its index for every write: under load the largest
-- single cost of a request. The results it holds are still answered.
CREATE TABLE sandbox_async (
  id {{ID}},
  key_id {{BIGINT}} NOT NULL,
  method TEXT NOT NULL,
  status INTEGER NOT NULL,
  result TEXT NOT NULL,
  pending_polls INTEGER NOT NULL DEFAULT 0,   -- polls still to answer "pending" (fault)
  polled_pending INTEGER NOT NULL DEFAULT 0,  -- 1 once a poll was answered "pending"
  created_at {{BIGINT}} NOT NULL
);

