import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { timestamptzParser } from "./timestamptz.js";

const TIMESTAMPTZ = 1184;
const pgDefault = pg.types.getTypeParser(TIMESTAMPTZ, "text");
const parse = timestamptzParser(pgDefault);

/** The same instant pg's own parser gives (a Date, or what it answers for infinity). */
function assertSameAsPg(text: string): void {
  const ours = parse(text);
  const theirs = pgDefault(text);
  if (theirs instanceof Date) {
    assert.ok(ours instanceof Date, text);
    assert.equal(ours.getTime(), theirs.getTime(), text);
  } else assert.deepEqual(ours, theirs, text);
}

test("reads PostgreSQL's usual timestamptz text exactly as pg's parser does", () => {
  for (const text of [
    "2026-11-27 05:09:17+00",
    "2026-11-27 05:09:17.1+00",
    "2026-11-27 05:09:17.123+00",
    "2026-11-27 05:09:17.123456+00",
    "2026-11-27 05:09:17.999999+00",
    "2026-02-28 23:59:59.5-05",
    "2026-03-01 00:00:00+05:30",
    "2026-03-01 00:00:00-09:30",
    "1999-12-31 23:59:59.000001+14",
    "1970-01-01 00:00:00+00",
    "1000-01-01 00:00:00+00",
  ]) {
    assertSameAsPg(text);
  }
});

test("agrees with pg's parser over many random instants and zones", () => {
  for (let i = 0; i < 2000; i++) {
    const ms = Math.floor(Math.random() * 4_102_444_800_000); // 1970–2100
    const micros = String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0");
    const offsetMinutes = (Math.floor(Math.random() * 57) - 28) * 30; // −14:00 … +14:00 in half hours
    const local = new Date(ms + offsetMinutes * 60_000).toISOString();
    const hh = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, "0");
    const mm = String(Math.abs(offsetMinutes) % 60).padStart(2, "0");
    const zone = `${offsetMinutes < 0 ? "-" : "+"}${hh}${mm === "00" ? "" : `:${mm}`}`;
    const fraction = i % 3 === 0 ? "" : `.${micros.slice(0, 1 + (i % 6))}`;
    assertSameAsPg(`${local.slice(0, 10)} ${local.slice(11, 19)}${fraction}${zone}`);
  }
});

test("hands every other shape to pg's parser: infinity, BC, early years, zones with seconds", () => {
  for (const text of [
    "infinity",
    "-infinity",
    "2026-11-27 05:09:17+00 BC",
    "0099-01-01 00:00:00+00",
    "0500-06-15 12:00:00+00",
    "1883-11-18 12:00:00-04:56:02",
    "12026-11-27 05:09:17+00",
  ]) {
    assertSameAsPg(text);
  }
});
