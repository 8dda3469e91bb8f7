import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import { parse } from "csv-parse/sync";
import { migrate } from "../src/db/migrate.js";
import { ReportService } from "../src/gen/ect/v1/report_service_pb.js";
import { rejects } from "./support/assertions.js";
import { collect, grpcClient, signIn } from "./support/clients.js";
import { startTestServer, type TestServer, testDatabases } from "./support/test-server.js";

/**
 * Each report's figures against an independent count: the test reads the raw rows (cases, tracking, action
 * log, reasons, units) and counts in plain JavaScript what the report must say, without the report's SQL.
 */

const LOD_MODULE = 2;
const IO_ROLE = 13;
const TARGETS = { informal: 45, formal: 120 };
const DAY_MS = 86_400_000;

interface RawCase {
  id: number;
  case_number: string;
  unit_id: number;
  created_at: Date;
  status_code_id: number;
  status: string;
  role_id: number | null;
  is_final: boolean;
  is_cancel: boolean;
  formal: boolean | null;
  finding_id: number | null;
}
interface RawTracking {
  id: number;
  case_id: number;
  status_code_id: number;
  role_id: number | null;
  is_final: boolean;
  start_time: Date;
  end_time: Date | null;
}
interface RawAction {
  case_id: number;
  reason_id: number | null;
  kind: string | null;
  from_role_id: number | null;
}

/** The demo data as raw rows, and what follows from them without any report logic. */
interface Raw {
  cases: RawCase[];
  tracking: RawTracking[];
  actions: RawAction[];
  unitParent: Map<number, number | null>;
  suspenseDate: Map<number, string>;
}

/** Linear-interpolated percentile (PERCENTILE_CONT) of a non-empty list. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}
/**
 * A report's days (rounded to a tenth) against the test's own: within the rounding. The test reads times as
 * JavaScript dates (milliseconds) where the database keeps microseconds, so a value on a .x5 edge may round
 * either way.
 */
function assertDays(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 0.05 + 1e-6,
    `${what}: ${actual} is ${expected} rounded to a tenth`,
  );
}
const utcDay = (date: Date) => date.toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

for (const database of testDatabases()) {
  describe(`program reports on ${database.name}`, () => {
    let server: TestServer;
    let raw: Raw;
    const today = new Date().toISOString().slice(0, 10);
    const tokens = new Map<string, string>();
    const reports = (user: string) => grpcClient(server.url, ReportService, tokens.get(user));

    /** A report over REST as `user`: the rows of every NDJSON batch, or the status and error. */
    async function rest(user: string, path: string, accept = "application/json") {
      const response = await fetch(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${tokens.get(user)}`, accept },
      });
      return {
        status: response.status,
        text: await response.text(),
        type: response.headers.get("content-type"),
      };
    }

    /** The units a caller at `unitId` sees: it and every unit below it. */
    function unitsUnder(unitId: number): Set<number> {
      const seen = new Set<number>();
      for (const id of raw.unitParent.keys()) {
        for (let at: number | null | undefined = id; at != null; at = raw.unitParent.get(at)) {
          if (at === unitId) seen.add(id);
        }
      }
      return seen;
    }

    /** When each case entered its current status: its latest tracking row. */
    function statusSince(caseId: number): Date {
      const rows = raw.tracking.filter((row) => row.case_id === caseId);
      return rows.reduce((latest, row) => (row.id > latest.id ? row : latest)).start_time;
    }

    const lodCasesIn = (units: Set<number>) => raw.cases.filter((c) => units.has(c.unit_id));

    before(async () => {
      server = await startTestServer(database.url, {
        ECT_IO_CLOCK: today,
        // Pages of 7 rows: every report spans several pages, so paging by the report's row number is tested.
        ECT_STREAM_PAGE_SIZE: "7",
        ECT_TARGET_DAYS_INFORMAL: String(TARGETS.informal),
        ECT_TARGET_DAYS_FORMAL: String(TARGETS.formal),
      });
      for (const user of ["lodpm", "wingcc", "hqtech", "medtech"])
        tokens.set(user, await signIn(server.url, user));
      const db = server.db;
      const cases = await db.query<RawCase>(
        `SELECT c.id, c.case_number, c.unit_id, c.created_at, sc.id AS status_code_id, sc.description AS status,
                sc.role_id, sc.is_final, sc.is_cancel, ld.formal_investigation AS formal, ld.finding_id
         FROM cases c, work_statuses ws, status_codes sc, lod_details ld
         WHERE ws.id = c.work_status_id AND sc.id = ws.status_code_id AND ld.case_id = c.id AND c.module_id = $1`,
        [LOD_MODULE],
      );
      const tracking = await db.query<RawTracking>(
        `SELECT t.id::int AS id, t.case_id, sc.id AS status_code_id, sc.role_id, sc.is_final, t.start_time, t.end_time
         FROM tracking t, work_statuses ws, status_codes sc
         WHERE ws.id = t.work_status_id AND sc.id = ws.status_code_id AND t.module_id = $1`,
        [LOD_MODULE],
      );
      const actions = await db.query<RawAction>(
        `SELECT a.case_id, a.reason_id, r.kind, sc.role_id AS from_role_id
         FROM action_log a LEFT JOIN reasons r ON r.id = a.reason_id
         LEFT JOIN status_codes sc ON sc.id = a.from_status_code_id WHERE a.module_id = $1`,
        [LOD_MODULE],
      );
      const units = await db.query<{ id: number; parent_id: number | null }>(
        "SELECT id, parent_id FROM units",
      );
      const investigations = await db.query<{ case_id: number; suspense: string }>(
        "SELECT case_id, to_char(suspense_date, 'YYYY-MM-DD') AS suspense FROM investigations",
      );
      raw = {
        cases: cases.rows,
        tracking: tracking.rows,
        actions: actions.rows,
        unitParent: new Map(units.rows.map((unit) => [unit.id, unit.parent_id])),
        suspenseDate: new Map(investigations.rows.map((row) => [row.case_id, row.suspense])),
      };
      assert.ok(
        raw.cases.some((c) => c.is_final && !c.is_cancel),
        "the demo has completed cases",
      );
      assert.ok(
        raw.actions.some((a) => a.kind === "rwoa"),
        "the demo has returns without action",
      );
    });
    after(async () => server?.stop());

    it("LOD statistics count opened, completed, cancelled and determinations per month and unit", async () => {
      const batches = await collect(reports("lodpm").lodStatistics({}));
      assert.ok(batches.length > 1, "the report came in several pages (of 7 rows)");
      const rows = batches.flatMap((batch) => batch.rows);
      const expected = new Map<string, Record<string, number>>();
      const bucket = (month: string, unit: number) => {
        const key = `${month} ${unit}`;
        if (!expected.has(key))
          expected.set(key, {
            opened: 0,
            completed: 0,
            cancelled: 0,
            formal: 0,
            ilod: 0,
            nilodMisconduct: 0,
          });
        return expected.get(key)!;
      };
      for (const c of raw.cases) {
        bucket(c.created_at.toISOString().slice(0, 7), c.unit_id).opened++;
        if (!c.is_final) continue;
        const counts = bucket(statusSince(c.id).toISOString().slice(0, 7), c.unit_id);
        if (c.is_cancel) counts.cancelled++;
        else {
          counts.completed++;
          if (c.formal) counts.formal++;
          if (c.finding_id === 1) counts.ilod++;
          if (c.finding_id === 2) counts.nilodMisconduct++;
        }
      }
      const actual = new Map(
        rows.map((row) => [
          `${row.month} ${row.unit?.id}`,
          {
            opened: row.opened,
            completed: row.completed,
            cancelled: row.cancelled,
            formal: row.completedFormal,
            ilod: row.inLineOfDuty,
            nilodMisconduct: row.nilodMisconduct,
          },
        ]),
      );
      assert.deepEqual(actual, expected);
      for (const row of rows) assert.equal(row.completedFormal + row.completedInformal, row.completed);
      const months = rows.map((row) => row.month);
      assert.deepEqual(months, [...months].sort(), "rows in month order");
    });

    it("LOD statistics count each event only when its own date is in the range", async () => {
      const from = utcDay(new Date(Date.now() - 40 * DAY_MS));
      const to = utcDay(new Date(Date.now() - 10 * DAY_MS));
      const rows = (
        await collect(reports("lodpm").lodStatistics({ filter: { fromDate: from, toDate: to } }))
      ).flatMap((batch) => batch.rows);
      const inRange = (date: Date) => utcDay(date) >= from && utcDay(date) <= to;
      const sum = (key: "opened" | "completed" | "cancelled") =>
        rows.reduce((total, row) => total + row[key], 0);
      assert.equal(sum("opened"), raw.cases.filter((c) => inRange(c.created_at)).length);
      const finals = raw.cases.filter((c) => c.is_final && inRange(statusSince(c.id)));
      assert.equal(sum("completed"), finals.filter((c) => !c.is_cancel).length);
      assert.equal(sum("cancelled"), finals.filter((c) => c.is_cancel).length);
      assert.ok(sum("opened") > 0 && sum("opened") < raw.cases.length, "the range cuts the demo data");
    });

    it("days to complete give p50, p90 and max per path and unit, against the configured targets", async () => {
      const rows = (await collect(reports("lodpm").daysToComplete({}))).flatMap((batch) => batch.rows);
      const done = raw.cases
        .filter((c) => c.is_final && !c.is_cancel)
        .map((c) => ({
          unit: c.unit_id,
          formal: Boolean(c.formal),
          days: (statusSince(c.id).getTime() - c.created_at.getTime()) / DAY_MS,
        }));
      const groups = new Map<string, number[]>();
      for (const d of done) {
        for (const key of [`0 ${d.formal}`, `${d.unit} ${d.formal}`])
          groups.set(key, [...(groups.get(key) ?? []), d.days]);
      }
      assert.equal(rows.length, groups.size, "one row per path and unit, plus each path's all-units row");
      for (const row of rows) {
        const days = groups.get(`${row.unit?.id ?? 0} ${row.formal}`);
        assert.ok(days, `a group for ${row.unit?.name} formal=${row.formal}`);
        const target = row.formal ? TARGETS.formal : TARGETS.informal;
        assert.equal(row.cases, days.length);
        assert.equal(row.targetDays, target);
        assertDays(row.p50Days, percentile(days, 0.5), "p50");
        assertDays(row.p90Days, percentile(days, 0.9), "p90");
        assertDays(row.maxDays, Math.max(...days), "max");
        const within = days.filter((d) => d <= target).length;
        assert.equal(row.withinTarget, within);
        assert.equal(row.shareWithinTarget, Math.round((within / days.length) * 10_000) / 10_000);
      }
      assert.equal(rows[0].unit?.name, "All units", "the all-units rows come first");
    });

    it("time in status gives each role's p50 and p90 days per status from the finished stays", async () => {
      const rows = (await collect(reports("hqtech").timeInStatus({}))).flatMap((batch) => batch.rows);
      const stays = new Map<number, number[]>();
      for (const t of raw.tracking) {
        if (t.end_time === null || t.role_id === null) continue;
        const days = (t.end_time.getTime() - t.start_time.getTime()) / DAY_MS;
        stays.set(t.status_code_id, [...(stays.get(t.status_code_id) ?? []), days]);
      }
      assert.deepEqual(new Set(rows.map((row) => row.statusCodeId)), new Set(stays.keys()));
      for (const row of rows) {
        const days = stays.get(row.statusCodeId)!;
        assert.equal(row.stays, days.length, row.status);
        assertDays(row.p50Days, percentile(days, 0.5), `${row.status} p50`);
        assertDays(row.p90Days, percentile(days, 0.9), `${row.status} p90`);
        assertDays(row.maxDays, Math.max(...days), `${row.status} max`);
        assert.ok(row.role, "each status names the role that holds it");
      }
    });

    it("suspense monitoring lists open cases past N days at their status or past the suspense, oldest first", async () => {
      for (const n of [10, 30]) {
        const rows = (await collect(reports("lodpm").suspense(n === 10 ? {} : { daysAtStatus: n }))).flatMap(
          (batch) => batch.rows,
        );
        const expected = raw.cases
          .filter((c) => !c.is_final)
          .map((c) => {
            const since = statusSince(c.id);
            const suspense = raw.suspenseDate.get(c.id);
            const daysInStatus = daysBetween(utcDay(since), today);
            const pastSuspense = c.role_id === IO_ROLE && suspense !== undefined && suspense < today;
            return {
              id: c.id,
              since: since.getTime(),
              daysInStatus,
              pastSuspense,
              overdue: daysInStatus > n,
            };
          })
          .filter((c) => c.pastSuspense || c.overdue)
          .sort((a, b) => a.since - b.since || a.id - b.id);
        assert.deepEqual(
          rows.map((row) => row.caseId),
          expected.map((c) => c.id),
          `the cases past ${n} days or their suspense, oldest first`,
        );
        for (const [i, row] of rows.entries()) {
          assert.equal(row.daysInStatus, expected[i].daysInStatus);
          assert.equal(row.pastSuspense, expected[i].pastSuspense);
          assert.equal(row.pastDaysAtStatus, expected[i].overdue);
        }
        assert.ok(rows.length > 0, `some demo cases are past ${n} days`);
      }
    });

    it("RWOA and cancellation reasons count actions and cases per reason and role, with rates", async () => {
      const rows = (await collect(reports("lodpm").rwoaReasons({}))).flatMap((batch) => batch.rows);
      const expected = new Map<string, { actions: number; cases: Set<number> }>();
      for (const a of raw.actions) {
        if (a.reason_id === null) continue;
        const key = `${a.kind} ${a.reason_id} ${a.from_role_id ?? 0}`;
        if (!expected.has(key)) expected.set(key, { actions: 0, cases: new Set() });
        expected.get(key)!.actions++;
        expected.get(key)!.cases.add(a.case_id);
      }
      assert.equal(rows.length, expected.size);
      for (const row of rows) {
        const counted = expected.get(`${row.kind} ${row.reasonId} ${row.roleId}`);
        assert.ok(counted, `${row.kind} ${row.reason} by ${row.role}`);
        assert.equal(row.actions, counted.actions);
        assert.equal(row.cases, counted.cases.size);
        assert.equal(row.casesInScope, raw.cases.length);
        assert.equal(row.rate, Math.round((counted.cases.size / raw.cases.length) * 10_000) / 10_000);
      }
      assert.ok(rows.some((row) => row.kind === "rwoa") && rows.some((row) => row.kind === "cancel"));
    });

    it("a wing commander's reports cover only the wing, and another wing's unit gives nothing", async () => {
      const wing = unitsUnder(10);
      const wingCases = lodCasesIn(wing);
      const stats = (await collect(reports("wingcc").lodStatistics({}))).flatMap((batch) => batch.rows);
      assert.ok(stats.length > 0);
      for (const row of stats) assert.ok(wing.has(row.unit?.id ?? -1), `unit ${row.unit?.id} is in the wing`);
      assert.equal(
        stats.reduce((total, row) => total + row.opened, 0),
        wingCases.length,
      );
      const suspense = (await collect(reports("wingcc").suspense({}))).flatMap((batch) => batch.rows);
      assert.ok(suspense.length > 0, "the wing has cases waiting");
      for (const row of suspense) assert.ok(wing.has(row.unit?.id ?? -1));
      const reasons = (await collect(reports("wingcc").rwoaReasons({}))).flatMap((batch) => batch.rows);
      for (const row of reasons) assert.equal(row.casesInScope, wingCases.length);
      // Days to complete: the wing's units only, and its all-units rows count the wing's completed cases.
      const days = (await collect(reports("wingcc").daysToComplete({}))).flatMap((batch) => batch.rows);
      const wingDone = wingCases.filter((c) => c.is_final && !c.is_cancel);
      assert.ok(wingDone.length > 0, "the wing has completed cases");
      for (const row of days) if (row.unit?.id) assert.ok(wing.has(row.unit.id), `unit ${row.unit.id}`);
      assert.equal(
        days.filter((row) => !row.unit?.id).reduce((total, row) => total + row.cases, 0),
        wingDone.length,
      );
      // Time in status: the finished stays of the wing's cases only.
      const inWing = new Set(wingCases.map((c) => c.id));
      const wingStays = raw.tracking.filter(
        (t) => t.end_time !== null && t.role_id !== null && inWing.has(t.case_id),
      );
      const stays = (await collect(reports("wingcc").timeInStatus({}))).flatMap((batch) => batch.rows);
      assert.equal(
        stays.reduce((total, row) => total + row.stays, 0),
        wingStays.length,
      );
      // Another wing's unit in the filter gives nothing, whichever the report.
      const elsewhere = { filter: { unitId: 11 } };
      const wingcc = reports("wingcc");
      for (const [name, batches] of [
        ["lodStatistics", await collect(wingcc.lodStatistics(elsewhere))],
        ["daysToComplete", await collect(wingcc.daysToComplete(elsewhere))],
        ["timeInStatus", await collect(wingcc.timeInStatus(elsewhere))],
        ["suspense", await collect(wingcc.suspense(elsewhere))],
        ["rwoaReasons", await collect(wingcc.rwoaReasons(elsewhere))],
      ] as const) {
        const rows: unknown[] = batches.flatMap((batch: { rows: unknown[] }) => batch.rows);
        const counted = rows.filter((row) => {
          const r = row as { cases?: number; casesInScope?: number; stays?: number; opened?: number };
          return (r.cases ?? r.stays ?? r.opened ?? r.casesInScope ?? 1) > 0;
        });
        assert.deepEqual(counted, [], `${name} for another wing's unit`);
      }
      const squadron = (await collect(reports("lodpm").lodStatistics({ filter: { unitId: 102 } }))).flatMap(
        (batch) => batch.rows,
      );
      assert.ok(squadron.length > 0);
      for (const row of squadron) assert.equal(row.unit?.id, 102, "the unit filter of a program manager");
    });

    it("refuses a caller without reportView on Connect and REST, and bad filters naming the field", async () => {
      await rejects(collect(reports("medtech").lodStatistics({})), Code.PermissionDenied);
      await rejects(collect(reports("medtech").suspense({})), Code.PermissionDenied);
      const denied = await rest("medtech", "/ect/v1/reports/rwoaReasons");
      assert.equal(denied.status, 403);
      const badFrom = { filter: { fromDate: "2026-02-30" } };
      for (const run of [
        () => collect(reports("lodpm").lodStatistics(badFrom)),
        () => collect(reports("lodpm").daysToComplete(badFrom)),
        () => collect(reports("lodpm").rwoaReasons(badFrom)),
      ])
        await rejects(run(), Code.InvalidArgument, /filter\.from_date/);
      const badRange = await rest(
        "lodpm",
        "/ect/v1/reports/timeInStatus?filter.fromDate=2026-05-01&filter.toDate=2026-04-01",
      );
      assert.equal(badRange.status, 400);
      assert.match(badRange.text, /filter\.to_date/);
      const badDays = await rest("lodpm", "/ect/v1/reports/suspense?daysAtStatus=-1");
      assert.equal(badDays.status, 400);
      assert.match(badDays.text, /days_at_status/);
    });

    it("serves every report on REST as NDJSON by default and as CSV with a header row", async () => {
      const paths = ["lodStatistics", "daysToComplete", "timeInStatus", "suspense", "rwoaReasons"];
      for (const path of paths) {
        const json = await rest("lodpm", `/ect/v1/reports/${path}`);
        assert.equal(json.status, 200, `${path}: ${json.text}`);
        const batches = json.text
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { rows?: unknown[] });
        const count = batches.reduce((total, batch) => total + (batch.rows?.length ?? 0), 0);
        const csv = await rest("lodpm", `/ect/v1/reports/${path}`, "text/csv");
        assert.equal(csv.status, 200);
        assert.match(csv.type ?? "", /^text\/csv/);
        const records = parse(csv.text) as string[][];
        assert.equal(records.length, count + 1, `${path}: a header row and one row per report row`);
        assert.ok(records.every((record) => record.length === records[0].length));
        if (path === "lodStatistics") {
          assert.deepEqual(records[0].slice(0, 6), [
            "month",
            "unit.id",
            "unit.name",
            "unit.pasCode",
            "opened",
            "completed",
          ]);
        }
        if (path === "rwoaReasons") assert.ok(records[0].includes("rate") && records[0].includes("reason"));
      }
    });

    it("migration 019 gives reportView to the seed's roles on a database seeded before it", async () => {
      const holders = async () =>
        (
          await server.db.query<{ role_id: number }>(
            "SELECT role_id FROM role_permissions WHERE permission_id = 25 ORDER BY role_id",
          )
        ).rows.map((row) => row.role_id);
      const seeded = await holders();
      assert.deepEqual(
        seeded,
        [1, 6, 10, 88],
        "system administrator, wing commander, program manager, HQ technician",
      );
      await server.db.query("DELETE FROM permissions WHERE id = 25");
      await server.db.query("DELETE FROM schema_migrations WHERE version = '019_reports.sql'");
      assert.deepEqual(await holders(), []);
      assert.ok((await migrate(server.db)).includes("019_reports.sql"));
      assert.deepEqual(await holders(), seeded);
      assert.ok(!(await migrate(server.db)).includes("019_reports.sql"), "and does nothing twice");
    });
  });
}
