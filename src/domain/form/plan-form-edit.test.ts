import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FieldDeclaration } from "./field-declarations.js";
import { completeForm } from "./form-content.js";
import { formRole, type SectionName } from "./form-roles.js";
import { type FormEditor, maySectionEdit, planFormEdit } from "./plan-form-edit.js";

const today = "2026-05-01";
const medtech: FormEditor = {
  role: formRole("medicalTechnician"),
  roleName: "Medical Technician",
  statusCodeId: 10,
  isFinal: false,
};
const unitcc: FormEditor = {
  role: formRole("unitCommander"),
  roleName: "Unit Commander",
  statusCodeId: 12,
  isFinal: false,
};

/** An edit of the given `section.field` values. */
function edit(values: Record<string, unknown>) {
  return {
    paths: Object.keys(values),
    valueOf: (section: SectionName, field: FieldDeclaration) =>
      values[`${section}.${field.name}`] ??
      values[`${section}.${field.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`],
    today,
  };
}

function refused(editor: FormEditor, values: Record<string, unknown>, code: Code, pattern: RegExp): void {
  assert.throws(
    () => planFormEdit(completeForm({}), editor, edit(values)),
    (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(Code[error.code], Code[code], error.message);
      assert.match(error.rawMessage, pattern);
      return true;
    },
  );
}

describe("planning an edit of the AF 348", () => {
  it("applies the values the editor's role writes at its status and reports what changed", () => {
    const form = completeForm({ medical: { treatmentFacility: "Base clinic" } });
    const { changes, next } = planFormEdit(
      form,
      medtech,
      edit({
        "medical.treatmentFacility": "Base clinic",
        "medical.treatment_date": "2026-04-02",
        "member.dutyStatus": "inactive_duty_training",
      }),
    );
    assert.deepEqual(changes, [
      { section: "medical", field: "treatmentDate", before: null, after: "2026-04-02" },
      { section: "member", field: "dutyStatus", before: null, after: "inactive_duty_training" },
    ]);
    assert.equal(next.medical.treatmentFacility, "Base clinic");
    assert.equal(next.medical.treatmentDate, "2026-04-02");
    assert.equal(form.medical.treatmentDate, null, "the form given is left as it was");
  });

  it("refuses another role's section, naming the section", () => {
    refused(
      medtech,
      { "unit.circumstances": "x" },
      Code.PermissionDenied,
      /^unit: your role \(Medical Technician\)/,
    );
    refused(unitcc, { "medical.treatmentFacility": "x" }, Code.PermissionDenied, /^medical: /);
  });

  it("refuses the role's own section when the case is not at the role's status, or is final", () => {
    refused({ ...unitcc, statusCodeId: 13 }, { "unit.circumstances": "x" }, Code.PermissionDenied, /^unit: /);
    refused({ ...unitcc, isFinal: true }, { "unit.circumstances": "x" }, Code.PermissionDenied, /^unit: /);
    refused(
      { ...unitcc, role: undefined, roleName: "System Administrator" },
      { "unit.circumstances": "x" },
      Code.PermissionDenied,
      /^unit: /,
    );
    assert.equal(maySectionEdit("unit", unitcc), true);
    assert.equal(maySectionEdit("medical", unitcc), false);
  });

  it("refuses a field of an editable section the role does not write, naming the field", () => {
    refused(medtech, { "member.grade": "E-9" }, Code.PermissionDenied, /^member\.grade: /);
    refused(
      medtech,
      { "medical.existedPriorToService": true },
      Code.PermissionDenied,
      /^medical\.existedPriorToService: /,
    );
    const officer: FormEditor = {
      role: formRole("medicalOfficer"),
      roleName: "Medical Officer",
      statusCodeId: 11,
      isFinal: false,
    };
    assert.equal(
      planFormEdit(completeForm({}), officer, edit({ "medical.existedPriorToService": true })).changes.length,
      1,
    );
  });

  it("names the field of a bad value, and an unknown path as update_mask", () => {
    refused(
      medtech,
      { "medical.treatmentDate": "2026-13-01" },
      Code.InvalidArgument,
      /^medical\.treatmentDate: /,
    );
    refused(
      medtech,
      { "medical.natureOfEvent": "sprain" },
      Code.InvalidArgument,
      /^medical\.natureOfEvent: must be one of/,
    );
    refused(medtech, { "medical.nope": 1 }, Code.InvalidArgument, /^update_mask: "medical\.nope"/);
    refused(medtech, { medical: 1 }, Code.InvalidArgument, /^update_mask: /);
    assert.throws(() => planFormEdit(completeForm({}), medtech, edit({})), /update_mask/);
  });

  it("keeps dates in order within a section, naming the later field", () => {
    const form = completeForm({ unit: { dutyFrom: "2026-04-10" } });
    assert.throws(
      () => planFormEdit(form, unitcc, edit({ "unit.dutyTo": "2026-04-09" })),
      /^ConnectError: \[invalid_argument\] unit\.dutyTo: must not be before unit\.dutyFrom/,
    );
    assert.equal(
      planFormEdit(form, unitcc, edit({ "unit.dutyTo": "2026-04-10" })).next.unit.dutyTo,
      "2026-04-10",
    );
  });

  it("names fields as the caller asks (RecordFinding says finding.field)", () => {
    const approver: FormEditor = {
      role: formRole("approvingAuthority"),
      roleName: "Approving Authority",
      statusCodeId: 18,
      isFinal: false,
    };
    assert.throws(
      () =>
        planFormEdit(completeForm({}), approver, {
          ...edit({ "findings.approvingAuthority.finding": "FORMAL" }),
          fieldPath: (_section, field) => `finding.${field}`,
        }),
      /finding\.finding: must be one of ILOD, NILOD-NOT-MISCONDUCT, NILOD-MISCONDUCT, EPTS-LOD-NA/,
    );
  });
});
