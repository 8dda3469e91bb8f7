import assert from "node:assert/strict";
import { test } from "node:test";
import { attachmentDisposition } from "./content-disposition.js";

test("a download is always an attachment, its name encoded for any script and quoted safely for old clients", () => {
  assert.equal(
    attachmentDisposition("er visit.pdf"),
    `attachment; filename="er visit.pdf"; filename*=UTF-8''er%20visit.pdf`,
  );
  assert.equal(
    attachmentDisposition('Jörg "x" (1).pdf'),
    `attachment; filename="J_rg _x_ (1).pdf"; filename*=UTF-8''J%C3%B6rg%20%22x%22%20%281%29.pdf`,
  );
});
