import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

/**
 * axe-core's bundled script, evaluated in the page under test (it reads the live DOM there). Evaluated through
 * the DevTools protocol rather than added as a <script> tag: ECT's Content-Security-Policy (rightly) refuses
 * inline scripts, and the scan must see the page with the headers it really has.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The rule sets Section 508 points to: WCAG 2.0 and 2.1, levels A and AA. */
const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The part of an axe result the assertion reports. */
interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Scans the page as it stands with axe-core (WCAG 2.1 A and AA) and fails naming every serious or critical
 * violation: its rule id, what it asks for, and the elements that break it. `label` says which page or tab.
 */
export async function assertNoSeriousViolations(page: Page, label: string): Promise<void> {
  const loaded = await page.evaluate(() => "axe" in window);
  if (!loaded) await page.evaluate(axeSource);
  const violations = await page.evaluate(async (runOnly) => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, { runOnly: { type: "tag", values: runOnly } })) as {
      violations: Violation[];
    };
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map((node) => ({ target: node.target })),
    }));
  }, tags);
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (serious.length === 0) return;
  const lines = serious.map(
    (v) => `- ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`,
  );
  throw new Error(`${label}: ${serious.length} serious accessibility violation(s)\n${lines.join("\n")}`);
}
