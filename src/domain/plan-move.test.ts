import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { openOptions } from "./next-actions.js";
import { cancelOption, planMove, returnOption } from "./plan-move.js";
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
    assert.deepEqual(plan.effects, [{ type: "removeSignatures", workStatusId: 110, andSince: true }]);
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

  it("records the approving authority's determination from the form, never a finding it may not pick", () => {
    const atApprover = facts({ workStatusId: 118, holderRoleId: 11 });
    const approver = { roleId: 11, isAdministrator: false };
    const determinations = { allowedFindingIds: new Set([1, 2, 3, 4]), allowedReasonIds: new Set<number>() };
    const FORMAL = 6;
    const recorded = planMove(atApprover, approver, [approve], {
      optionId: 9,
      recordedFindingId: 3,
      ...determinations,
    });
    assert.deepEqual(recorded.effects, [{ type: "recordFinding", findingId: 3 }]);
    const invalid = (input: { findingId?: number; recordedFindingId?: number }) => {
      try {
        planMove(atApprover, approver, [approve], { optionId: 9, ...input, ...determinations });
      } catch (error) {
        const connect = ConnectError.from(error);
        return connect.code === Code.InvalidArgument && connect.rawMessage.startsWith("finding_id: ");
      }
      return false;
    };
    assert.ok(invalid({ findingId: FORMAL }), "recommend formal investigation is not a determination");
    assert.ok(invalid({ recordedFindingId: FORMAL }), "nor when it is what the form holds");
    assert.ok(invalid({ findingId: 1, recordedFindingId: 3 }), "the request must agree with the form");
    assert.ok(invalid({}), "a finding is required");
  });

  it("refuses any move at a final status", () => {
    const done = facts({ isFinal: true, holderRoleId: null });
    assert.equal(
      codeOf(() => planMove(done, medtech, [forward], { optionId: 1, ...none })),
      "FailedPrecondition",
    );
  });
});

/** A return from the board legal review (117) to an earlier status held by `holder`. */
function returnTo(id: number, toWorkStatusId: number, holder: number): WorkflowOption {
  return {
    ...back,
    id,
    fromWorkStatusId: 117,
    toWorkStatusId,
    label: `Return without action to ${toWorkStatusId}`,
    targetHolderRoleId: holder,
    actions: [{ type: "removeSignatures", target: toWorkStatusId, data: 0 }],
  };
}

describe("return without action and cancel", () => {
  const BOARD_LEGAL = 8;
  const boardLegal = { roleId: BOARD_LEGAL, isAdministrator: false };
  const atBoardLegal = facts({
    workStatusId: 117,
    holderRoleId: BOARD_LEGAL,
    visitedWorkStatusIds: new Set([110, 111, 112, 113, 114, 115, 116, 117]),
  });
  // The one step back first, as the seed orders them, then further back.
  const returns = [returnTo(16, 116, 9), returnTo(36, 115, 7), returnTo(39, 112, 4), returnTo(42, 110, 2)];

  it("sends the case back to the earlier role the returning role chooses", () => {
    assert.equal(returnOption(atBoardLegal, boardLegal, returns, 4).toWorkStatusId, 112);
    assert.equal(returnOption(atBoardLegal, boardLegal, returns, 2).toWorkStatusId, 110);
  });

  it("returns one step back when no role is named", () => {
    assert.equal(returnOption(atBoardLegal, boardLegal, returns).toWorkStatusId, 116);
    assert.equal(returnOption(atBoardLegal, boardLegal, returns, 0).toWorkStatusId, 116);
  });

  it("refuses a role that is not an earlier role of the case, naming return_to_role_id", () => {
    for (const role of [BOARD_LEGAL, 11, 999, -1]) {
      assert.throws(
        () => returnOption(atBoardLegal, boardLegal, returns, role),
        (error: unknown) =>
          ConnectError.from(error).code === Code.InvalidArgument &&
          /^return_to_role_id: /.test(ConnectError.from(error).rawMessage),
        `role ${role}`,
      );
    }
  });

  it("never returns to a status the case has not been in (a formal case skipped board medical)", () => {
    const formal = facts({
      workStatusId: 117,
      holderRoleId: BOARD_LEGAL,
      formalInvestigation: true,
      visitedWorkStatusIds: new Set([110, 111, 112, 113, 114, 115, 117]),
    });
    assert.equal(
      returnOption(formal, boardLegal, returns).toWorkStatusId,
      115,
      "one step back is the board technician",
    );
    assert.equal(
      codeOf(() => returnOption(formal, boardLegal, returns, 9)),
      "InvalidArgument",
    );
    assert.deepEqual(
      openOptions(formal, boardLegal, returns).map((open) => open.option.id),
      [36, 39, 42],
    );
  });

  it("voids the signatures of the returned-to status and of every status since", () => {
    const plan = planMove(atBoardLegal, boardLegal, returns, {
      optionId: 39,
      reasonId: 11,
      allowedFindingIds: new Set(),
      allowedReasonIds: new Set([11]),
    });
    assert.equal(plan.toWorkStatusId, 112);
    assert.deepEqual(plan.effects, [{ type: "removeSignatures", workStatusId: 112, andSince: true }]);
  });

  it("refuses a return by a role that does not hold the case, and where nothing is earlier", () => {
    assert.equal(
      codeOf(() => returnOption(atBoardLegal, medtech, returns, 2)),
      "PermissionDenied",
    );
    assert.equal(
      codeOf(() => returnOption(facts(), medtech, [forward])),
      "FailedPrecondition",
    );
  });

  it("lets only a holding role whose status declares a cancel option cancel", () => {
    const cancel: WorkflowOption = { ...back, id: 18, toWorkStatusId: 120, kind: "cancel", sortOrder: 3 };
    const atOfficer = facts({ workStatusId: 111, holderRoleId: OFFICER });
    const officer = { roleId: OFFICER, isAdministrator: false };
    assert.equal(cancelOption(atOfficer, officer, [back, cancel]).id, 18);
    assert.equal(
      codeOf(() => cancelOption(facts(), medtech, [forward])),
      "PermissionDenied",
    );
    assert.equal(
      codeOf(() => cancelOption(atOfficer, medtech, [back, cancel])),
      "PermissionDenied",
    );
  });
});
