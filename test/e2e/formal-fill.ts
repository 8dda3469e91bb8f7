import type { Page } from "playwright-core";
import { daysAgo, enter, openTab, save } from "./af348-fill.js";

/**
 * The investigating officer's report of investigation, filled in the web client as the IO would: every
 * required field, a yes/no per question, one other person involved, saved at once.
 */
export async function fillReport(page: Page): Promise<void> {
  await openTab(page, "investigation");
  await enter(page, {
    "report.reportDate": daysAgo(0),
    "report.investigationOf": { choose: "injury" },
    "report.memberStatus": { choose: "inactive_duty_training" },
    "report.inactiveDutyTraining": "UTA weekend, second period",
    "report.investigationStartDate": daysAgo(20),
    "report.investigationEndDate": daysAgo(1),
    "report.place": "Hangar 3, March ARB",
    "report.howSustained": "Slipped on a wet maintenance stand while inspecting an engine.",
    "report.medicalDiagnosis": "Lumbar radiculopathy",
    "report.presentForDuty": true,
    "report.absentWithAuthority": false,
    "report.absentWithoutAuthority": false,
    "report.intentionalMisconduct": false,
    "report.mentallySound": true,
    "report.remarks": "The witness statement supports the member's account.",
    "report.recommendedFinding": { choose: "ILOD" },
  });
  await page.getByRole("button", { name: "Add a person" }).click();
  await page.locator("#f-report-otherPersons-0-name").fill("Lee Park");
  await page.locator("#f-report-otherPersons-0-grade").fill("SSgt");
  await page.locator("#f-report-otherPersons-0-unit").fill("729 AS");
  await page.locator("#f-report-otherPersons-0-involvement").fill("Saw the member slip");
  await save(page, "report");
}
