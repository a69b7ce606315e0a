-- The digest (SHA-256 of its canonical JSON text) of the joint-test report a decision
-- (联调成功 or 联调延期) was taken on, recorded in that decision's history entry and so
-- covered by the chain's hash. The kept report (decided_reports) changed afterwards no
-- longer matches it, and changing the digest as well breaks the chain. NULL in every
-- other entry and in decisions recorded before this column: an entry's hash covers the
-- column only where it is set, so the chain recorded before stays intact.
ALTER TABLE history ADD COLUMN report_digest TEXT;
