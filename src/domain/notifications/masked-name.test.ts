import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { maskedMemberName } from "./masked-name.js";

describe("maskedMemberName", () => {
  it("keeps the grade and the initials only", () => {
    assert.equal(maskedMemberName({ grade: "E-5", lastName: "Doe", firstName: "jane" }), "E-5 D., J.");
  });

  it("leaves out what is missing instead of printing empty parts", () => {
    assert.equal(maskedMemberName({ grade: "", lastName: "Doe", firstName: " " }), "D.");
  });
});
