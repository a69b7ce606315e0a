-- A refused request's data may break several rules; the answer names the first (as the
-- reference servers do) and the evidence kept only that one. The others are now kept
-- beside it, as a JSON array of {rule, path, message} (empty text when there are none),
-- so that a vendor mends them all at once.
ALTER TABLE sandbox_evidence ADD COLUMN violations TEXT NOT NULL DEFAULT '';
