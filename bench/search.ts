import pg from "pg";
import { type Recorded, type Rig, record, settle } from "./scenarios.js";
import { quantile } from "./stats.js";

/** The representative searches: a name prefix, an SSN's last four, a case number, and filters without a query. */
interface SearchCase {
  name: string;
  query: (sample: Sample, i: number) => string;
}

/** Real values from the bench data to search for, so each call finds something. */
interface Sample {
  names: string[];
  lastFours: string[];
  caseNumbers: string[];
  unitIds: number[];
}

const SEARCHES: SearchCase[] = [
  { name: "name", query: (s, i) => `query=${encodeURIComponent(pick(s.names, i))}` },
  { name: "last4", query: (s, i) => `query=${pick(s.lastFours, i)}` },
  { name: "caseNumber", query: (s, i) => `query=${pick(s.caseNumbers, i)}` },
  {
    name: "filtered",
    query: (s, i) =>
      `filter.state=CASE_STATE_OPEN&filter.unitId=${pick(s.unitIds, i)}&filter.createdFrom=2000-01-01&filter.formal=false`,
  },
];

const pick = <T>(values: T[], i: number): T => values[i % values.length];

/**
 * Case search (issue 20) on the bench data (1,000,000 cases in the full profile): each representative search
 * as the web page makes it, the first page of 50 over REST (`GET /ect/v1/cases:search?…&limit=50`) as the
 * administrator (every unit in scope, the widest search), one call after another; records per search p50 and
 * p99 of the whole response in ms. The target is p99 under 200 ms on this machine.
 */
export async function search(rig: Rig, recorded: Recorded, log: (line: string) => void) {
  const sample = await sampleData(rig.data.url);
  const calls = rig.profile.name === "quick" ? 100 : 300;
  const get = async (query: string) => {
    const started = performance.now();
    const response = await fetch(`${rig.ect.url}/ect/v1/cases:search?${query}&limit=50`, {
      headers: { authorization: rig.authorization },
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`search ${query}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return { ms: performance.now() - started, found: text.length > 0 };
  };
  // Warm the route and the plans once.
  for (const s of SEARCHES) await get(s.query(sample, 0));
  await settle();
  for (let repeat = 1; repeat <= rig.profile.repeats; repeat++) {
    const line: string[] = [];
    for (const s of SEARCHES) {
      const times: number[] = [];
      let empty = 0;
      for (let i = 0; i < calls; i++) {
        const { ms, found } = await get(s.query(sample, i + repeat * calls));
        times.push(ms);
        if (!found) empty++;
      }
      const p50 = quantile(times, 0.5);
      const p99 = quantile(times, 0.99);
      record(recorded, `search.${s.name}.p50`, p50);
      record(recorded, `search.${s.name}.p99`, p99);
      line.push(
        `${s.name} p50 ${p50.toFixed(1)} ms p99 ${p99.toFixed(1)} ms${empty ? ` (${empty} empty)` : ""}`,
      );
    }
    log(`  search ${repeat}: ${line.join(", ")}`);
  }
}

async function sampleData(url: string): Promise<Sample> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const members = await client.query<{ name: string; last4: string }>(
      `SELECT lower(left(last_name, 4)) AS name, right(ssn, 4) AS last4
       FROM members m WHERE EXISTS (SELECT 1 FROM cases c WHERE c.member_id = m.id)
       ORDER BY random() LIMIT 200`,
    );
    const cases = await client.query<{ case_number: string }>(
      "SELECT case_number FROM cases TABLESAMPLE SYSTEM (1) LIMIT 200",
    );
    const units = await client.query<{ unit_id: number }>("SELECT DISTINCT unit_id FROM cases LIMIT 50");
    return {
      names: members.rows.map((r) => r.name).filter((name) => /^[a-z]{3,}$/.test(name)),
      lastFours: members.rows.map((r) => r.last4),
      caseNumbers: cases.rows.map((r) => r.case_number),
      unitIds: units.rows.map((r) => r.unit_id),
    };
  } finally {
    await client.end();
  }
}
