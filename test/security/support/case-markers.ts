import type { JsonValue } from "@bufbuild/protobuf";
import type { Db } from "../../../src/db/db.js";

/** What identifies the cases of one unit subtree in any response: numbers, ids, lock ids, a member's name. */
export interface CaseMarkers {
  caseNumbers: ReadonlySet<string>;
  caseIds: ReadonlySet<number>;
  lockIds: ReadonlySet<number>;
  /** Free text that only these cases carry (a member name given to the target case's member). */
  texts: readonly string[];
}

/** Keys under which a response names a case by id (`id` alone is too common to count). */
const CASE_ID_KEYS = new Set(["caseId", "refId", "initialCaseId"]);

/** The markers of every case in the subtree of `unitId`, read from the database. */
export async function subtreeMarkers(db: Db, unitId: number, texts: readonly string[]): Promise<CaseMarkers> {
  const { rows } = await db.query<{ id: number; case_number: string; lock_id: number | null }>(
    `SELECT c.id, c.case_number, l.id AS lock_id FROM cases c LEFT JOIN case_locks l ON l.case_id = c.id
     WHERE c.unit_id IN (SELECT descendant_id FROM unit_tree WHERE ancestor_id = $1)`,
    [unitId],
  );
  return {
    caseNumbers: new Set(rows.map((row) => row.case_number)),
    caseIds: new Set(rows.map((row) => row.id)),
    lockIds: new Set(rows.flatMap((row) => (row.lock_id === null ? [] : [row.lock_id]))),
    texts,
  };
}

/** Where in a JSON response the markers show up ("items[0].refId = 412"), or [] when nowhere. */
export function markersIn(value: JsonValue, markers: CaseMarkers, path = ""): string[] {
  if (typeof value === "string") {
    const hit =
      markers.texts.find((text) => value.includes(text)) ??
      [...markers.caseNumbers].find((number) => value.includes(number)) ??
      (/^cases\/(\d+)$/.exec(value) && markers.caseIds.has(Number(value.slice(6))) ? value : undefined);
    return hit ? [`${path} contains "${hit}"`] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => markersIn(item, markers, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const where = path ? `${path}.${key}` : key;
    if (typeof item === "number") {
      if (CASE_ID_KEYS.has(key) && markers.caseIds.has(item)) return [`${where} = ${item}`];
      if (key === "lockId" && markers.lockIds.has(item)) return [`${where} = ${item}`];
      return [];
    }
    return markersIn(item, markers, where);
  });
}

/** True when a JSON value holds a non-empty list anywhere: a lookup that found something. */
export function hasItems(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(hasItems);
}
