import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { FormSectionStateSchema } from "../../../src/gen/ect/v1/form_service_pb.js";
import { InvestigationReportSchema } from "../../../src/gen/ect/v1/investigation_service_pb.js";
import { changedFields, draftOf } from "../form/form-draft.js";
import { fieldTitle } from "../form/form-tabs.js";
import {
  INVESTIGATION_FIELDS,
  investigationSectionOf,
  sectionStateOf,
  updateInvestigationRequest,
} from "./investigation-fields.js";

const reportFields = INVESTIGATION_FIELDS.report;

describe("the investigation's fields in the web form", () => {
  it("declares every report field of the proto but the output-only description, in the proto's order", () => {
    const proto = InvestigationReportSchema.fields
      .map((field) => field.jsonName)
      .filter((name) => name !== "recommendedFindingDescription");
    assert.deepEqual(
      reportFields.map((field) => field.name),
      proto,
    );
  });

  it("sends exactly the changed fields, a cleared one named but unset, the persons list whole", () => {
    const report = create(InvestigationReportSchema, {
      place: "Hangar 3",
      remarks: "none",
      otherPersons: [{ name: "SSgt Lee", grade: "E-5", unit: "452 MXS", involvement: "" }],
    });
    const saved = draftOf(report, reportFields);
    const draft = {
      ...saved,
      place: "Hangar 4, March ARB",
      remarks: null,
      otherPersons: [
        { name: "SSgt Lee", grade: "E-5", unit: "452 MXS", involvement: "" },
        { name: "Mr Cole", grade: "civilian", unit: "", involvement: "Drove the tug" },
      ],
    };
    const changed = changedFields(reportFields, saved, draft);
    assert.deepEqual(changed, ["place", "otherPersons", "remarks"]);
    const request = updateInvestigationRequest("cases/7/investigation", "report", draft, changed);
    assert.deepEqual(request.updateMask, {
      paths: ["report.place", "report.otherPersons", "report.remarks"],
    });
    assert.deepEqual(request.investigation, {
      name: "cases/7/investigation",
      report: { place: "Hangar 4, March ARB", otherPersons: draft.otherPersons },
    });
  });

  it("an unchanged persons list read back from the server is no change", () => {
    const report = create(InvestigationReportSchema, {
      otherPersons: [{ name: "SSgt Lee", grade: "E-5", unit: "452 MXS", involvement: "" }],
    });
    assert.deepEqual(
      changedFields(reportFields, draftOf(report, reportFields), draftOf(report, reportFields)),
      [],
    );
  });

  it("reads the server's section state with the form's field spelling", () => {
    const state = sectionStateOf(
      [
        create(FormSectionStateSchema, {
          section: "investigation.report",
          editable: true,
          requiredFields: ["investigation.report.place", "investigation.report.reportDate"],
          missingFields: ["investigation.report.place"],
        }),
      ],
      "report",
    );
    assert.deepEqual(state?.requiredFields, ["report.place", "report.reportDate"]);
    assert.deepEqual(state?.missingFields, ["report.place"]);
    assert.equal(sectionStateOf([], "legalReview"), undefined);
  });

  it("names an investigation field with its section, for the list of fields to fix", () => {
    assert.equal(investigationSectionOf("legalReview.concur"), "legalReview");
    assert.equal(investigationSectionOf("medical.treatmentDate"), undefined);
    assert.equal(fieldTitle("report.howSustained"), "Report of investigation: How sustained");
    assert.equal(fieldTitle("medical.treatmentDate"), "Medical: First treatment date");
  });
});
