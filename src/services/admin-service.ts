import { create, type JsonObject } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Db } from "../db/db.js";
import { invalidArgument } from "../errors.js";
import {
  type AdminService,
  ListAuditEventsResponseSchema,
  ListUsersResponseSchema,
} from "../gen/ect/v1/admin_service_pb.js";
import { callerOf } from "./call-caller.js";
import { decodePageToken, encodePageToken, pageSize, text } from "./validation.js";
import { inScope } from "./workflow/request-fields.js";

const ENTITY_TYPES = new Set(["case", "user", "role", "workflow", "log", "status_code", "session"]);

/** ect.v1.AdminService: the read-only audit trail and the user list (the users of the caller's units). */
export function adminService(deps: { db: Db }): ServiceImpl<typeof AdminService> {
  const { db } = deps;
  return {
    async listAuditEvents(request, context) {
      if (request.entityType && !ENTITY_TYPES.has(request.entityType)) {
        throw invalidArgument("entity_type", `one of ${[...ENTITY_TYPES].join(", ")}`);
      }
      if (request.entityId && !request.entityType)
        throw invalidArgument("entity_type", "required with entity_id");
      const size = pageSize("page_size", request.pageSize, 50);
      const after = decodePageToken("page_token", request.pageToken);
      const correlationId = text("correlation_id", request.correlationId, { max: 128 });
      const { rows } = await db.query<{
        id: number;
        entity_type: string;
        entity_id: string;
        action: string;
        actor: string;
        event_time: Date;
        before: JsonObject | null;
        after: JsonObject | null;
        correlation_id: string;
      }>(
        `SELECT id, entity_type, entity_id, action, actor, event_time, before, after, correlation_id
         FROM audit_events
         WHERE ($1 = '' OR entity_type = $1) AND ($2 = '' OR entity_id = $2) AND ($3 = '' OR correlation_id = $3)
           AND ($4::bigint IS NULL OR id < $4)
         ORDER BY id DESC LIMIT $5`,
        [request.entityType, request.entityId, correlationId, after ?? null, size + 1],
        { signal: context.signal },
      );
      const page = rows.slice(0, size);
      return create(ListAuditEventsResponseSchema, {
        events: page.map((row) => ({
          id: BigInt(row.id),
          entityType: row.entity_type,
          entityId: row.entity_id,
          action: row.action,
          actor: row.actor,
          eventTime: timestampFromDate(row.event_time),
          before: asObject(row.before),
          after: asObject(row.after),
          correlationId: row.correlation_id,
        })),
        nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "",
      });
    },

    async listUsers(request, context) {
      const caller = callerOf(context);
      const size = pageSize("page_size", request.pageSize, 100);
      const after = decodePageToken("page_token", request.pageToken);
      const { rows } = await db.query<{
        id: number;
        username: string;
        display_name: string;
        email: string;
        account_status: string;
        unit_id: number;
        unit_name: string;
        current_role_id: number | null;
        expiration_date: string | null;
        roles: { role_id: number; role_name: string; active: boolean }[] | null;
      }>(
        `SELECT u.id, u.username, trim(u.rank || ' ' || u.first_name || ' ' || u.last_name) AS display_name, u.email,
                u.account_status, u.unit_id, un.name AS unit_name, u.current_role_id, u.expiration_date,
                (SELECT json_agg(json_build_object('role_id', r.id, 'role_name', r.name, 'active', ur.active) ORDER BY r.id)
                   FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id) AS roles
         FROM users u JOIN units un ON un.id = u.unit_id
         WHERE u.id > $1 AND ${inScope("u.unit_id", "$3")} ORDER BY u.id LIMIT $2`,
        [after ?? 0, size + 1, caller.unitId],
        { signal: context.signal },
      );
      const page = rows.slice(0, size);
      return create(ListUsersResponseSchema, {
        users: page.map((row) => ({
          id: row.id,
          username: row.username,
          displayName: row.display_name,
          email: row.email,
          accountStatus: row.account_status,
          unitId: row.unit_id,
          unitName: row.unit_name,
          currentRoleId: row.current_role_id ?? 0,
          roles: (row.roles ?? []).map((role) => ({
            roleId: role.role_id,
            roleName: role.role_name,
            active: role.active,
          })),
          expirationTime: row.expiration_date
            ? timestampFromDate(new Date(`${row.expiration_date}T00:00:00Z`))
            : undefined,
        })),
        nextPageToken: rows.length > size ? encodePageToken(page[page.length - 1].id) : "",
      });
    },
  };
}

function asObject(value: JsonObject | null): JsonObject | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}
