import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { investigationSha256 } from "./investigation-hash.js";
import { completeContent, INVESTIGATION_SECTIONS } from "./investigation-sections.js";
import { missingInvestigationFields, planInvestigationEdit } from "./plan-investigation-edit.js";

const IO = { roleId: 13, roleName: "Investigating Officer", statusCodeId: 21, isFinal: false };
const empty = completeContent({});
const report = INVESTIGATION_SECTIONS[0];
const legalReview = INVESTIGATION_SECTIONS[1];

function edit(values: Record<string, unknown>, editor = IO, content = empty) {
  return planInvestigationEdit(content, editor, {
    paths: Object.keys(values),
    valueOf: (section, field) => values[`${section}.${field.name}`],
    today: "2026-03-02",
  });
}

function refusal(run: () => unknown): ConnectError {
  try {
    run();
  } catch (error) {
    return ConnectError.from(error);
  }
  assert.fail("expected a refusal");
}

describe("editing the investigation", () => {
  it("lets the appointed IO write the report at the Investigating Officer status", () => {
    const { changes, next } = edit({ "report.place": " Hangar 3 ", "report.presentForDuty": true });
    assert.deepEqual(
      changes.map((change) => `${change.section}.${change.field}`),
      ["report.place", "report.presentForDuty"],
    );
    assert.equal(next.report.place, "Hangar 3");
  });

  it("refuses a section to any other role or status, naming the section", () => {
    const wingJa = { ...IO, roleId: 5, roleName: "Wing JA" };
    const error = refusal(() => edit({ "report.place": "x" }, wingJa));
    assert.equal(error.code, Code.PermissionDenied);
    assert.match(error.rawMessage, /^report: your role \(Wing JA\)/);
    assert.equal(
      refusal(() => edit({ "report.place": "x" }, { ...IO, statusCodeId: 22 })).code,
      Code.PermissionDenied,
    );
    assert.equal(
      refusal(() => edit({ "report.place": "x" }, { ...IO, isFinal: true })).code,
      Code.PermissionDenied,
    );
  });

  it("names the field of a bad value, a future report date and dates out of order", () => {
    assert.match(
      refusal(() => edit({ "report.investigationOf": "flu" })).rawMessage,
      /^report\.investigationOf: /,
    );
    assert.match(
      refusal(() => edit({ "report.reportDate": "2026-03-03" })).rawMessage,
      /^report\.reportDate: .*future/,
    );
    const error = refusal(() =>
      edit({ "report.investigationStartDate": "2026-02-10", "report.investigationEndDate": "2026-02-01" }),
    );
    assert.match(error.rawMessage, /^report\.investigationEndDate: must not be before/);
    assert.match(refusal(() => edit({ "report.nope": "x" })).rawMessage, /^update_mask: /);
    assert.match(
      refusal(() => edit({ "report.otherPersons": [{ grade: "E-5" }] })).rawMessage,
      /otherPersons\[0\]\.name: required/,
    );
  });

  it("accepts proto (snake_case) paths as well as JSON ones", () => {
    const read = planInvestigationEdit(empty, IO, {
      paths: ["report.how_sustained"],
      valueOf: (_, field) => (field.name === "howSustained" ? "Slipped" : undefined),
      today: "2026-03-02",
    });
    assert.equal(read.next.report.howSustained, "Slipped");
  });

  it("lists the writer's missing required fields, conditional ones only while their condition holds", () => {
    const missing = missingInvestigationFields(empty, report);
    assert.ok(missing.includes("report.place") && missing.includes("report.recommendedFinding"));
    assert.ok(!missing.includes("report.inactiveDutyTraining"));
    const idt = completeContent({ report: { memberStatus: "inactive_duty_training" } });
    assert.ok(missingInvestigationFields(idt, report).includes("report.inactiveDutyTraining"));
    const concurs = completeContent({ legalReview: { legallySufficient: true, concur: true } });
    assert.deepEqual(missingInvestigationFields(concurs, legalReview), []);
    const dissents = completeContent({ legalReview: { legallySufficient: true, concur: false } });
    assert.deepEqual(missingInvestigationFields(dissents, legalReview), ["legalReview.explanation"]);
  });

  it("hashes only what a signature covers: a change to the report breaks the IO's hash, not the JA's", () => {
    const before = completeContent({ report: { place: "Hangar 3" }, legalReview: { concur: true } });
    const after = edit({ "report.place": "Hangar 4" }, IO, before).next;
    assert.notEqual(investigationSha256(before, ["report"]), investigationSha256(after, ["report"]));
    assert.equal(investigationSha256(before, ["legalReview"]), investigationSha256(after, ["legalReview"]));
    assert.equal(
      investigationSha256(before, ["report"]),
      investigationSha256(completeContent(before), ["report"]),
    );
  });
});
