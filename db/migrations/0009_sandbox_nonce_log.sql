-- The nonces of SQLite databases, as a log in the order they were used. In
-- sandbox_recent_nonces every new nonce went to a random place of the primary key, one
-- more page written to the log per request (under load the largest part of what a
-- commit wrote). SQLite's writers take turns, so each process keeps the nonces of the
-- window in memory (services/sandbox_nonce_window.h), catches up on the rows other
-- processes appended at the start of each write transaction, and only appends here.
-- PostgreSQL, whose writers run side by side, keeps sandbox_recent_nonces and its key.
-- The sweep deletes the rows that no window reaches any more.
-- seq: SQLite's rowid, one more than the largest (not AUTOINCREMENT, which would update
-- sqlite_sequence with every row); the sweep always keeps the last row, so a seq is
-- never given twice to rows another process may have read. PostgreSQL never appends.
CREATE TABLE sandbox_nonce_log (
  seq {{BIGINT}} PRIMARY KEY,
  key_id {{BIGINT}} NOT NULL,
  nonce TEXT NOT NULL,
  seen_at {{BIGINT}} NOT NULL     -- when it arrived (Unix seconds)
);
-- The nonces kept so far keep refusing replays, on SQLite now from here.
INSERT INTO sandbox_nonce_log (seq, key_id, nonce, seen_at)
  SELECT ROW_NUMBER() OVER (ORDER BY seen_at, key_id, nonce), key_id, nonce, seen_at
  FROM sandbox_recent_nonces;
