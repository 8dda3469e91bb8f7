/**
 * The bare REST peer: one Fastify route running ECT's GetCase query with `pg` and returning the row as
 * JSON, no auth, no mapping. ECT's REST GetCase is compared with it. Prints `ready <port>`.
 */
import Fastify from "fastify";
import pg from "pg";
import { PG_SESSION_OPTIONS } from "../../src/db/pg-db.js";
import { getCaseSql } from "../rows.js";

const pool = new pg.Pool({
  connectionString: process.env.BENCH_DATABASE_URL,
  max: 20,
  options: PG_SESSION_OPTIONS,
});
const unitId = Number(process.env.BENCH_UNIT_ID);
const app = Fastify({ logger: false });
app.get<{ Params: { id: string } }>("/cases/:id", async (request, reply) => {
  const { rows } = await pool.query(getCaseSql, [Number(request.params.id), unitId]);
  if (rows.length === 0) return reply.code(404).send({ code: "not_found" });
  return rows[0];
});
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`ready ${new URL(address).port}\n`);
