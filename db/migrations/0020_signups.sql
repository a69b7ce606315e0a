-- Sign-ups per client address (AuthService::RegisterVendor): one address registers at
-- most Config::signup_max_per_client enterprises within Config::signup_window_minutes.
-- Every sign-up whose password was hashed is filed, registered or not.
CREATE TABLE signups (
  id {{ID}},
  client TEXT NOT NULL,
  at {{BIGINT}} NOT NULL
);
CREATE INDEX signups_client ON signups(client, at);
