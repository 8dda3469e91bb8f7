import pg from "pg";
import { startPrivatePostgres } from "/work/main/test/support/private-postgres.ts";
const t0 = Date.now();
const p = await startPrivatePostgres();
console.log("started", Date.now() - t0, p.url);
const c = new pg.Client(p.url); await c.connect(); console.log((await c.query("select version()")).rows[0]); await c.end();
let t = Date.now(); await p.stop(); console.log("stop", Date.now() - t);
t = Date.now(); await p.start(); console.log("start", Date.now() - t);
await p.destroy(); console.log("destroyed");
