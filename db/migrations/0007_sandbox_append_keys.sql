-- Under load the sandbox's writer spent much of its time writing index pages: every
-- attendance record went to a random place of two indexes of sandbox_objects, one page
-- written to the log per record and index. Records arrive in the order they happened,
-- so an attendance key that begins with the time ("2026-11-24 08:00:00|id|01") goes to
-- the end of the unique index with the records before it. Keys stored earlier were
-- "id|time|direction"; subject holds the id and attr the direction. Only keys of that
-- form are turned (a key in the new form begins with the time, not the id), so the
-- statement changes nothing it does not understand and can run twice.
UPDATE sandbox_objects SET natural_key =
  substr(natural_key, length(subject) + 2, length(natural_key) - length(subject) - length(attr) - 2)
  || '|' || subject || '|' || attr
WHERE kind = 'attendance' AND subject <> ''
  AND substr(natural_key, 1, length(subject) + 1) = subject || '|'
  AND length(natural_key) > length(subject) + length(attr) + 2
  AND substr(natural_key, length(natural_key) - length(attr)) = '|' || attr;
-- Only entries and exits are looked up by worker (is this worker entered on that day?).
DROP INDEX sandbox_objects_subject;
CREATE INDEX sandbox_objects_entry_exit ON sandbox_objects(key_id, subject, event_day, id)
  WHERE kind = 'entry_exit';
