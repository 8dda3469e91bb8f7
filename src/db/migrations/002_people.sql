-- Units, users, roles held, sessions, members.

CREATE TABLE units (
  id        integer PRIMARY KEY,
  parent_id integer REFERENCES units (id),
  name      text    NOT NULL,
  pas_code  text    NOT NULL UNIQUE,
  compo     char(1) NOT NULL REFERENCES compos (code)
);

-- Closure of the unit tree: every (ancestor, descendant) pair, including each unit with itself.
CREATE TABLE unit_tree (
  ancestor_id   integer NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  descendant_id integer NOT NULL REFERENCES units (id) ON DELETE CASCADE,
  depth         integer NOT NULL,
  PRIMARY KEY (ancestor_id, descendant_id)
);

CREATE TABLE users (
  id              serial  PRIMARY KEY,
  username        text    NOT NULL UNIQUE,
  edipin          text    NOT NULL UNIQUE,
  first_name      text    NOT NULL,
  last_name       text    NOT NULL,
  rank            text    NOT NULL DEFAULT '',
  ssn             char(9),
  email           text    NOT NULL DEFAULT '',
  work_compo      char(1) NOT NULL REFERENCES compos (code),
  account_status  text    NOT NULL DEFAULT 'active'
                  CHECK (account_status IN ('pending', 'active', 'inactive', 'disabled', 'expired')),
  expiration_date date,
  unit_id         integer NOT NULL REFERENCES units (id),
  current_role_id integer REFERENCES roles (id),
  receive_email   boolean NOT NULL DEFAULT true,
  comment         text    NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_by_name ON users (last_name, first_name);
CREATE INDEX users_by_unit ON users (unit_id, id);

CREATE TABLE user_roles (
  id      serial  PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id integer NOT NULL REFERENCES roles (id),
  status  text    NOT NULL DEFAULT 'approved' CHECK (status IN ('pending', 'approved', 'denied')),
  active  boolean NOT NULL DEFAULT true,
  UNIQUE (user_id, role_id)
);
CREATE INDEX user_roles_by_role ON user_roles (role_id, user_id);

-- Signature title a user uses when signing as a role.
CREATE TABLE user_alt_titles (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id integer NOT NULL REFERENCES roles (id),
  title   text    NOT NULL,
  PRIMARY KEY (user_id, role_id)
);

-- Users online (core_UsersOnline).
CREATE TABLE sessions (
  id             text        PRIMARY KEY,
  user_id        integer     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_id        integer     REFERENCES roles (id),
  login_time     timestamptz NOT NULL DEFAULT now(),
  last_access    timestamptz NOT NULL DEFAULT now(),
  remote_address text        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_online ON sessions (last_access DESC) INCLUDE (user_id, role_id, login_time, remote_address);

CREATE TABLE members (
  id            serial  PRIMARY KEY,
  ssn           char(9) NOT NULL UNIQUE,
  last_name     text    NOT NULL,
  first_name    text    NOT NULL,
  middle_name   text    NOT NULL DEFAULT '',
  grade         text    NOT NULL,
  unit_id       integer NOT NULL REFERENCES units (id),
  date_of_birth date    NOT NULL,
  compo         char(1) NOT NULL REFERENCES compos (code)
);
-- Member search streams by name prefix in the caller's units.
CREATE INDEX members_search_by_name ON members (lower(last_name) text_pattern_ops, id)
  INCLUDE (first_name, middle_name, grade, unit_id, ssn);
CREATE INDEX members_by_ssn_last4 ON members (right(ssn, 4), id);
