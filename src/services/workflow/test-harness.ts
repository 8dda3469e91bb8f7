import { type Client, createClient, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { type Caller, callerKey } from "../../auth/caller-context.js";
import type { Db } from "../../db/db.js";
import { migrate } from "../../db/migrate.js";
import { PgliteDb } from "../../db/pglite-db.js";
import { WorkflowService } from "../../gen/workflow/workflow_pb.js";
import { seedIfEmpty } from "../../seed/seed.js";
import { workflowService } from "./workflow-service.js";

/** A migrated, seeded in-memory database (about 6 s: open one per test file). */
export async function openSeededDb(): Promise<Db> {
  const db = await PgliteDb.open("memory");
  await migrate(db);
  await seedIfEmpty(db);
  return db;
}

/** The caller a seeded user signs in as, with the permissions of its role. */
export async function callerFor(db: Db, username: string): Promise<Caller> {
  const { rows } = await db.query<{
    id: number;
    role_id: number;
    role_name: string;
    unit_id: number;
    permissions: string[];
  }>(
    `SELECT u.id, r.id AS role_id, r.name AS role_name, u.unit_id,
            array(SELECT p.name FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id = r.id) AS permissions
     FROM users u JOIN roles r ON r.id = u.current_role_id WHERE u.username = $1`,
    [username],
  );
  const row = rows[0];
  return {
    userId: row.id,
    username,
    roleId: row.role_id,
    roleName: row.role_name,
    unitId: row.unit_id,
    permissions: new Set(row.permissions),
  };
}

/** A client of the WorkflowService calling in-process as the given caller (the lead's auth interceptor is not in the way). */
export function clientAs(
  db: Db,
  caller: Caller,
  streaming = { firstPageSize: 2, pageSize: 5 },
): Client<typeof WorkflowService> {
  const setCaller: Interceptor = (next) => (req) => {
    req.contextValues.set(callerKey, caller);
    return next(req);
  };
  const transport = createRouterTransport(
    ({ service }) => service(WorkflowService, workflowService({ db, streaming })),
    {
      router: { interceptors: [setCaller] },
    },
  );
  return createClient(WorkflowService, transport);
}

/** Collects a server stream. */
export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}
