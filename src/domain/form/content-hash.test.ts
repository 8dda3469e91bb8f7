import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { canonicalContent, contentSha256 } from "./content-hash.js";
import { completeForm } from "./form-content.js";

describe("the canonical content a signature hashes", () => {
  it("is sorted JSON of the covered sections with every declared field, unset ones null", () => {
    const text = canonicalContent(
      completeForm({ "findings.wingJa": { concur: true, explanation: "Sufficient" } }),
      ["findings.wingJa"],
    );
    assert.equal(
      text,
      '{"findings.wingJa":{"byReasonOfId":null,"concur":true,"explanation":"Sufficient","finding":null}}',
    );
    assert.equal(
      contentSha256(completeForm({ "findings.wingJa": { concur: true, explanation: "Sufficient" } }), [
        "findings.wingJa",
      ]),
      createHash("sha256").update(text, "utf8").digest("hex"),
    );
  });

  it("does not depend on the order of keys, sections or witnesses' keys", () => {
    const a = completeForm({
      unit: { circumstances: "PT run", witnesses: [{ name: "A", contact: "x", statement: "" }] },
    });
    const b = completeForm({
      unit: { witnesses: [{ statement: "", contact: "x", name: "A" }], circumstances: "PT run" },
    });
    assert.equal(contentSha256(a, ["unit", "member"]), contentSha256(b, ["member", "unit"]));
  });

  it("changes with any covered value and ignores sections not covered", () => {
    const before = completeForm({ medical: { treatmentFacility: "Clinic" } });
    const after = completeForm({ medical: { treatmentFacility: "Hospital" } });
    assert.notEqual(
      contentSha256(before, ["member", "medical"]),
      contentSha256(after, ["member", "medical"]),
    );
    assert.equal(contentSha256(before, ["unit"]), contentSha256(after, ["unit"]));
    assert.match(contentSha256(before, ["medical"]), /^[0-9a-f]{64}$/);
  });
});
