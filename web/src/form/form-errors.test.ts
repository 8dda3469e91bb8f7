import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorsIn, formErrors, MISSING_BEFORE_FORWARD } from "./form-errors.js";

describe("the server's refusals shown at the AF 348's fields", () => {
  it("puts an invalid value at the field the message names", () => {
    const errors = formErrors(
      new ConnectError("medical.treatmentDate: must not be in the future (2999-01-01)", Code.InvalidArgument),
    );
    assert.deepEqual(errors.fields, { "medical.treatmentDate": "must not be in the future (2999-01-01)" });
    assert.equal(
      errors.summary,
      "medical.treatmentDate: must not be in the future (2999-01-01)",
      "without the code",
    );
  });

  it("reads proto spellings and RecordFinding's finding.field as the form's paths", () => {
    assert.deepEqual(
      formErrors(new ConnectError("medical.treatment_date: must be a date", Code.InvalidArgument)).fields,
      { "medical.treatmentDate": "must be a date" },
    );
    assert.deepEqual(
      formErrors(
        new ConnectError("finding.explanation: required when not concurring", Code.InvalidArgument),
        "findings.wingJa",
      ).fields,
      { "findings.wingJa.explanation": "required when not concurring" },
    );
  });

  it("shows a witness's problem at the witness list, naming the witness", () => {
    assert.deepEqual(
      formErrors(new ConnectError("unit.witnesses[1].name: required", Code.InvalidArgument)).fields,
      { "unit.witnesses": "witness 2, name: required" },
    );
  });

  it("marks every field a refused forward lists as missing", () => {
    const errors = formErrors(
      new ConnectError(
        "the case cannot be forwarded: required fields missing: medical.treatmentDate, findings.wingJa.concur; signature 4 is invalid: medical changed after signing; sign again",
        Code.FailedPrecondition,
      ),
    );
    assert.deepEqual(errors.fields, {
      "medical.treatmentDate": MISSING_BEFORE_FORWARD,
      "findings.wingJa.concur": MISSING_BEFORE_FORWARD,
    });
    assert.equal(errorsIn(errors, "medical"), 1);
    assert.equal(errorsIn(errors, "findings.wingJa"), 1);
    assert.equal(errorsIn(errors, "unit"), 0);
  });

  it("keeps a refusal of a whole section, or any other failure, for the summary only", () => {
    const section = formErrors(
      new ConnectError(
        "medical: your role (Unit Commander) may not edit this section",
        Code.PermissionDenied,
      ),
    );
    assert.deepEqual(section.fields, {});
    assert.match(section.summary, /may not edit this section/);
    const lost = formErrors(new ConnectError("medical.x: upstream", Code.Unavailable));
    assert.deepEqual(lost.fields, {});
    assert.deepEqual(formErrors("plain").fields, {});
  });

  it("names a field refused to the role at that field", () => {
    assert.deepEqual(
      formErrors(
        new ConnectError(
          "medical.psychiatricEvaluation: your role (Medical Technician) does not write this field",
          Code.PermissionDenied,
        ),
      ).fields,
      { "medical.psychiatricEvaluation": "your role (Medical Technician) does not write this field" },
    );
  });

  it("spells the investigation's missing fields as the form does (report.place) and names a person by number", () => {
    const missing = formErrors(
      new ConnectError(
        "the case cannot be forwarded: required fields missing: investigation.report.place, " +
          "investigation.report.howSustained; signature 4 is invalid",
        Code.FailedPrecondition,
      ),
    );
    assert.deepEqual(Object.keys(missing.fields), ["report.place", "report.howSustained"]);
    assert.deepEqual(
      formErrors(new ConnectError("report.otherPersons[1].name: required", Code.InvalidArgument)).fields,
      { "report.otherPersons": "person 2, name: required" },
    );
  });
});
