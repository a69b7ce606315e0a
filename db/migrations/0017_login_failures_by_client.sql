-- Failed logins are also counted per client over every user name (AuthService: a client
-- guessing many names, or made-up ones, from one address); this index serves that count.
CREATE INDEX login_failures_client ON login_failures(client, at);
