-- The joint-test report a decision (联调成功 or 联调延期) was taken on, as JSON, written in
-- the decision's transaction. The report of a decided application is this one: the
-- evidence of its key can still grow afterwards (a device left running, anyone who
-- knows the app_id), and the record the city decided on must not. NULL until decided,
-- and for applications decided before this column.
ALTER TABLE applications ADD COLUMN decided_report TEXT;
