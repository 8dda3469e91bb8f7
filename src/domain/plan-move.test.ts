import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { openOptions } from "./next-actions.js";
import { planMove } from "./plan-move.js";
import type { CaseFacts, WorkflowOption } from "./workflow-model.js";

const MEDTECH = 2;
const OFFICER = 3;

const forward: WorkflowOption = {
  id: 1,
  fromWorkStatusId: 110,
  toWorkStatusId: 111,
  label: "Forward to Medical Officer",
  kind: "advance",
  active: true,
  sortOrder: 1,
  rules: [{ type: "signatureRequired", data: "" }],
  actions: [
    { type: "notifyHolder", target: OFFICER, data: 0 },
    { type: "releaseLock", target: 0, data: 0 },
  ],
};
const back: WorkflowOption = {
  id: 10,
  fromWorkStatusId: 111,
  toWorkStatusId: 110,
  label: "Return without action",
  kind: "return",
  active: true,
  sortOrder: 2,
  rules: [],
  actions: [{ type: "removeSignatures", target: 110, data: 0 }],
};
const approve: WorkflowOption = {
  ...forward,
  id: 9,
  fromWorkStatusId: 118,
  toWorkStatusId: 119,
  rules: [],
  actions: [{ type: "recordFinding", target: 0, data: 0 }],
};
const formalOnly: WorkflowOption = {
  ...forward,
  id: 40,
  fromWorkStatusId: 110,
  toWorkStatusId: 117,
  rules: [{ type: "formalInvestigation", data: "true" }],
};

function facts(overrides: Partial<CaseFacts> = {}): CaseFacts {
  return {
    workStatusId: 110,
    holderRoleId: MEDTECH,
    isFinal: false,
    formalInvestigation: false,
    visitedWorkStatusIds: new Set([110]),
    signedRoleIds: new Set(),
    ...overrides,
  };
}

const none = { allowedFindingIds: new Set<number>(), allowedReasonIds: new Set<number>() };
const medtech = { roleId: MEDTECH, isAdministrator: false };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return Code[ConnectError.from(error).code];
  }
  return "none";
}

describe("the workflow engine", () => {
  it("offers the holding role the options of the current status, marking a required signature", () => {
    const open = openOptions(facts(), medtech, [forward, back, formalOnly]);
    assert.deepEqual(
      open.map((o) => o.option.id),
      [1],
    );
    assert.equal(open[0].requiresSignature, true);
  });

  it("offers nothing to a role that does not hold the case, nor at a final status", () => {
    assert.deepEqual(openOptions(facts(), { roleId: OFFICER, isAdministrator: false }, [forward]), []);
    assert.deepEqual(openOptions(facts({ isFinal: true, holderRoleId: null }), medtech, [forward]), []);
  });

  it("lets an administrator act for the holding role", () => {
    assert.equal(openOptions(facts(), { roleId: 1, isAdministrator: true }, [forward]).length, 1);
  });

  it("evaluates guards: a formal-only option appears only for formal investigations", () => {
    const open = openOptions(facts({ formalInvestigation: true }), medtech, [forward, formalOnly]);
    assert.deepEqual(
      open.map((o) => o.option.id),
      [1, 40],
    );
  });

  it("fails closed on a rule it does not know", () => {
    const odd = { ...forward, rules: [{ type: "moonPhase", data: "full" }] };
    assert.deepEqual(openOptions(facts(), medtech, [odd]), []);
  });

  it("refuses a forward move until the role has signed", () => {
    assert.equal(
      codeOf(() => planMove(facts(), medtech, [forward], { optionId: 1, ...none })),
      "FailedPrecondition",
    );
    const plan = planMove(facts({ signedRoleIds: new Set([MEDTECH]) }), medtech, [forward], {
      optionId: 1,
      ...none,
    });
    assert.equal(plan.toWorkStatusId, 111);
    assert.deepEqual(plan.effects, [{ type: "notifyHolder", roleId: OFFICER }, { type: "releaseLock" }]);
  });

  it("denies a role that does not hold the case and rejects options that are not open", () => {
    const officer = { roleId: OFFICER, isAdministrator: false };
    assert.equal(
      codeOf(() => planMove(facts(), officer, [forward], { optionId: 1, ...none })),
      "PermissionDenied",
    );
    assert.equal(
      codeOf(() => planMove(facts(), medtech, [forward], { optionId: 99, ...none })),
      "FailedPrecondition",
    );
  });

  it("requires a valid reason to return without action and removes the earlier signatures", () => {
    const atOfficer = facts({ workStatusId: 111, holderRoleId: OFFICER });
    const officer = { roleId: OFFICER, isAdministrator: false };
    assert.equal(
      codeOf(() => planMove(atOfficer, officer, [back], { optionId: 10, ...none })),
      "InvalidArgument",
    );
    const reasons = { allowedFindingIds: new Set<number>(), allowedReasonIds: new Set([11]) };
    assert.equal(
      codeOf(() => planMove(atOfficer, officer, [back], { optionId: 10, reasonId: 12, ...reasons })),
      "InvalidArgument",
    );
    const plan = planMove(atOfficer, officer, [back], { optionId: 10, reasonId: 11, ...reasons });
    assert.deepEqual(plan.effects, [{ type: "removeSignatures", workStatusId: 110 }]);
  });

  it("requires a finding of the workflow when the option records one", () => {
    const atApprover = facts({ workStatusId: 118, holderRoleId: 11 });
    const approver = { roleId: 11, isAdministrator: false };
    const findings = { allowedFindingIds: new Set([1, 2]), allowedReasonIds: new Set<number>() };
    assert.equal(
      codeOf(() => planMove(atApprover, approver, [approve], { optionId: 9, ...findings })),
      "InvalidArgument",
    );
    assert.equal(
      codeOf(() => planMove(atApprover, approver, [approve], { optionId: 9, findingId: 7, ...findings })),
      "InvalidArgument",
    );
    const plan = planMove(atApprover, approver, [approve], { optionId: 9, findingId: 2, ...findings });
    assert.deepEqual(plan.effects, [{ type: "recordFinding", findingId: 2 }]);
  });

  it("refuses any move at a final status", () => {
    const done = facts({ isFinal: true, holderRoleId: null });
    assert.equal(
      codeOf(() => planMove(done, medtech, [forward], { optionId: 1, ...none })),
      "FailedPrecondition",
    );
  });
});
