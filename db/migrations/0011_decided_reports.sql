-- The joint-test report a decision (联调成功 or 联调延期) was taken on, as JSON, written in
-- the decision's transaction. The report of a decided application is this one: the
-- evidence of its key can still grow afterwards (a device left running, anyone who
-- knows the app_id), and the record the city decided on must not. A table of its own
-- rather than a column of applications: a report runs to tens of kilobytes, which in
-- the applications rows would be read by every list and statistic that scans them.
-- Applications decided before this table have no row.
CREATE TABLE decided_reports (
  application_id {{BIGINT}} PRIMARY KEY REFERENCES applications(id),
  decided_at {{BIGINT}} NOT NULL,
  report TEXT NOT NULL
);
