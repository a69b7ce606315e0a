-- User names are told apart without regard to case: "Vendor1" logs in as vendor1, and
-- no second user may be named VENDOR1. An index on the folded name for the lookups
-- (AuthService); not a unique one, which a database already holding two names that
-- differ in case only would fail to build: such users keep logging in by their exact
-- names, and new names are checked against the folded ones when they are created.
CREATE INDEX users_username_folded ON users (LOWER(username));
