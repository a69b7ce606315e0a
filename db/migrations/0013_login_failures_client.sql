-- Where a failed login came from (the client's address as the server saw it; behind a
-- proxy, the proxy's), so that failures from one client lock the user name for that
-- client only: a stranger's guesses no longer lock the user out everywhere. A wrong
-- current password given to change one's password is 'session'. Rows before this have
-- no client: they count towards the user name's total only.
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
