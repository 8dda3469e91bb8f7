import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentSha256 } from "./content-hash.js";
import { completeForm } from "./form-content.js";
import {
  type BoundSignature,
  coveredSections,
  signaturesInvalidatedBy,
  signatureValid,
} from "./signature-binding.js";

const before = completeForm({ medical: { treatmentFacility: "Clinic" }, unit: { circumstances: "PT" } });
const after = completeForm({ medical: { treatmentFacility: "Hospital" }, unit: { circumstances: "PT" } });
const signature = (overrides: Partial<BoundSignature>): BoundSignature => ({
  id: 1,
  roleId: 3,
  sections: null,
  contentSha256: null,
  invalidatedAt: null,
  ...overrides,
});

describe("signatures bound to the form", () => {
  it("cover the recorded sections, else their role's", () => {
    assert.deepEqual(coveredSections(signature({ roleId: 3 })), ["member", "medical"]);
    assert.deepEqual(coveredSections(signature({ roleId: 4, sections: ["unit"] })), ["unit"]);
    assert.deepEqual(coveredSections(signature({ roleId: 1 })), []);
  });

  it("are valid while not invalidated and the covered content still hashes to what was signed", () => {
    const hash = contentSha256(before, ["member", "medical"]);
    assert.equal(signatureValid(signature({ contentSha256: hash }), before), true);
    assert.equal(signatureValid(signature({ contentSha256: hash }), after), false);
    assert.equal(signatureValid(signature({ invalidatedAt: new Date() }), before), false);
  });

  it("are invalidated by a change to a section they cover, and only then", () => {
    const officer = signature({
      id: 1,
      roleId: 3,
      contentSha256: contentSha256(before, ["member", "medical"]),
    });
    const commander = signature({ id: 2, roleId: 4 });
    const unbound = signature({ id: 3, roleId: 2 });
    const invalidated = signaturesInvalidatedBy([officer, commander, unbound], ["medical"], before, after);
    assert.deepEqual(
      invalidated.map((entry) => entry.id),
      [1, 3],
    );
    assert.deepEqual(
      signaturesInvalidatedBy([officer], ["medical"], before, before),
      [],
      "same content: still valid",
    );
    assert.deepEqual(
      signaturesInvalidatedBy([signature({ invalidatedAt: new Date() })], ["medical"], before, after),
      [],
      "already invalid",
    );
  });

  it("attest to their role's entries: the officer's own items leave the technician's signature standing", () => {
    const technicianSigned = completeForm({
      medical: { treatmentFacility: "Clinic", psychiatricEvaluation: null },
    });
    const technician = signature({
      id: 7,
      roleId: 2,
      contentSha256: contentSha256(technicianSigned, ["member", "medical"], "medicalTechnician"),
    });
    const officerAdds = completeForm({
      medical: { treatmentFacility: "Clinic", psychiatricEvaluation: false },
    });
    const officerCorrects = completeForm({
      medical: { treatmentFacility: "Hospital", psychiatricEvaluation: null },
    });
    assert.equal(
      signatureValid(technician, officerAdds),
      true,
      "an officer-only item is not the technician's",
    );
    assert.deepEqual(signaturesInvalidatedBy([technician], ["medical"], technicianSigned, officerAdds), []);
    assert.equal(signatureValid(technician, officerCorrects), false, "the technician's entry changed");
    assert.deepEqual(
      signaturesInvalidatedBy([technician], ["medical"], technicianSigned, officerCorrects).map(
        (entry) => entry.id,
      ),
      [7],
    );
  });
});
