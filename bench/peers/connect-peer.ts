/**
 * The off-the-shelf peer: what a user builds from parts. connect-node's adapter on a plain HTTP/2 server,
 * protobuf-es messages, one message per row, rows read with `pg` keyset pages. Prints `ready <port>`.
 */
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import pg from "pg";
import { PG_SESSION_OPTIONS } from "../../src/db/pg-db.js";
import { ActiveCaseItemSchema, WorkflowService } from "../../src/gen/workflow/workflow_pb.js";
import { pgPages } from "../pg-pages.js";
import { type ActiveRow, activePages } from "../rows.js";

const pool = new pg.Pool({
  connectionString: process.env.BENCH_DATABASE_URL,
  max: 20,
  options: PG_SESSION_OPTIONS,
});
const handler = connectNodeAdapter({
  routes(router) {
    router.service(WorkflowService, {
      async *getActiveCasesStream(_request, context) {
        for await (const rows of pgPages<ActiveRow>(pool, activePages, context.signal)) {
          for (const row of rows) {
            yield create(ActiveCaseItemSchema, {
              caseId: row.id,
              refId: row.ref_id,
              groupId: row.role_id,
              status: row.description,
            });
          }
        }
      },
    });
  },
});
const server = http2.createServer(handler);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
