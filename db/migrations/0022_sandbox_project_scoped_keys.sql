-- A project's records are its own: the same worker, team or company may be in two of a
-- key's projects. The natural keys of the records of a project the key added
-- (Project.Add) now begin with its code, "440106202610201001|11010519491231002X"; the
-- keys of the project provisioned with the key stay as they were (services/
-- sandbox_effects.cc, Effects::Scoped). Records stored before under an added project
-- (its code in the record's body) had keys without it; they are turned here, so the
-- rules still find them. A key already turned begins with the code: the statements
-- change nothing they turned before and can run twice.
UPDATE sandbox_objects SET natural_key = {{JSON_TEXT(body, projectCode)}} || '|' || natural_key
WHERE kind IN ('corp', 'team', 'worker', 'payroll_detail', 'contract', 'training')
  AND key_id IN (SELECT p.key_id FROM sandbox_objects p WHERE p.kind = 'project')
  AND {{JSON_TEXT(body, projectCode)}} IN
    (SELECT p.natural_key FROM sandbox_objects p WHERE p.key_id = sandbox_objects.key_id AND p.kind = 'project')
  AND substr(natural_key, 1, length({{JSON_TEXT(body, projectCode)}}) + 1) <> {{JSON_TEXT(body, projectCode)}} || '|';
-- An entry or exit is looked up by its worker (subject) too.
UPDATE sandbox_objects SET natural_key = {{JSON_TEXT(body, projectCode)}} || '|' || natural_key,
  subject = {{JSON_TEXT(body, projectCode)}} || '|' || subject
WHERE kind = 'entry_exit'
  AND key_id IN (SELECT p.key_id FROM sandbox_objects p WHERE p.kind = 'project')
  AND {{JSON_TEXT(body, projectCode)}} IN
    (SELECT p.natural_key FROM sandbox_objects p WHERE p.key_id = sandbox_objects.key_id AND p.kind = 'project')
  AND substr(natural_key, 1, length({{JSON_TEXT(body, projectCode)}}) + 1) <> {{JSON_TEXT(body, projectCode)}} || '|';
-- An attendance key begins with the time (migration 0007): "time|project|id|direction".
UPDATE sandbox_objects SET natural_key =
  {{JSON_TEXT(body, date)}} || '|' || {{JSON_TEXT(body, projectCode)}} || '|' || subject || '|' || attr
WHERE kind = 'attendance'
  AND key_id IN (SELECT p.key_id FROM sandbox_objects p WHERE p.kind = 'project')
  AND {{JSON_TEXT(body, projectCode)}} IN
    (SELECT p.natural_key FROM sandbox_objects p WHERE p.key_id = sandbox_objects.key_id AND p.kind = 'project')
  AND natural_key = {{JSON_TEXT(body, date)}} || '|' || subject || '|' || attr;
