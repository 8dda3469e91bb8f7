import type { Page } from "playwright-core";

/**
 * Filling the AF 348 in the web client as each demo user would: the tab, the fields and values of their
 * part, saved section by section. The browser suites share it (web.test.ts walks a case with it, and
 * af348-form.test.ts checks the form itself).
 */

/** A day this many days before today, as a date input takes it (YYYY-MM-DD). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** Opens a tab of the case page by its id (member, medical, unit, legal, commander, board, determination…). */
export async function openTab(page: Page, id: string): Promise<void> {
  await page.getByTestId(`tab-${id}`).click();
  await page.getByTestId(`panel-${id}`).waitFor();
}

/** What a field receives: text typed, a list value chosen, a yes/no answer. */
type Entry = string | boolean | { choose: string };

/** Enters values into the fields of the open tab, by `section.field`. */
export async function enter(page: Page, values: Record<string, Entry>): Promise<void> {
  for (const [path, value] of Object.entries(values)) {
    const field = page.getByTestId(`field-${path}`);
    if (typeof value === "boolean") await page.getByTestId(`field-${path}-${value ? "yes" : "no"}`).check();
    else if (typeof value === "string") await field.fill(value);
    else await field.selectOption(value.choose);
  }
}

/** Saves a section and waits until the server has taken it. */
export async function save(page: Page, section: string): Promise<void> {
  await page.getByTestId(`save-${section}`).click();
  await page
    .getByTestId(`save-status-${section}`)
    .getByText(/^Saved \d+ field/)
    .waitFor();
}

/** Picks an ICD-10-CM code with the type-ahead: types the words, waits for the list, picks the first match. */
export async function pickIcd10(page: Page, words: string): Promise<string> {
  const input = page.getByTestId("field-medical.icd10Code");
  await input.fill(words);
  const option = page.getByTestId("icd10-option").first();
  await option.waitFor();
  const code = ((await option.locator("strong").textContent()) ?? "").trim();
  await option.click();
  return code;
}

/** A reviewer's finding: the code, whether they concur (all but the unit commander), and a word why. */
async function recordFinding(page: Page, role: string, finding: string | undefined, concur?: boolean) {
  const section = `findings.${role}`;
  if (finding) await enter(page, { [`${section}.finding`]: { choose: finding } });
  if (concur !== undefined) await enter(page, { [`${section}.concur`]: concur });
  await enter(page, { [`${section}.explanation`]: "Facts in the unit commander's section support it." });
  await save(page, section);
}

/** Each demo user's part of the form, filled on the open case page. */
export const FILL: Readonly<Record<string, (page: Page) => Promise<void>>> = {
  async medtech(page) {
    await openTab(page, "member");
    await enter(page, { "member.dutyStatus": { choose: "inactive_duty_training" } });
    await save(page, "member");
    await openTab(page, "medical");
    await enter(page, {
      "medical.natureOfEvent": { choose: "injury" },
      "medical.eventDetails": "Rolled the right ankle on uneven ground during the unit PT run.",
      "medical.treatmentFacility": "452nd Medical Squadron clinic, March ARB",
      "medical.treatmentFacilityType": { choose: "military" },
      "medical.treatmentDate": daysAgo(2),
      "medical.deathInvolved": false,
      "medical.motorVehicleAccident": false,
      "medical.alcoholTestDone": false,
      "medical.drugTestDone": false,
    });
    await pickIcd10(page, "sprain right ankle");
    await enter(page, {
      "medical.diagnosisText": "Sprain of the right ankle",
      "medical.seventhCharacter": "A",
    });
    await save(page, "medical");
  },
  async medofficer(page) {
    await openTab(page, "medical");
    await enter(page, {
      "medical.psychiatricEvaluation": false,
      "medical.existedPriorToService": false,
      "medical.mobilityStandardsMet": true,
      "medical.medicalOfficerComments": "Grade II sprain; full recovery expected within six weeks.",
    });
    await save(page, "medical");
  },
  async unitcc(page) {
    await openTab(page, "unit");
    await enter(page, {
      "unit.dutyStatus": { choose: "inactive_duty_training" },
      "unit.dutyFrom": daysAgo(3),
      "unit.dutyTo": daysAgo(1),
      "unit.onOrders": true,
      "unit.activated": false,
      "unit.informationSource": { choose: "witness" },
      "unit.circumstances": "During the scheduled UTA physical training run the member stepped into a rut.",
      "unit.proximateCauseId": { choose: "2" },
      "unit.memberCredible": true,
      "unit.travelOccurrence": { choose: "not_travelling" },
      "unit.proofOfStatusVerified": true,
    });
    await page.getByRole("button", { name: "Add a witness" }).click();
    await page.locator("#f-unit-witnesses-0-name").fill("TSgt Dana Reyes");
    await page.locator("#f-unit-witnesses-0-contact").fill("DSN 555-0142");
    await page
      .locator("#f-unit-witnesses-0-statement")
      .fill("I ran beside the member and saw the ankle turn.");
    await save(page, "unit");
    await recordFinding(page, "unitCommander", "ILOD");
  },
  async wingja(page) {
    await openTab(page, "legal");
    await recordFinding(page, "wingJa", undefined, true);
  },
  async wingcc(page) {
    await openTab(page, "commander");
    await recordFinding(page, "wingCommander", "ILOD", true);
  },
  async boardtech(page) {
    await openTab(page, "board");
    await recordFinding(page, "boardTechnician", "ILOD", true);
  },
  async boardmed(page) {
    await openTab(page, "board");
    await recordFinding(page, "boardMedical", "ILOD", true);
  },
  async boardlegal(page) {
    await openTab(page, "board");
    await recordFinding(page, "boardLegal", "ILOD", true);
  },
  async approver(page) {
    await openTab(page, "determination");
    await recordFinding(page, "approvingAuthority", "ILOD", true);
  },
};
