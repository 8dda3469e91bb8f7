-- The table-driven workflow engine: modules, roles, permissions, workflows, statuses, options, rules, actions.

CREATE TABLE modules (
  id              integer PRIMARY KEY,
  name            text    NOT NULL,
  is_special_case boolean NOT NULL DEFAULT false
);

CREATE TABLE compos (
  code        char(1) PRIMARY KEY,
  description text    NOT NULL
);

-- User groups ("roles"): who holds a case at a status, and what a user may do.
CREATE TABLE roles (
  id           integer PRIMARY KEY,
  name         text    NOT NULL UNIQUE,
  abbreviation text    NOT NULL,
  compo        char(1) NOT NULL REFERENCES compos (code),
  access_scope integer NOT NULL DEFAULT 1,
  group_level  integer NOT NULL DEFAULT 0,
  report_view  integer NOT NULL DEFAULT 0,
  sign_title   text    NOT NULL DEFAULT ''
);

CREATE TABLE role_managed_by (
  role_id            integer NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  managed_by_role_id integer NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  PRIMARY KEY (role_id, managed_by_role_id)
);

CREATE TABLE permissions (
  id          integer PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text NOT NULL
);

CREATE TABLE role_permissions (
  role_id       integer NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  permission_id integer NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
  PRIMARY KEY (role_id, permission_id)
);

CREATE TABLE workflow_types (
  id   integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);

CREATE TABLE workflows (
  id                      integer PRIMARY KEY,
  module_id               integer NOT NULL REFERENCES modules (id),
  workflow_type_id        integer NOT NULL REFERENCES workflow_types (id),
  compo                   char(1) NOT NULL REFERENCES compos (code),
  title                   text    NOT NULL,
  formal                  boolean NOT NULL DEFAULT false,
  active                  boolean NOT NULL DEFAULT true,
  initial_work_status_id  integer
);

-- A status code is a state of a module; role_id is the group that holds a case in it.
CREATE TABLE status_codes (
  id             integer PRIMARY KEY,
  description    text    NOT NULL,
  module_id      integer NOT NULL REFERENCES modules (id),
  compo          char(1) NOT NULL REFERENCES compos (code),
  role_id        integer REFERENCES roles (id),
  is_final       boolean NOT NULL DEFAULT false,
  is_approved    boolean NOT NULL DEFAULT false,
  can_appeal     boolean NOT NULL DEFAULT false,
  is_cancel      boolean NOT NULL DEFAULT false,
  is_disposition boolean NOT NULL DEFAULT false,
  is_formal      boolean NOT NULL DEFAULT false,
  display_order  integer NOT NULL DEFAULT 0
);

-- A status placed in a workflow.
CREATE TABLE work_statuses (
  id              integer PRIMARY KEY,
  workflow_id     integer NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  status_code_id  integer NOT NULL REFERENCES status_codes (id),
  sort_order      integer NOT NULL DEFAULT 0,
  display_text    text    NOT NULL,
  is_board_status boolean NOT NULL DEFAULT false,
  is_holding      boolean NOT NULL DEFAULT false,
  UNIQUE (workflow_id, status_code_id)
);

ALTER TABLE workflows
  ADD CONSTRAINT workflows_initial_work_status_fk FOREIGN KEY (initial_work_status_id) REFERENCES work_statuses (id);

-- An option ("step"): a transition button from one work status to another.
CREATE TABLE options (
  id                    integer PRIMARY KEY,
  work_status_id        integer NOT NULL REFERENCES work_statuses (id) ON DELETE CASCADE,
  target_work_status_id integer NOT NULL REFERENCES work_statuses (id),
  display_text          text    NOT NULL,
  kind                  text    NOT NULL DEFAULT 'advance' CHECK (kind IN ('advance', 'return', 'cancel')),
  active                boolean NOT NULL DEFAULT true,
  sort_order            integer NOT NULL DEFAULT 0,
  compo                 char(1) NOT NULL REFERENCES compos (code)
);
CREATE INDEX options_by_work_status ON options (work_status_id, sort_order);

CREATE TABLE rule_types (
  id          integer PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text NOT NULL
);

-- Guards on an option, evaluated by the engine (src/domain/rules.ts).
CREATE TABLE option_rules (
  id           serial  PRIMARY KEY,
  option_id    integer NOT NULL REFERENCES options (id) ON DELETE CASCADE,
  rule_type_id integer NOT NULL REFERENCES rule_types (id),
  rule_data    text    NOT NULL DEFAULT '',
  check_all    boolean NOT NULL DEFAULT false
);
CREATE INDEX option_rules_by_option ON option_rules (option_id);

CREATE TABLE action_types (
  id          integer PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  description text NOT NULL
);

-- Side effects of taking an option (add or remove a signature, record a finding, notify ...).
CREATE TABLE option_actions (
  id             serial  PRIMARY KEY,
  option_id      integer NOT NULL REFERENCES options (id) ON DELETE CASCADE,
  action_type_id integer NOT NULL REFERENCES action_types (id),
  target         integer NOT NULL DEFAULT 0,
  data           integer NOT NULL DEFAULT 0
);
CREATE INDEX option_actions_by_option ON option_actions (option_id);

-- The status a case starts in, per creating role.
CREATE TABLE workflow_init_statuses (
  workflow_id    integer NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  role_id        integer NOT NULL REFERENCES roles (id),
  work_status_id integer NOT NULL REFERENCES work_statuses (id),
  PRIMARY KEY (workflow_id, role_id)
);

CREATE TABLE workflow_permissions (
  workflow_id integer NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  role_id     integer NOT NULL REFERENCES roles (id),
  can_view    boolean NOT NULL DEFAULT false,
  can_create  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (workflow_id, role_id)
);

CREATE TABLE pages (
  id    integer PRIMARY KEY,
  title text NOT NULL,
  url   text NOT NULL
);

-- The pages (tabs) a workflow shows.
CREATE TABLE workflow_views (
  workflow_id integer NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  page_id     integer NOT NULL REFERENCES pages (id),
  sort_order  integer NOT NULL DEFAULT 0,
  PRIMARY KEY (workflow_id, page_id)
);

-- Per status and role: 0 none, 1 read, 2 write.
CREATE TABLE page_access (
  workflow_id    integer  NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  status_code_id integer  NOT NULL REFERENCES status_codes (id) ON DELETE CASCADE,
  role_id        integer  NOT NULL REFERENCES roles (id),
  page_id        integer  NOT NULL REFERENCES pages (id),
  access         smallint NOT NULL CHECK (access IN (0, 1, 2)),
  PRIMARY KEY (workflow_id, status_code_id, role_id, page_id)
);
