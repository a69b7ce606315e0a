-- Indexes for the statistics (GET /stats), which count over whole periods:
-- applications received and complaints found founded are history entries of one
-- action, counted per city from the index alone, in its order (no sort); decided
-- applications are few among many and found by their decision time.
CREATE INDEX history_action ON history(action, entity, city_code, at);
CREATE INDEX applications_decided ON applications(decided_at) WHERE decided_at IS NOT NULL;
