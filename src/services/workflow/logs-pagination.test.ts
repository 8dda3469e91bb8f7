import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Code, type ConnectError } from "@connectrpc/connect";
import type { Db } from "../../db/db.js";
import { callerFor, clientAs, openSeededDb } from "./test-harness.js";

let db: Db;
let client: ReturnType<typeof clientAs>;

before(async () => {
  db = await openSeededDb();
  client = clientAs(db, await callerFor(db, "admin"));
  // Wildcards in messages must match literally.
  await db.query(
    `INSERT INTO process_logs (process_id, execution_date, message)
     SELECT id, timestamptz '2020-01-01T00:00:00Z', '100% done_ok' FROM processes WHERE name = 'AuditArchive'`,
  );
});
after(() => db.close());

function rejectsWith(promise: Promise<unknown>, field: string) {
  return assert.rejects(promise, (error: ConnectError) => {
    assert.equal(error.code, Code.InvalidArgument, error.message);
    assert.ok(error.rawMessage.startsWith(`${field}:`), error.rawMessage);
    return true;
  });
}

describe("GetAllLogsPagination", () => {
  test("defaults to page 1 of 10, newest first, with the total of all logs", async () => {
    const page = await client.getAllLogsPagination({});
    const total = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM process_logs");
    assert.equal(page.totalCount, total.rows[0].n);
    assert.equal(page.items.length, 10);
    const dates = page.items.map((item) => item.executionDate);
    assert.deepEqual(dates, [...dates].sort().reverse());
    const newest = await db.query<{ id: number }>(
      "SELECT id FROM process_logs ORDER BY execution_date DESC, id DESC LIMIT 1",
    );
    assert.equal(page.items[0].logId, newest.rows[0].id);
  });

  test("an empty sort means ExecutionDate DESC, the same as asking for it", async () => {
    const implicit = await client.getAllLogsPagination({ sortBy: "", sortOrder: "" });
    const explicit = await client.getAllLogsPagination({ sortBy: "executiondate", sortOrder: "desc" });
    assert.deepEqual(implicit.items, explicit.items);
  });

  test("pages follow each other without overlap, offset (page - 1) × size", async () => {
    const first = await client.getAllLogsPagination({
      pageNumber: 1,
      pageSize: 25,
      sortBy: "Id",
      sortOrder: "ASC",
    });
    const second = await client.getAllLogsPagination({
      pageNumber: 2,
      pageSize: 25,
      sortBy: "Id",
      sortOrder: "ASC",
    });
    const ids = [...first.items, ...second.items].map((item) => item.logId);
    const expected = await db.query<{ id: number }>("SELECT id FROM process_logs ORDER BY id LIMIT 50");
    assert.deepEqual(
      ids,
      expected.rows.map((row) => row.id),
    );
  });

  test("filters by process name and message substrings, literally, and counts after filtering", async () => {
    const page = await client.getAllLogsPagination({
      processName: "cleanup",
      messageFilter: "idle sessions",
      pageSize: 1000,
    });
    const expected = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM process_logs l JOIN processes p ON p.id = l.process_id
       WHERE p.name ILIKE '%cleanup%' AND l.message ILIKE '%idle sessions%'`,
    );
    assert.ok(expected.rows[0].n > 0);
    assert.equal(page.totalCount, expected.rows[0].n);
    assert.equal(page.items.length, expected.rows[0].n);
    for (const item of page.items) assert.equal(item.processName, "SessionCleanup");
    const literal = await client.getAllLogsPagination({ messageFilter: "100% done_" });
    assert.deepEqual(
      literal.items.map((item) => item.message),
      ["100% done_ok"],
    );
    const wildcard = await client.getAllLogsPagination({ messageFilter: "%" });
    assert.equal(wildcard.totalCount, 1);
  });

  test("the date range is inclusive at both ends; a date-only end includes that day", async () => {
    const day = await client.getAllLogsPagination({ startDate: "2020-01-01", endDate: "2020-01-01" });
    assert.equal(day.totalCount, 1);
    const instant = await client.getAllLogsPagination({
      startDate: "2020-01-01T00:00:00Z",
      endDate: "2020-01-01T00:00:00Z",
    });
    assert.equal(instant.totalCount, 1);
  });

  test("sorts by name or message in either direction", async () => {
    const byName = await client.getAllLogsPagination({ sortBy: "NAME", sortOrder: "asc", pageSize: 1000 });
    const names = byName.items.map((item) => item.processName);
    assert.deepEqual(names, [...names].sort());
    const byMessage = await client.getAllLogsPagination({
      sortBy: "Message",
      sortOrder: "DESC",
      pageSize: 5,
    });
    const top = await db.query<{ message: string }>(
      "SELECT message FROM process_logs ORDER BY message DESC, id DESC LIMIT 5",
    );
    assert.deepEqual(
      byMessage.items.map((item) => item.message),
      top.rows.map((row) => row.message),
    );
  });

  test("bad values are INVALID_ARGUMENT naming the field", async () => {
    await rejectsWith(client.getAllLogsPagination({ pageNumber: -1 }), "page_number");
    await rejectsWith(client.getAllLogsPagination({ pageSize: 1001 }), "page_size");
    await rejectsWith(client.getAllLogsPagination({ pageSize: -5 }), "page_size");
    await rejectsWith(client.getAllLogsPagination({ sortBy: "ProcessName" }), "sort_by");
    await rejectsWith(client.getAllLogsPagination({ sortOrder: "UP" }), "sort_order");
    await rejectsWith(client.getAllLogsPagination({ startDate: "yesterday" }), "start_date");
    await rejectsWith(
      client.getAllLogsPagination({ startDate: "2021-01-02", endDate: "2021-01-01" }),
      "start_date",
    );
  });
});
