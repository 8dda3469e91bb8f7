import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recordableFindings } from "./recordable-findings.js";

const workflowFindings = [
  "ILOD",
  "NILOD-MISCONDUCT",
  "NILOD-NOT-MISCONDUCT",
  "EPTS-LOD-NA",
  "EPTS-SA",
  "FORMAL",
].map((code, index) => ({ id: index + 1, code }));
const codes = (roleId: number | null) => recordableFindings(workflowFindings, roleId).map((f) => f.code);

describe("the findings a holding role may record", () => {
  it("are the approving authority's determinations only, never recommend formal investigation", () => {
    assert.deepEqual(codes(11), ["ILOD", "NILOD-MISCONDUCT", "NILOD-NOT-MISCONDUCT", "EPTS-LOD-NA"]);
  });

  it("include recommending a formal investigation for the wing commander, not for the board", () => {
    assert.ok(codes(6).includes("FORMAL"));
    assert.ok(!codes(7).includes("FORMAL"));
  });

  it("are the workflow's whole list for a role the form gives no finding", () => {
    assert.deepEqual(
      codes(12),
      workflowFindings.map((f) => f.code),
    );
    assert.deepEqual(
      codes(null),
      workflowFindings.map((f) => f.code),
    );
  });
});
