import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCaseNotification } from "./case-event-relay.js";

describe("parseCaseNotification", () => {
  it("reads an update's ids, previous status and the writer's instance (which may hold colons)", () => {
    assert.deepEqual(parseCaseNotification("12:4:5:6:ab:cd"), {
      kind: "change",
      caseId: 12,
      version: 4,
      previousStatusId: 5,
      statusId: 6,
      origin: "ab:cd",
    });
  });

  it("reads an insert as a change without a previous status", () => {
    assert.deepEqual(parseCaseNotification("12:1::5:"), {
      kind: "change",
      caseId: 12,
      version: 1,
      previousStatusId: undefined,
      statusId: 5,
      origin: "",
    });
  });

  it("reads a bulk change as a resync", () => {
    assert.deepEqual(parseCaseNotification("resync:abc"), { kind: "resync", origin: "abc" });
  });

  it("ignores what it cannot read", () => {
    for (const payload of ["", "12", "x:1::5:", "12:1::", "12:y:3:4:o"]) {
      assert.equal(parseCaseNotification(payload), undefined, payload);
    }
  });
});
