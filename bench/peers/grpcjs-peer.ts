/**
 * The grpc-js peer: @grpc/grpc-js with a proto-loader (protobufjs) definition of workflow.proto, one
 * message per row, honouring `write()` backpressure, rows read with `pg` keyset pages. Prints `ready <port>`.
 */
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as loader from "@grpc/proto-loader";
import pg from "pg";
import { PG_SESSION_OPTIONS } from "../../src/db/pg-db.js";
import { pgPages } from "../pg-pages.js";
import { type ActiveRow, activePages } from "../rows.js";

const protoDir = fileURLToPath(new URL("../../proto", import.meta.url));
const definition = loader.loadSync("workflow/workflow.proto", {
  includeDirs: [protoDir],
  keepCase: true,
  longs: Number,
  defaults: false,
});
const workflow = grpc.loadPackageDefinition(definition).workflow as grpc.GrpcObject;
const service = (workflow.WorkflowService as grpc.ServiceClientConstructor).service;

const pool = new pg.Pool({
  connectionString: process.env.BENCH_DATABASE_URL,
  max: 20,
  options: PG_SESSION_OPTIONS,
});

async function getActiveCasesStream(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  const abort = new AbortController();
  call.on("cancelled", () => abort.abort());
  try {
    for await (const rows of pgPages<ActiveRow>(pool, activePages, abort.signal)) {
      for (const row of rows) {
        const item = { case_id: row.id, ref_id: row.ref_id, group_id: row.role_id, status: row.description };
        if (!call.write(item)) await once(call, "drain");
      }
    }
    call.end();
  } catch (error) {
    if (!abort.signal.aborted) call.destroy(error as Error);
  }
}

const server = new grpc.Server();
server.addService(service, {
  GetActiveCasesStream: (call: grpc.ServerWritableStream<unknown, unknown>) => {
    void getActiveCasesStream(call);
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`ready ${port}\n`);
});
