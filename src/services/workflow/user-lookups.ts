import { invalidArgument, notFound } from "../../errors.js";
import { callerOf } from "../call-caller.js";
import { accountStatusOf } from "./account-status.js";
import { actingUser } from "./acting-user.js";
import { lookup } from "./lookup.js";
import {
  inScope,
  iso,
  likePattern,
  optionalCompo,
  optionalId,
  optionalSsn,
  optionalText,
  requiredId,
  requiredText,
} from "./request-fields.js";

/** The HQ AFRC technician role (group 88 in ECTSystem). */
const HQ_TECHNICIAN_ROLE = 88;
const afterId = "($1::int IS NULL OR u.id > $1::int)";

/** User lookups: managed users, alt titles, sessions, usernames, HQ tech accounts, mailing lists. */
export const userLookups = [
  lookup({
    name: "getManagedUsers",
    async params(request, context, db) {
      const caller = callerOf(context);
      const name = optionalText("name", request.name, 100);
      const filters = [
        optionalId("srch_unit", request.srchUnit),
        optionalSsn("ssn", request.ssn),
        name === null ? null : likePattern(name, "substring"),
        accountStatusOf("status", request.status),
        optionalId("role", request.role),
      ];
      const managerId = await actingUser(db, context, "get_managed_users", "userid", request.userid);
      return [
        managerId,
        (request.showAllUsers ?? false) && caller.permissions.has("workflowAdmin"),
        ...filters,
        caller.unitId,
      ];
    },
    // Managers see the users of their units whose role their own role manages; a workflow administrator
    // asking for all users sees everyone. Either way nobody sees users outside the caller's own units,
    // whoever the request names as manager.
    sql: `
      WITH me AS (SELECT unit_id, current_role_id FROM users WHERE id = $3::int)
      SELECT u.id, u.username, u.email,
             array_position(ARRAY['pending','active','inactive','disabled','expired'], u.account_status) AS status
      FROM users u CROSS JOIN me
      WHERE ${afterId}
        AND ($4::boolean OR (${inScope("u.unit_id", "me.unit_id")}
             AND u.current_role_id IN (SELECT role_id FROM role_managed_by WHERE managed_by_role_id = me.current_role_id)))
        AND ${inScope("u.unit_id", "$5")}
        AND ($6::text IS NULL OR u.ssn = $6::text OR right(u.ssn, 4) = $6::text)
        AND ($7::text IS NULL OR u.last_name ILIKE $7::text OR u.first_name ILIKE $7::text OR u.username ILIKE $7::text)
        AND ($8::text IS NULL OR u.account_status = $8::text)
        AND ($9::int IS NULL OR u.current_role_id = $9::int)
        AND ${inScope("u.unit_id", "$10")}
      ORDER BY u.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; username: string; email: string; status: number }) => ({
      userId: row.id,
      userName: row.username,
      email: row.email,
      status: row.status,
    }),
  }),
  lookup({
    name: "getUserAltTitle",
    params: (request) => [optionalId("user_id", request.userId), optionalId("group_id", request.groupId)],
    sql: `
      SELECT user_id, role_id, title FROM user_alt_titles
      WHERE ($1::int[] IS NULL OR (user_id, role_id) > (($1::int[])[1], ($1::int[])[2]))
        AND ($3::int IS NULL OR user_id = $3::int) AND ($4::int IS NULL OR role_id = $4::int)
      ORDER BY user_id, role_id LIMIT $2`,
    keyOf: (row: { user_id: number; role_id: number }) => [row.user_id, row.role_id],
    item: (row: { user_id: number; role_id: number; title: string }) => ({
      userId: row.user_id,
      title: row.title,
      groupId: row.role_id,
    }),
  }),
  lookup({
    name: "getUserAltTitleByGroupCompo",
    params: (request) => [
      requiredId("group_id", request.groupId),
      optionalCompo("work_compo", request.workCompo),
    ],
    sql: `
      SELECT t.user_id, t.title, u.work_compo FROM user_alt_titles t JOIN users u ON u.id = t.user_id
      WHERE ($1::int IS NULL OR t.user_id > $1::int) AND t.role_id = $3::int
        AND ($4::text IS NULL OR u.work_compo = $4::text)
      ORDER BY t.user_id LIMIT $2`,
    keyOf: (row: { user_id: number }) => row.user_id,
    item: (row: { user_id: number; title: string; work_compo: string }) => ({
      userId: row.user_id,
      title: row.title,
      component: row.work_compo,
    }),
  }),
  lookup({
    name: "getUsersAltTitleByGroup",
    params: (request) => [requiredId("group_id", request.groupId)],
    sql: `
      SELECT user_id, role_id, title FROM user_alt_titles
      WHERE ($1::int IS NULL OR user_id > $1::int) AND role_id = $3::int
      ORDER BY user_id LIMIT $2`,
    keyOf: (row: { user_id: number }) => row.user_id,
    item: (row: { user_id: number; role_id: number; title: string }) => ({
      userId: row.user_id,
      title: row.title,
      groupId: row.role_id,
    }),
  }),
  lookup({
    name: "getUserName",
    params(request) {
      const first = requiredText("first", request.first, 60);
      const last = requiredText("last", request.last, 60);
      if (!/[A-Za-z0-9]/.test(first)) throw invalidArgument("first", "needs at least one letter or digit");
      if (!/[A-Za-z0-9]/.test(last)) throw invalidArgument("last", "needs at least one letter or digit");
      return [first, last];
    },
    // "first.last", then "first.last2", "first.last3", … : the first one no account uses yet.
    sql: `
      WITH base AS (
        SELECT lower(regexp_replace($3::text, '[^A-Za-z0-9]', '', 'g')) || '.' ||
               lower(regexp_replace($4::text, '[^A-Za-z0-9]', '', 'g')) AS stem
      )
      SELECT $3::text AS first_name, $4::text AS last_name, candidate.username
      FROM base CROSS JOIN LATERAL (
        SELECT base.stem || CASE WHEN n = 1 THEN '' ELSE n::text END AS username
        FROM generate_series(1, 100000) AS n
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE username = base.stem || CASE WHEN n = 1 THEN '' ELSE n::text END)
        ORDER BY n LIMIT 1
      ) AS candidate
      WHERE $1::text IS NULL LIMIT $2`,
    keyOf: (row: { username: string }) => row.username,
    item: (row: { first_name: string; last_name: string; username: string }) => ({
      userId: 0,
      firstName: row.first_name,
      lastName: row.last_name,
      fullName: row.username,
    }),
  }),
  lookup({
    name: "getUsersOnline",
    params: (_request, context) => [callerOf(context).unitId],
    // Online = a session used within the last 30 minutes (UpdateLogin purges older ones), of a user of
    // the caller's units: who is online, and since when, is not everyone's business.
    sql: `
      SELECT s.id, s.user_id, u.username, ${iso("s.last_access")} AS last_activity
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE ($1::text IS NULL OR s.id > $1::text) AND s.last_access > now() - interval '30 minutes'
        AND ${inScope("u.unit_id", "$3")}
      ORDER BY s.id LIMIT $2`,
    keyOf: (row: { id: string }) => row.id,
    item: (row: { id: string; user_id: number; username: string; last_activity: string }) => ({
      userId: row.user_id,
      userName: row.username,
      lastActivity: row.last_activity,
    }),
  }),
  lookup({
    name: "getWhois",
    params: (request, context) => [requiredId("user_id", request.userId), callerOf(context).unitId],
    // A user outside the caller's units is as unknown as one that does not exist.
    sql: `
      SELECT u.id, u.username, coalesce(s.id, '') AS session_id, coalesce(s.remote_address, '') AS ip_address,
             coalesce(${iso("s.login_time")}, '') AS last_login
      FROM users u LEFT JOIN sessions s ON s.user_id = u.id
      WHERE u.id = $3::int AND ${inScope("u.unit_id", "$4")} AND ($1::text IS NULL OR coalesce(s.id, '') > $1::text)
      ORDER BY coalesce(s.id, '') LIMIT $2`,
    notFound: (request) => notFound("user", request.userId ?? 0),
    keyOf: (row: { session_id: string }) => row.session_id,
    item: (row: {
      id: number;
      session_id: string;
      username: string;
      ip_address: string;
      last_login: string;
    }) => ({
      userId: row.id,
      userName: row.username,
      ipAddress: row.ip_address,
      lastLogin: row.last_login,
    }),
  }),
  lookup({
    name: "hasHQTechAccount",
    params(request) {
      const origin = optionalId("origin_user_id", request.originUserId);
      const edipin = optionalText("user_edipin", request.userEdipin, 20);
      if (origin === null && edipin === null)
        throw invalidArgument("user_edipin", "required (or origin_user_id)");
      return [origin, edipin, HQ_TECHNICIAN_ROLE];
    },
    // The count of approved HQ technician accounts held under the EDIPIN (the origin user's when none is given).
    sql: `
      SELECT coalesce(min(u.id), $3::int, 0) AS user_id, count(u.id)::int AS accounts,
             (SELECT name FROM roles WHERE id = $5::int) AS account_type
      FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role_id = $5::int AND ur.status = 'approved'
      WHERE u.edipin = coalesce($4::text, (SELECT edipin FROM users WHERE id = $3::int)) AND $1::int IS NULL
      LIMIT $2`,
    keyOf: (row: { user_id: number }) => row.user_id,
    item: (row: { user_id: number; accounts: number; account_type: string | null }) => ({
      userId: row.user_id,
      hasAccount: row.accounts > 0,
      accountType: row.account_type ?? "",
    }),
  }),
  lookup({
    name: "getMailingListForLOD",
    params(request, context) {
      const caller = callerOf(context);
      const admin = caller.permissions.has("userAdmin") || caller.permissions.has("workflowAdmin");
      return [
        requiredId("ref_id", request.refId),
        optionalId("group_id", request.groupId),
        optionalId("status", request.status),
        admin ? null : caller.unitId,
      ];
    },
    // Active, e-mail-receiving users holding the role (the group asked for, the holder of the status asked
    // for, or the case's current holder) in the case's unit or any unit above it.
    sql: `
      WITH target AS (
        SELECT c.unit_id, coalesce($4::int, (SELECT role_id FROM status_codes WHERE id = $5::int), sc.role_id) AS role_id
        FROM cases c JOIN work_statuses ws ON ws.id = c.work_status_id JOIN status_codes sc ON sc.id = ws.status_code_id
        WHERE c.id = $3::int AND ${inScope("c.unit_id", "$6")}
      )
      SELECT u.id, u.email, trim(u.rank || ' ' || u.first_name || ' ' || u.last_name) AS name
      FROM target JOIN users u ON u.unit_id IN (SELECT ancestor_id FROM unit_tree WHERE descendant_id = target.unit_id)
      WHERE ${afterId} AND u.account_status = 'active' AND u.receive_email
        AND EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id AND ur.role_id = target.role_id
                    AND ur.status = 'approved' AND ur.active)
      ORDER BY u.id LIMIT $2`,
    keyOf: (row: { id: number }) => row.id,
    item: (row: { id: number; email: string; name: string }) => ({
      id: row.id,
      email: row.email,
      name: row.name,
    }),
  }),
];
