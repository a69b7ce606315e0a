-- An enterprise the administrator released (AuthService::ReleaseVendor, POST
-- /vendors/{id}/release): a credit code registered by someone who does not hold it is
-- freed for its holder. The enterprise's record, applications and history stay; its users
-- are disabled. The code it was registered with moves to released_code, and credit_code
-- takes "released:<id>", which no code can be (GB 32100 codes are 18 characters of digits
-- and capitals): credit_code is UNIQUE by an inline constraint since 0001, and SQLite drops
-- one only by rebuilding the table that users, products and applications reference.
ALTER TABLE vendors ADD COLUMN released_code TEXT;
ALTER TABLE vendors ADD COLUMN released_at {{BIGINT}};
ALTER TABLE vendors ADD COLUMN released_by {{BIGINT}} REFERENCES users(id);
ALTER TABLE vendors ADD COLUMN release_reason TEXT;
