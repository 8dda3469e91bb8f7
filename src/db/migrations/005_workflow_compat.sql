-- What the wire-compatible WorkflowService needs beyond the core schema: work status types and the
-- covering indexes of its streamed lookups.

-- Kinds of work status (GetWorkstatusTypes); a work status's kind follows from its flags (work_status_kinds).
CREATE TABLE work_status_types (
  id          integer PRIMARY KEY,
  name        text    NOT NULL UNIQUE,
  description text    NOT NULL
);
INSERT INTO work_status_types (id, name, description) VALUES
  (1, 'Review', 'Held by a role for review, signature or action'),
  (2, 'Board', 'Held by the HQ AFRC LOD board'),
  (3, 'Holding', 'Waiting without an active reviewer'),
  (4, 'Final', 'Closed with a determination'),
  (5, 'Cancelled', 'Closed by cancellation');

CREATE VIEW work_status_kinds AS
  SELECT ws.id AS work_status_id,
         CASE WHEN sc.is_cancel THEN 5 WHEN sc.is_final THEN 4 WHEN ws.is_holding THEN 3
              WHEN ws.is_board_status THEN 2 ELSE 1 END AS work_status_type_id
  FROM work_statuses ws JOIN status_codes sc ON sc.id = ws.status_code_id;

-- GetUsersAltTitleByGroup / GetUserAltTitleByGroupCompo stream a role's titles by user.
CREATE INDEX user_alt_titles_by_role ON user_alt_titles (role_id, user_id) INCLUDE (title);
-- SearchMemberData / SearchMemberDataTest stream members in name order.
CREATE INDEX members_by_sort_name ON members (lower(last_name), id) INCLUDE (ssn, first_name, middle_name, unit_id);
-- GetUsersOnline streams sessions by id; UpdateLogin purges idle ones by last access.
CREATE INDEX sessions_by_last_access ON sessions (last_access) INCLUDE (user_id);
-- GetAllLocks streams locks by id with their case's unit.
CREATE INDEX case_locks_stream ON case_locks (id) INCLUDE (case_id, module_id, user_id, lock_time);
-- GetAllLogsPagination sorts by message and id.
CREATE INDEX process_logs_by_message ON process_logs (message, id);
CREATE INDEX process_logs_by_id ON process_logs (id) INCLUDE (process_id, execution_date, message);
