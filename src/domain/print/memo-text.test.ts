import assert from "node:assert/strict";
import { test } from "node:test";
import { renderMemoText, templateProblem } from "./memo-text.js";

const template = {
  title: "Determination {{caseNumber}}",
  memorandumFor: "{{memberRankName}}",
  sender: "{{approvingAuthority}}",
  subject: "Case {{caseNumber}}",
  body: "1. You were <{{determination}}>.\n\n  2. Questions to your commander.  \n",
  signatureBlock: "{{approvingAuthority}}\nApproving Authority\n",
  fontSize: 11,
};

test("a memo renders every part from the values, unescaped, the body in paragraphs", () => {
  const text = renderMemoText(
    template,
    {
      caseNumber: "20261127-0000001",
      memberRankName: "TSgt A & B",
      determination: "ILOD",
      approvingAuthority: "Brig Gen W",
    },
    "27 November 2026",
  );
  assert.equal(text.title, "Determination 20261127-0000001");
  assert.equal(text.memorandumFor, "TSgt A & B", "no HTML escaping in a PDF");
  assert.deepEqual(text.paragraphs, ["1. You were <ILOD>.", "2. Questions to your commander."]);
  assert.deepEqual(text.signatureLines, ["Brig Gen W", "Approving Authority"]);
});

test("a template Mustache cannot parse is named as such", () => {
  assert.match(templateProblem("{{#open}} never closed") ?? "", /not a valid template/);
  assert.equal(templateProblem("{{fine}}"), undefined);
});
