import { createHash } from "node:crypto";
import {
  INVESTIGATION_SECTIONS,
  type InvestigationContent,
  type InvestigationSectionName,
} from "./investigation-sections.js";

/**
 * The canonical content of investigation sections, as a signature hashes it: `{"<section>":{"<field>":<value>}}`
 * in JSON without whitespace, sections and fields in code-point order, every declared field present (null when
 * not answered), other persons in their listed order with keys sorted. Who wrote and when is not content.
 */
export function canonicalInvestigation(
  content: InvestigationContent,
  sections: readonly InvestigationSectionName[],
): string {
  const covered = [...new Set(sections)].sort().map((name) => {
    const section = INVESTIGATION_SECTIONS.find((candidate) => candidate.name === name)!;
    const values = section.fields
      .map((field) => field.name)
      .sort()
      .map((field) => `${JSON.stringify(field)}:${stableJson(content[name]?.[field] ?? null)}`);
    return `${JSON.stringify(name)}:{${values.join(",")}}`;
  });
  return `{${covered.join(",")}}`;
}

/** SHA-256 (lower-case hex) of canonicalInvestigation. */
export function investigationSha256(
  content: InvestigationContent,
  sections: readonly InvestigationSectionName[],
): string {
  return createHash("sha256").update(canonicalInvestigation(content, sections), "utf8").digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
