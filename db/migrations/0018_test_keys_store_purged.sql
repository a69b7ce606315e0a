-- A key's sandbox store (the workers, teams, records and asynchronous results its
-- requests stored, with the decrypted ID numbers they carry) is deleted a while after
-- the key ended: no request can reach it any more, and the evidence, masked, is what
-- reports and complaints rest on. This records when it was (SandboxService::PurgeEndedStores).
ALTER TABLE test_keys ADD COLUMN store_purged_at {{BIGINT}};
