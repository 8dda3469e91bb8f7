import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SECTIONS } from "../domain/form/af348-sections.js";
import { fieldValue } from "../domain/form/field-values.js";
import { FINDING_ROLE_KEYS, type FormRoleKey, type SectionName } from "../domain/form/form-roles.js";
import { missingRequired } from "../domain/form/missing-required.js";
import { type DemoCasePlan, planDemoCase } from "./demo-case-plan.js";
import { type DemoSnapshot, demoFormContent } from "./demo-form-content.js";
import { baseOfUnit, type DemoFacts, peopleOf } from "./demo-scenario.js";
import { DEMO_SCENARIOS } from "./demo-scenarios.js";
import * as ref from "./reference-data.js";

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 27, 12);

/** Case g as seed-demo.ts inserts it: route position g % 13 (10–12 cancelled), dated as its SQL dates it. */
function seededCase(g: number) {
  const position = g % 13;
  const updatedAt = new Date(now - (g % 120) * DAY);
  return {
    id: g,
    statusCodeId: position <= 9 ? ref.lodRoute[position] : 20,
    createdAt: new Date(updatedAt.getTime() - (2 * position + 1) * DAY - (g % 1440) * 60_000),
    updatedAt,
  };
}

const plans = Array.from({ length: 400 }, (_, index) => planDemoCase(seededCase(index + 1)));
const routeIndex = (status: number) => ref.lodRoute.indexOf(status);

/** The option the seed declares for a move between two statuses, if any. */
function seededOption(from: number, to: number, kind: string) {
  return ref.lodOptions.find((option) => option[1] === from && option[2] === to && option[4] === kind);
}

const snapshot: DemoSnapshot = {
  lastName: "Lopez",
  firstName: "Karen",
  middleName: "Q",
  grade: "E-4",
  rank: "SrA",
  maskedSsn: "***-**-1234",
  unitId: 104,
  unitName: "89th Airlift Squadron",
  pasCode: "SQ089AS0",
  component: "Air Force Reserve Command",
};

describe("planDemoCase", () => {
  it("takes each case to its status by the seeded options, in time order, from its creation to its last update", () => {
    for (const plan of plans) {
      const row = seededCase(plan.caseId);
      assert.equal(plan.steps[0].statusCodeId, 10, `case ${plan.caseId} starts at the medical technician`);
      assert.equal(plan.steps.at(-1)?.statusCodeId, row.statusCodeId);
      for (const [index, step] of plan.steps.entries()) {
        const next = plan.steps[index + 1];
        assert.equal(
          step.exit === undefined,
          next === undefined,
          `case ${plan.caseId}: only the last step stays`,
        );
        if (next && step.exit) {
          const option = seededOption(step.statusCodeId, next.statusCodeId, step.exit.kind);
          assert.equal(
            option?.[3],
            step.exit.label,
            `case ${plan.caseId}: ${step.statusCodeId} → ${next.statusCodeId}`,
          );
          assert.equal(step.end?.getTime(), next.start.getTime());
          assert.ok(step.start < next.start);
        }
      }
      assert.equal(plan.steps[0].start.getTime(), row.createdAt.getTime());
      assert.ok(
        plan.steps.at(-1)?.start.getTime() ===
          (plan.steps.length > 1 ? row.updatedAt : row.createdAt).getTime(),
      );
    }
  });

  it("returns some cases from a later role with a reason, voiding the signatures from the returned-to status on", () => {
    const returned = plans.filter((plan) => plan.rwoaReason !== "");
    assert.ok(returned.length >= 16);
    for (const plan of returned) {
      const back = plan.steps.at(-2);
      const at = plan.steps.at(-1)?.statusCodeId ?? 0;
      assert.equal(back?.exit?.kind, "return");
      assert.ok(back?.exit?.comment, "the returning role says why");
      assert.ok(routeIndex(back?.statusCodeId ?? 0) > routeIndex(at));
      assert.ok(plan.signatures.every((signature) => routeIndex(signature.statusCodeId) < routeIndex(at)));
    }
    const straight = plans.filter((plan) => plan.rwoaReason === "" && plan.cancelReason === "");
    for (const plan of straight) {
      assert.deepEqual(
        plan.signatures.map((signature) => signature.statusCodeId),
        plan.steps.slice(0, -1).map((step) => step.statusCodeId),
        `case ${plan.caseId}: each role that forwarded it signed`,
      );
    }
  });

  it("cancels only from the medical officer, the appointing authority and the approving authority", () => {
    const cancelled = plans.filter((plan) => plan.steps.at(-1)?.statusCodeId === 20);
    const from = new Set(cancelled.map((plan) => plan.steps.at(-2)?.statusCodeId));
    assert.deepEqual([...from].sort(), [11, 14, 18]);
    for (const plan of cancelled) {
      assert.equal(plan.steps.at(-2)?.exit?.kind, "cancel");
      assert.ok(ref.reasons.some(([, kind, text]) => kind === "cancel" && text === plan.cancelReason));
    }
  });

  it("keeps the scenarios that call for a formal investigation at or before the appointing authority", () => {
    const formal = plans.filter((plan) => plan.scenario.formal);
    assert.ok(formal.length >= 10);
    const appointingAuthority = routeIndex(14);
    for (const plan of formal) {
      const furthest = Math.max(...plan.steps.map((step) => routeIndex(step.statusCodeId)));
      assert.ok(
        furthest <= appointingAuthority,
        `case ${plan.caseId} waits for the decision or was cancelled`,
      );
      assert.ok(!plan.writes.some((write) => write.role === "wingCommander"), `case ${plan.caseId}`);
    }
    assert.ok(
      formal.some((plan) => plan.steps.at(-1)?.statusCodeId === 14),
      "some wait for the appointing authority to decide",
    );
  });

  it("shows every scenario at every status", () => {
    for (const status of [...ref.lodRoute, 20]) {
      const shown = new Set(
        plans.filter((plan) => plan.steps.at(-1)?.statusCodeId === status).map((plan) => plan.scenario),
      );
      const decided = routeIndex(status) > routeIndex(14);
      const expected = DEMO_SCENARIOS.filter((scenario) => !(decided && scenario.formal));
      assert.equal(shown.size, expected.length, `status ${status}`);
    }
  });
});

describe("the demo scenarios", () => {
  const facts: DemoFacts = {
    member: "SrA Lopez",
    unitName: snapshot.unitName,
    base: baseOfUnit(snapshot.unitId),
    eventDate: "2026-03-14",
    people: peopleOf(7),
  };
  const parts = (role: FormRoleKey) => (content: ReturnType<(typeof DEMO_SCENARIOS)[number]["content"]>) => {
    if (role === "medicalTechnician")
      return { medical: content.technician, member: { dutyStatus: content.memberDutyStatus } };
    if (role === "medicalOfficer") return { medical: content.officer };
    return role === "unitCommander" ? { unit: content.unit } : {};
  };

  it("write only fields their role may write, with values the form accepts", () => {
    for (const scenario of DEMO_SCENARIOS) {
      const content = scenario.content(facts);
      for (const role of ["medicalTechnician", "medicalOfficer", "unitCommander"] as const) {
        for (const [section, values] of Object.entries(parts(role)(content))) {
          for (const [name, value] of Object.entries(values)) {
            const field = SECTIONS[section as SectionName].fields.find(
              (candidate) => candidate.name === name,
            );
            const path = `${scenario.key} ${section}.${name}`;
            assert.ok(field, `${path} is declared`);
            assert.ok(field.writers.includes(role), `${path} is written by ${role}`);
            assert.deepEqual(fieldValue(field, value, path, "2026-11-27"), value, path);
          }
        }
      }
      for (const role of FINDING_ROLE_KEYS) {
        const finding = content.findings[role];
        if (!finding) continue;
        const section = SECTIONS[`findings.${role}`];
        for (const [name, value] of Object.entries(finding)) {
          const field = section.fields.find((candidate) => candidate.name === name);
          if (name === "concur" && role === "unitCommander") continue;
          assert.ok(field, `${scenario.key} findings.${role}.${name} is declared`);
          assert.deepEqual(
            fieldValue(field, value, name, "2026-11-27"),
            value,
            `${scenario.key} ${role}.${name}`,
          );
        }
      }
    }
  });

  it("fill every required field of each role that passes a completed case, and vary", () => {
    const diagnoses = new Set<unknown>();
    for (const plan of plans.filter((entry) => entry.steps.at(-1)?.statusCodeId === 19)) {
      const { form, determination } = demoFormContent(plan, snapshot, seededCase(plan.caseId).createdAt);
      for (const write of plan.writes) {
        assert.deepEqual(missingRequired(form, write.role), [], `${plan.scenario.key}: ${write.role}`);
      }
      assert.equal(determination, form["findings.approvingAuthority"].finding);
      diagnoses.add(form.medical.icd10Code);
    }
    assert.ok(diagnoses.size >= 8, "at least 8 diagnoses");
    assert.ok(
      new Set(DEMO_SCENARIOS.map((scenario) => scenario.content(facts).incident)).size ===
        DEMO_SCENARIOS.length,
    );
  });

  it("fill the medical technician's first entries only on a draft, and nothing of the roles still to come", () => {
    const draft = plans.find((plan) => plan.draft) as DemoCasePlan;
    const { form } = demoFormContent(draft, snapshot, seededCase(draft.caseId).createdAt);
    assert.ok(form.medical.eventDetails);
    assert.equal(form.member.dutyStatus, null);
    assert.ok(missingRequired(form, "medicalTechnician").length > 0, "a draft is not yet complete");
    const atUnit = plans.find((plan) => plan.steps.at(-1)?.statusCodeId === 12 && plan.rwoaReason === "");
    assert.ok(atUnit);
    const unitForm = demoFormContent(atUnit, snapshot, seededCase(atUnit.caseId).createdAt).form;
    assert.ok(unitForm.medical.medicalOfficerComments);
    assert.equal(unitForm.unit.circumstances, null);
    assert.equal(unitForm["findings.unitCommander"].finding, null);
  });
});
