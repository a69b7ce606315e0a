-- The test contractor provisioned for a key is derived from the key (IdentityOfKey), not
-- stored. Its credit code's organisation code (positions 9–17, GB 11714) now carries its
-- own check character, which the codes derived before did not: a device that checks it
-- refused them. Keys issued before keep the code their devices may already be configured
-- with (scheme 1); keys issued from now on get the checked one (scheme 2, the default).
ALTER TABLE test_keys ADD COLUMN identity_scheme INTEGER NOT NULL DEFAULT 2;
UPDATE test_keys SET identity_scheme = 1;
