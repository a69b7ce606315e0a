-- The reviewer's inbox (GET /applications) orders a city's applications by their open
-- deadline of their own. This index lists a city's open own deadlines with every
-- column that join's condition names, so the page is chosen from index entries
-- alone (SQLite probes it per application; PostgreSQL reads the city's range once)
-- and only the page's rows are read.
CREATE INDEX deadlines_open_own ON deadlines(city_code, application_id, due_at, done_at, complaint_id)
  WHERE done_at IS NULL AND complaint_id IS NULL;
