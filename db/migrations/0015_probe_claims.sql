-- When a server last claimed the key for a probe of its city's own test environment
-- (Unix seconds). Several servers on one database each run the probe round; a key is
-- probed by the one whose claim takes (ProbeService::ProbeDue), so a city's system slow
-- to answer is not probed twice in a round and its result not recorded twice. A claim
-- older than the probe interval is spent: the round after a server stopped mid-probe
-- probes the key again.
ALTER TABLE test_keys ADD COLUMN probe_claimed_at {{BIGINT}};
