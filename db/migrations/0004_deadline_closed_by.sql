-- What ended each deadline: the action of the application or complaint that closed it
-- ("approve", "return", "withdraw", "succeed", "reissue_key", "verify_founded", …).
-- A withdrawal ends the open review deadline, but nobody reviewed anything: the
-- statistics count a review as done only when a decision closed it, and need to tell
-- the two apart without a join per row.
ALTER TABLE deadlines ADD COLUMN closed_by TEXT;
-- Deadlines closed before this column: the action is the first one the history
-- recorded for the same application (or complaint) at the same instant, as the
-- close and its history entry are written in one transaction with one clock reading.
UPDATE deadlines SET closed_by = (
  SELECT h.action FROM history h
  WHERE h.application_id = deadlines.application_id AND h.entity = 'application'
    AND h.at = deadlines.done_at
  ORDER BY h.seq LIMIT 1)
WHERE done_at IS NOT NULL AND complaint_id IS NULL;
UPDATE deadlines SET closed_by = (
  SELECT h.action FROM history h
  WHERE h.application_id = deadlines.application_id AND h.entity = 'complaint'
    AND h.entity_id = deadlines.complaint_id AND h.at = deadlines.done_at
  ORDER BY h.seq LIMIT 1)
WHERE done_at IS NOT NULL AND complaint_id IS NOT NULL;
