-- A key's nonces were kept for the key's life, each at a random place of the
-- (key_id, nonce) index: one more page written to the log for almost every request,
-- and a device whose nonces are six digits (the research found such clients) would
-- sooner or later have a fresh request refused as a replay. The standard forbids a
-- nonce to repeat within a window (the profile's nonce.window_seconds, widened to
-- twice the timestamp skew so that no request signed for its window can be replayed);
-- that is all the sandbox now keeps, filed by the hour in which it arrived: a window
-- looks at its hour and the one before, and the sweep deletes whole hours that no window
-- reaches any more. Every window is at most an hour (the profile loader checks). Within
-- an hour the rows are in nonce order, so a new nonce still lands on a page of its own
-- (docs/benchmarks.md counts them).
CREATE TABLE sandbox_recent_nonces (
  hour {{BIGINT}} NOT NULL,        -- seen_at / 3600
  key_id {{BIGINT}} NOT NULL,
  nonce TEXT NOT NULL,
  seen_at {{BIGINT}} NOT NULL,     -- when it arrived (Unix seconds)
  PRIMARY KEY (hour, key_id, nonce)
){{WITHOUT_ROWID}};
-- The nonces kept so far arrived when their seen_at says: they keep refusing replays.
INSERT INTO sandbox_recent_nonces (hour, key_id, nonce, seen_at)
  SELECT seen_at / 3600, key_id, nonce, seen_at FROM sandbox_nonces;
DROP TABLE sandbox_nonces;
